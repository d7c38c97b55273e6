"""Scoring detections against ground truth: distance matching, precision/recall/F1 and count error.

A detection matches a truth object of the same class when its centre lies within ``radius_m`` of the object
centre, or within half the object's length (a long ship's centroid can land anywhere along the hull), one
detection per object, highest score first. Truth objects under the reporting floor
(:data:`~monitor.config.models.MIN_LENGTH_M`, e.g. a 15 m boat) are "don't care", as in sen2ships' scorer: a
detection on one is neither a hit nor a false alarm, and missing one is no miss. The same rule is used for the
synthetic benchmark and the tests.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.config.models import MIN_LENGTH_M
from monitor.detect.base import Detection

__all__ = ("ClassScore", "TruthObject", "load_truth", "match", "score_scenes")


@dataclass(frozen=True)
class TruthObject:
    """One ground-truth object (from a synthetic scene's ``.truth.json``)."""

    object_class: str
    x: float
    y: float
    length_m: float
    visible: bool = True


def load_truth(path: Path) -> list[TruthObject]:
    """Read the ground truth written beside a synthetic scene.

    Args:
        path: The ``.truth.json`` file.

    Returns:
        Its objects.
    """
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return [
        TruthObject(o["class"], float(o["x"]), float(o["y"]), float(o["length_m"]), bool(o.get("visible", True)))
        for o in data["objects"]
    ]


@dataclass
class ClassScore:
    """Running totals for one class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    abs_count_error: list[int] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """TP / (TP + FP), 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN), 0 when nothing was there."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def count_mae(self) -> float:
        """Mean absolute count error per scene."""
        return sum(self.abs_count_error) / len(self.abs_count_error) if self.abs_count_error else 0.0


def match(
    detections: Sequence[Detection], truths: Sequence[TruthObject], radius_m: float = 30.0, units_per_m: float = 1.0
) -> tuple[int, int, int]:
    """Greedy one-to-one matching by score within a distance.

    Args:
        detections: Predictions of one class.
        truths: Truth objects of the same class.
        radius_m: Minimum match radius in ground metres.
        units_per_m: CRS units per ground metre.

    Returns:
        (true positives, false positives, false negatives).
    """
    tp, left = _greedy(detections, truths, radius_m, units_per_m)
    return tp, len(left), len(truths) - tp


def _greedy(
    detections: Sequence[Detection], truths: Sequence[TruthObject], radius_m: float, units_per_m: float = 1.0
) -> tuple[int, list[Detection]]:
    used = [False] * len(truths)
    left = []
    for d in sorted(detections, key=lambda d: -d.score):
        best, best_dist = -1, math.inf
        for i, t in enumerate(truths):
            if used[i]:
                continue
            dist = math.hypot(d.x - t.x, d.y - t.y) / units_per_m
            if dist <= max(radius_m, t.length_m / 2.0) and dist < best_dist:
                best, best_dist = i, dist
        if best >= 0:
            used[best] = True
        else:
            left.append(d)
    return sum(used), left


def score_scenes(
    scenes: Iterable[tuple[Sequence[Detection], Sequence[TruthObject]]], classes: Sequence[str], radius_m: float = 30.0
) -> dict[str, ClassScore]:
    """Score many scenes per class. Truth objects marked not visible (under cloud) are left out.

    Args:
        scenes: (detections, truth) per scene.
        classes: Classes to score.
        radius_m: Minimum match radius.

    Returns:
        Class to totals.
    """
    out = {c: ClassScore() for c in classes}
    for dets, truth in scenes:
        for c in classes:
            floor = MIN_LENGTH_M.get(c, 0.0)  # type: ignore[call-overload]
            seen = [x for x in truth if x.object_class == c and x.visible]
            counted = [x for x in seen if x.length_m >= floor]
            tp, left = _greedy([x for x in dets if x.object_class == c], counted, radius_m)
            _, false = _greedy(left, [x for x in seen if x.length_m < floor], radius_m)
            s = out[c]
            s.tp += tp
            s.fp += len(false)
            s.fn += len(counted) - tp
            s.abs_count_error.append(abs(tp + len(false) - len(counted)))
    return out
