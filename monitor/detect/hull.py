"""Object sizes measured from the image at given points, for detectors whose own size estimate is too coarse.

The CNN finds ships well but its length head blurs sizes: on the synthetic Dunai record a 60 m patrol boat
came out at 90-135 m, in the range of a 112 m landing ship, so a size rule could not tell them apart. The
pixels themselves separate them much better: the classical contrast statistic (a CFAR on Sentinel-1, a robust
NIR excess on Sentinel-2, both against water only) is thresholded around the point, and the connected hull
footprint is measured by its second moments (:func:`~monitor.detect.measure.measure_blobs`). Aircraft are
measured the same way against apron concrete, by their largest dimension (Feret diameter), which is what the
size rules are written for: at 10 m an An-148 (29 m) measures about 30-46 m on Sentinel-2 and the 46-53 m
transports 50-71 m, where the network's size head put both at about 38-56 m. A point where the statistic
shows no object at the detection threshold gets no measurement, and its caller keeps its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.config.models import AIRCRAFT_CLASSES, SHIP_CLASSES
from monitor.detect.classical import ClassicalDetector, Layer
from monitor.detect.measure import feret_lengths, measure_blobs
from monitor.imagery.grid import SiteMasks
from monitor.imagery.scene import Scene

__all__ = ("Size", "object_sizes")

#: ``(length_m, width_m, label)`` of one object; equal labels mean the same object in the image.
Size = tuple[float, float, int]

_EIGHT = np.ones((3, 3), dtype=bool)


def object_sizes(
    work: Scene,
    masks: SiteMasks,
    points: Sequence[tuple[int, int]],
    aircraft: bool = False,
    radius_px: int = 2,
    classical: ClassicalDetector | None = None,
    statistics: tuple[list[Layer], NDArray[np.bool_]] | None = None,
) -> list[Size | None]:
    """Measure the object at each point from the image's contrast statistic against its own background.

    Args:
        work: The scene on its 10 m working grid.
        masks: The site layout on that grid (water or airside decides the background).
        points: ``(row, col)`` pixel indices on the working grid, one per object.
        aircraft: Measure aircraft (largest dimension, against airside) instead of ships (against water).
        radius_px: How far from a point its object may start (a peak on a moored hull can sit on the pier rim).
        classical: Where the statistic's settings come from (default parameters when None).
        statistics: This scene's ``classical.layers(work, masks)`` when the caller already has them (both
            families come from one computation, so measuring ships and aircraft need not repeat it).

    Returns:
        One ``(length_m, width_m, label)`` per point, or None where no pixel within ``radius_px`` belongs to an
        object whose contrast reaches the detection threshold (points sharing a label lie on one object).
    """
    if not points:
        return []
    det = classical or ClassicalDetector()
    layers, clear = statistics or det.layers(work, masks)
    family = AIRCRAFT_CLASSES if aircraft else SHIP_CLASSES
    mine = [layer for layer in layers if layer.family == family]
    if not mine or not mine[0].domain.any():
        return [None] * len(points)
    layer = mine[0]
    z: NDArray[np.float32] = np.where(layer.domain & clear, layer.z, 0.0).astype(np.float32)
    labels, n = ndimage.label(z > det.params.grow * layer.threshold, structure=_EIGHT)
    if n == 0:
        return [None] * len(points)
    picked = [_pick(labels, r, c, radius_px) for r, c in points]
    blobs = {b.label: b for b in measure_blobs(labels, n, z, work.pixel_size_m) if b.label in set(picked)}
    chosen = [b for b in blobs.values() if b.peak >= layer.threshold]
    lengths = feret_lengths(labels, chosen, work.pixel_size_m) if aircraft else [b.length_m for b in chosen]
    sizes = {b.label: (length, min(b.width_m, length), b.label) for b, length in zip(chosen, lengths, strict=True)}
    return [sizes.get(label) for label in picked]


def _pick(labels: NDArray[np.int32], r: int, c: int, radius_px: int) -> int:
    """The label under a point, else the nearest within ``radius_px`` (0: none)."""
    h, w = labels.shape
    r0, c0 = max(r - radius_px, 0), max(c - radius_px, 0)
    win = labels[r0 : min(r + radius_px + 1, h), c0 : min(c + radius_px + 1, w)]
    rr, cc = np.nonzero(win)
    if rr.size == 0:
        return 0
    # A peak between two moored hulls (or parked aircraft) belongs to the closer one.
    k = int(np.argmin((rr + r0 - r) ** 2 + (cc + c0 - c) ** 2))
    return int(win[rr[k], cc[k]])
