"""The operating point for images without a site, chosen on real images the held-out tests never use.

Ships: the sen2ships labels leave out small boats, and a detector run on a port with no site layout also meets
marinas and moorings full of them. Without an AOI, a ship therefore counts only above a minimum score and
predicted length, chosen here to maximise vessel F1 on the real *training* ports (never the held-out ones).

Aircraft: the score floor is chosen to maximise aircraft F1 on the *tuning half* of the real development airports
(``aircraft-dev``; its licence allows choosing an operating point on it, never training weights). The halves are
fixed: the airports in even positions of the sorted list tune, the odd ones test, so every aircraft score reported
on the test half comes from airports that chose nothing. With an AOI the site's own size rules decide instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from monitor.detect.base import Detection
from monitor.imagery.scene import read_scene

__all__ = ("AIRCRAFT_SCORES", "LENGTHS", "SCORES", "airport_halves", "choose_unsited", "choose_unsited_aircraft")

AIRCRAFT_SCORES = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)

SCORES = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
LENGTHS = (0.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0)


def choose_unsited(detect_all: Any, real_dir: Path, ports: Sequence[str]) -> dict[str, float]:
    """Sweep minimum score and length on labelled ports and return the best pair by vessel F1.

    Args:
        detect_all: Callable taking a Scene and returning every detection (no score or length floor).
        real_dir: Folder with ``<port>.tif`` and ``<port>.geojson``.
        ports: Ports to tune on.

    Returns:
        ``{"min_score", "min_length_m", "f1", "precision", "recall"}`` measured on those ports.
    """
    from monitor.config.models import SHIP_CLASSES
    from monitor.evaluate.real import score_image, totals
    from monitor.training.real_chips import port_files

    cache: dict[str, list[Detection]] = {}
    labels: dict[str, Path] = {}
    for port in ports:
        files = port_files(real_dir, port)
        if files is not None:
            cache[port], labels[port] = detect_all(read_scene(files[0])), files[1]
    best: dict[str, float] = {"f1": -1.0}
    for score in SCORES:
        for length in LENGTHS:
            t = totals(
                [score_image([d for d in dets if d.score >= score and d.length_m >= length], labels[port],
                             SHIP_CLASSES) for port, dets in cache.items()]
            )  # fmt: skip
            if t.f1 > best["f1"]:
                best = {"min_score": score, "min_length_m": length, "f1": t.f1, "precision": t.precision,
                        "recall": t.recall}  # fmt: skip
    return best


def airport_halves(names: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split the development airports into the tuning half and the test half.

    Args:
        names: Airport names.

    Returns:
        (tuning, test): even and odd positions of the sorted names.
    """
    ordered = sorted(names)
    return ordered[0::2], ordered[1::2]


def choose_unsited_aircraft(detect_all: Any, folder: Path, airports: Sequence[str]) -> dict[str, float]:
    """Sweep the aircraft score floor on labelled airports and return the best by aircraft F1.

    Args:
        detect_all: Callable taking a Scene and returning every detection (no aircraft floor).
        folder: Folder with ``<name>.tif`` and ``<name>.geojson`` (dontcare boxes honoured).
        airports: Airports to tune on.

    Returns:
        ``{"aircraft_min_score", "aircraft_f1", "aircraft_precision", "aircraft_recall"}`` on those airports.
    """
    from monitor.config.models import AIRCRAFT_CLASSES
    from monitor.evaluate.real import score_image, totals

    cache = {a: detect_all(read_scene(folder / f"{a}.tif")) for a in airports}
    best: dict[str, float] = {"aircraft_f1": -1.0}
    for score in AIRCRAFT_SCORES:
        t = totals(
            [score_image([d for d in dets if d.score >= score], folder / f"{a}.geojson", AIRCRAFT_CLASSES)
             for a, dets in cache.items()]
        )  # fmt: skip
        if t.f1 > best["aircraft_f1"]:
            best = {
                "aircraft_min_score": score,
                "aircraft_f1": t.f1,
                "aircraft_precision": t.precision,
                "aircraft_recall": t.recall,
            }
    return best
