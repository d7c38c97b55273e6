"""Hard negatives: where a detector reports a ship on a real training port and no labelled vessel lies.

Random background chips rarely land on a port's worst clutter (a marina is a few hundred metres of a 20 km
scene), so a network fine-tuned on them keeps calling yachts in rows, pier heads and quay corners vessels. Mining
runs a detector without an AOI over each port, as the blind tests run it, and keeps the ship-family detections
that fall outside every labelled box grown by :data:`~monitor.evaluate.real.GROW_M`, the match rule of
``shared/tools/score_points.py``
(a peak near a labelled vessel is that vessel, never a negative). :func:`~monitor.training.real_chips.real_chips`
then cuts one chip around each of these points; the chip keeps all its labels, so a vessel beside a false alarm
is still a vessel.

sen2ships leaves some small boats unlabelled, so a few mined points are real boats: the chips then teach the
labelling convention the real scores are measured by, which is what the blind tests reward.

Only ports the detector may learn from are mined: a fold model's held-out ports must stay out of its pool.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.config.models import SHIP_CLASSES
from monitor.evaluate.real import labelled_boxes

if TYPE_CHECKING:
    from monitor.detect.base import Detector

__all__ = ("false_alarms", "mine_ports")

log = logging.getLogger("monitor.train")


def false_alarms(detector: Detector, tif: Path, geojson: Path) -> list[tuple[float, float]]:
    """Ship detections on a labelled port that match no labelled vessel.

    Args:
        detector: The detector to mine with (run without an AOI, at its own operating point).
        tif: The port GeoTIFF.
        geojson: Its labels.

    Returns:
        (x, y) of each false alarm in the image CRS, best score first.
    """
    from monitor.imagery.scene import read_scene

    boxes = labelled_boxes(geojson)
    found = [d for d in detector.detect(read_scene(tif), None, None) if d.object_class in SHIP_CLASSES]
    return [
        (d.x, d.y)
        for d in sorted(found, key=lambda d: -d.score)
        if not any(x0 <= d.x <= x1 and y0 <= d.y <= y1 for x0, y0, x1, y1, _ in boxes)
    ]


def mine_ports(
    bundle: Path, real_dir: Path, ports: Sequence[str] | None = None
) -> dict[str, list[tuple[float, float]]]:
    """False vessels of a weights bundle on each real port it may learn from.

    Args:
        bundle: The weights bundle to mine with.
        real_dir: The sen2ships folder (``sen2ships-partial`` is looked for beside it).
        ports: Ports to mine (default: the four training ports); ports without files are skipped.

    Returns:
        Port name to false-alarm points, as :func:`false_alarms` gives them.
    """
    from monitor.detect.cnn.detector import CnnDetector
    from monitor.training.real_chips import TRAIN_PORTS, port_files

    detector = CnnDetector(bundle)
    hard = {}
    for port in ports or TRAIN_PORTS:
        files = port_files(real_dir, port)
        if files is not None:
            hard[port] = false_alarms(detector, *files)
            log.info("%s: %d false vessels from %s", port, len(hard[port]), detector.version)
    return hard
