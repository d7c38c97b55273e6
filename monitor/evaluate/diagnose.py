"""Why a real image scores what it does: every miss and every false alarm put under one measured cause.

An F1 says how far a detector is from the truth, not why. This module sorts the errors of one no-AOI run on a
labelled real image (the scorer's rule, :mod:`monitor.evaluate.real`) into causes that point at different fixes.

Misses (scored boxes that no detection took) are told apart with a *loosened* copy of the same detector: every
class decoded from :data:`LOOSE_FLOOR`, the no-AOI floors and length rule off, the second look as configured.

- ``unseen``: no loosened candidate of the family inside the box: the network does not respond there at all
  (more training data of that look is the fix, not a threshold);
- ``below floor``: the best candidate inside scored under the operating floor (a better ranking would find it);
- ``dropped``: a candidate at or over the floor was there, yet the operating output kept none for this box (the
  no-AOI length rule, two hulls merged into one, or its detection went to a neighbouring box).

Each miss also gets context tags, counted apart: ``at quay`` (a quarter or more of the one-pixel ring around the box
is land by the image's own water mask) and ``packed`` (another labelled box within 20 m).

False alarms (detections that took no box) go under the first cause that fits:

- ``beside a label``: within 50 m of a labelled box (a second peak on one object, or a centre pulled off it onto a
  jet bridge or the end of a long hull);
- ``inland`` (ships only): under a tenth of the 250 m square around it is water (roofs, yards, tanks);
- ``at a shore`` (ships only): under half of the 130 m square around it is water (the hull itself covers up to a
  third of it): a quay, pier, pontoon, breakwater or beach, where the labelled moored ships also lie;
- ``crowded``: two or more other loosened candidates within 100 m (rows of yachts, stands, service vehicles);
- ``alone``: anything else (on open water: unlabelled boats, rocks, surf; on an airport: single roofs, vehicles).

Water is the image's own mask (:func:`monitor.detect.cnn.surface.image_water`), as the no-AOI detector uses it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import SHIP_CLASSES
from monitor.detect.base import Detection
from monitor.detect.cnn.detector import CnnDetector
from monitor.detect.cnn.surface import image_water
from monitor.evaluate.real import labelled_boxes, match_boxes
from monitor.imagery.scene import Scene

__all__ = ("FALSE_ALARM_CAUSES", "LOOSE_FLOOR", "MISS_CAUSES", "MISS_TAGS", "Diagnosis", "diagnose_image", "loosened")

#: Score from which the loosened detector reports candidates.
LOOSE_FLOOR = 0.10
MISS_CAUSES = ("unseen", "below floor", "dropped")
MISS_TAGS = ("at quay", "packed")
FALSE_ALARM_CAUSES = ("beside a label", "inland", "at a shore", "crowded", "alone")
_PACKED_M = 20.0
_BESIDE_M = 50.0
_CROWD_M = 100.0
#: Half-side of the square looked at for "inland" (12 px: 250 m at 10 m).
_INLAND_PX = 12
#: Half-side of the square looked at for "at a shore" (6 px: 130 m).
_SHORE_PX = 6


@dataclass
class Diagnosis:
    """Counts of misses by cause and tag, and of false alarms by cause, over one or more images."""

    misses: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    false_alarms: Counter[str] = field(default_factory=Counter)

    def __add__(self, other: Diagnosis) -> Diagnosis:
        """Pooled counts of two diagnoses."""
        return Diagnosis(self.misses + other.misses, self.tags + other.tags, self.false_alarms + other.false_alarms)


def loosened(weights: Path | None = None, second_look: bool = True, floor: float = LOOSE_FLOOR) -> CnnDetector:
    """A copy of a CNN detector that reports every candidate from ``floor``, with no no-AOI rule.

    Args:
        weights: The bundle (None: the shipped one).
        second_look: As the operating detector has it, so a candidate's score is the one it was judged by.
        floor: Decoding threshold of every class.

    Returns:
        The detector; its bundle is its own copy, so the operating detector is untouched.
    """
    det = CnnDetector(weights, second_look=second_look)
    for sensor, model in det.bundle.models.items():
        model.thresholds = [floor] * len(model.thresholds)
        det.bundle.card.setdefault("sensors", {}).setdefault(sensor, {})["unsited"] = {"aircraft_min_score": floor}
    return det


def diagnose_image(
    operating: Sequence[Detection],
    loose: Sequence[Detection],
    scene: Scene,
    geojson: Path,
    classes: Sequence[str],
    floor: float,
) -> Diagnosis:
    """Sort one image's misses and false alarms into causes.

    Args:
        operating: The detector's no-AOI output (what is scored).
        loose: The loosened detector's output on the same scene (:func:`loosened`).
        scene: The scene, for its water mask and grid.
        geojson: Its labelled boxes.
        classes: The scored classes (one family).
        floor: The operating score floor of that family without an AOI.

    Returns:
        The counts.
    """
    grown = labelled_boxes(geojson)
    raw = labelled_boxes(geojson, 0.0)
    ops = [d for d in operating if d.object_class in classes]
    taken = match_boxes(ops, grown)
    hit = {i for i in taken if i is not None}
    candidates = [d for d in loose if d.object_class in classes]
    water = image_water(scene.bands)
    ships = set(classes) <= set(SHIP_CLASSES)
    out = Diagnosis()
    for i, (x0, y0, x1, y1, scored) in enumerate(grown):
        if not scored or i in hit:
            continue
        inside = [d.score for d in candidates if x0 <= d.x <= x1 and y0 <= d.y <= y1]
        best = max(inside, default=None)
        out.misses["unseen" if best is None else "below floor" if best < floor else "dropped"] += 1
        if ships and water is not None and _ring_land_share(raw[i], scene, water) >= 0.25:
            out.tags["at quay"] += 1
        if any(_box_gap(raw[i], raw[j]) <= _PACKED_M for j in range(len(raw)) if j != i):
            out.tags["packed"] += 1
    for d, box in zip(ops, taken, strict=True):
        if box is None:
            out.false_alarms[_false_alarm_cause(d, raw, candidates, scene, water if ships else None)] += 1
    return out


def _false_alarm_cause(
    d: Detection,
    raw: Sequence[tuple[float, float, float, float, bool]],
    candidates: Sequence[Detection],
    scene: Scene,
    water: NDArray[np.bool_] | None,
) -> str:
    if any(_point_gap(d.x, d.y, b) <= _BESIDE_M for b in raw):
        return "beside a label"
    if water is not None:
        r, c = _pixel(scene, d.x, d.y)
        if _share(water, r, c, _INLAND_PX) < 0.1:
            return "inland"
        if _share(water, r, c, _SHORE_PX) < 0.5:
            return "at a shore"
    others = sum(1 for e in candidates if e is not d and 0 < math.hypot(e.x - d.x, e.y - d.y) <= _CROWD_M)
    return "crowded" if others >= 2 else "alone"


def _share(mask: NDArray[np.bool_], r: int, c: int, half: int) -> float:
    return float(mask[max(r - half, 0) : r + half + 1, max(c - half, 0) : c + half + 1].mean())


def _pixel(scene: Scene, x: float, y: float) -> tuple[int, int]:
    col, row = ~scene.grid.transform * (x, y)
    h, w = scene.grid.shape
    return min(max(int(row), 0), h - 1), min(max(int(col), 0), w - 1)


def _ring_land_share(box: tuple[float, float, float, float, bool], scene: Scene, water: NDArray[np.bool_]) -> float:
    """Share of land in the one-pixel ring just outside a box (in CRS units)."""
    (ra, ca), (rb, cb) = _pixel(scene, box[0], box[1]), _pixel(scene, box[2], box[3])
    r0, r1, c0, c1 = min(ra, rb), max(ra, rb), min(ca, cb), max(ca, cb)
    h, w = water.shape
    outer = water[max(r0 - 1, 0) : min(r1 + 2, h), max(c0 - 1, 0) : min(c1 + 2, w)]
    inner = water[r0 : r1 + 1, c0 : c1 + 1]
    ring = outer.size - inner.size
    if ring <= 0:
        return 0.0
    return float(((outer.size - outer.sum()) - (inner.size - inner.sum())) / ring)


def _box_gap(a: tuple[float, float, float, float, bool], b: tuple[float, float, float, float, bool]) -> float:
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return math.hypot(dx, dy)


def _point_gap(x: float, y: float, b: tuple[float, float, float, float, bool]) -> float:
    return math.hypot(max(b[0] - x, x - b[2], 0.0), max(b[1] - y, y - b[3], 0.0))
