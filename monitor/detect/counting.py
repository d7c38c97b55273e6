"""From detections to counts: which objects lie inside a site's countable zones, and how much was seen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import AIRCRAFT_CLASSES, CLASSES, SHIP_CLASSES, AOIConfig
from monitor.detect.base import Detection
from monitor.imagery.grid import SiteMasks
from monitor.imagery.scene import Scene

__all__ = ("count_by_class", "observed_fraction", "site_zone")


def site_zone(aoi: AOIConfig, masks: SiteMasks) -> NDArray[np.bool_]:
    """The pixels where an AOI's classes are counted: water for ships, runways/taxiways/aprons for aircraft.

    Args:
        aoi: The AOI (its ``classes`` choose the zones).
        masks: Its layout on the scene grid.

    Returns:
        Boolean mask.
    """
    zone = np.zeros(masks.grid.shape, dtype=bool)
    if any(c in SHIP_CLASSES for c in aoi.classes):
        zone |= masks.water
    if any(c in AIRCRAFT_CLASSES for c in aoi.classes):
        zone |= masks.airside
    return zone


def _inside(d: Detection, zone: NDArray[np.bool_]) -> bool:
    r, c = round(d.row), round(d.col)
    if not (0 <= r < zone.shape[0] and 0 <= c < zone.shape[1]):
        return False
    # Objects are counted when any pixel of their 3x3 neighbourhood is in the zone: a ship moored alongside
    # a pier has its centre within a pixel of the pier polygon.
    return bool(zone[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2].any())


def count_by_class(
    detections: Iterable[Detection],
    classes: Sequence[str] = CLASSES,
    zone: NDArray[np.bool_] | None = None,
) -> tuple[dict[str, int], list[Detection]]:
    """Count detections per class, every class present (zeros included).

    Args:
        detections: Final detections.
        classes: Classes to report.
        zone: If given, only detections inside it count.

    Returns:
        (class -> count, the detections that were counted).
    """
    kept = [d for d in detections if d.object_class in classes and (zone is None or _inside(d, zone))]
    counts = {c: 0 for c in classes}
    for d in kept:
        counts[d.object_class] += 1
    return counts, kept


def observed_fraction(scene: Scene, zone: NDArray[np.bool_] | None = None) -> float:
    """Share of the zone (or the whole scene) that is valid and cloud-free.

    Args:
        scene: The scene.
        zone: Restrict to these pixels (None = whole scene).

    Returns:
        A fraction in 0..1.
    """
    if zone is None:
        return scene.observed_fraction
    n = int(zone.sum())
    return float((scene.valid & zone).sum() / n) if n else 0.0
