"""The operating point for images without a site: minimum score and length chosen on the real training ports.

The sen2ships labels leave out small boats, and a detector run on a port with no site layout also meets
marinas and moorings full of them. Without an AOI, a ship therefore counts only above a minimum score and
predicted length, chosen here to maximise vessel F1 on the real *training* ports (never the held-out ones).
With an AOI the site's own size rules decide instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from monitor.detect.base import Detection
from monitor.imagery.scene import read_scene

__all__ = ("LENGTHS", "SCORES", "choose_unsited")

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
    from monitor.evaluate.real import score_image

    cache: dict[str, list[Detection]] = {}
    for port in ports:
        if (real_dir / f"{port}.tif").exists():
            cache[port] = detect_all(read_scene(real_dir / f"{port}.tif"))
    best: dict[str, float] = {"f1": -1.0}
    for score in SCORES:
        for length in LENGTHS:
            tp = fp = fn = 0
            for port, dets in cache.items():
                kept = [d for d in dets if d.score >= score and d.length_m >= length]
                s = score_image(kept, real_dir / f"{port}.geojson", SHIP_CLASSES)
                tp, fp, fn = tp + s.tp, fp + s.fp, fn + s.fn
            p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
            f1 = 2 * p * r / max(p + r, 1e-9)
            if f1 > best["f1"]:
                best = {"min_score": score, "min_length_m": length, "f1": f1, "precision": p, "recall": r}
    return best
