"""Background statistics and surface masks for the classical detectors.

Every statistic is computed over one kind of background only (water for ships, airside concrete for aircraft),
with masked box filters, so bright quays and piers never inflate the spread that a ship is compared with.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage
from scipy.special import erfinv

__all__ = ("away_from_gaps", "cfar_threshold", "cfar_z", "fill_small_holes", "inner", "odd_window", "otsu", "robust_z")

Array = NDArray[np.float32]
Mask = NDArray[np.bool_]
_EIGHT = np.ones((3, 3), dtype=bool)


def cfar_threshold(pfa: float) -> float:
    """Gaussian two-parameter CFAR multiplier ``t = sqrt(2) * erfinv(1 - 2 * pfa)``.

    Args:
        pfa: Probability of false alarm per pixel, e.g. ``10 ** -6.5`` (gives about 4.98).

    Returns:
        The number of background standard deviations above the mean a pixel must reach.
    """
    return float(math.sqrt(2.0) * erfinv(1.0 - 2.0 * pfa))


def odd_window(n: float) -> int:
    """The nearest odd window size of at least 3 pixels.

    Args:
        n: Desired size in pixels.

    Returns:
        An odd integer.
    """
    k = max(3, math.ceil(n))
    return k if k % 2 else k + 1


def _box(x: NDArray[np.float64], size: int) -> NDArray[np.float64]:
    out: NDArray[np.float64] = ndimage.uniform_filter(x, size, mode="constant") * float(size * size)
    return out


def cfar_z(values: Array, background: Mask, guard_px: int, outer_px: int) -> Array:
    """Two-parameter CFAR statistic with mean and spread from ``background`` pixels in a ring only.

    The ring is the ``outer_px`` square minus the ``guard_px`` square around each pixel; masked box sums
    (``sum(x*m) / sum(m)``) keep every other kind of surface out of the statistics.

    Args:
        values: Intensity image.
        background: Pixels allowed into the background statistics.
        guard_px: Side of the guard square (odd).
        outer_px: Side of the background square (odd).

    Returns:
        ``(x - mean) / std`` per pixel; 0 where the ring holds too few background pixels.
    """
    if not background.any():
        return np.zeros(values.shape, dtype=np.float32)
    m = background.astype(np.float64)
    x = np.where(background, values, 0.0).astype(np.float64)
    n = _box(m, outer_px) - _box(m, guard_px)
    s1 = _box(x, outer_px) - _box(x, guard_px)
    s2 = _box(x * x, outer_px) - _box(x * x, guard_px)
    enough = n >= max(16.0, 0.05 * (outer_px**2 - guard_px**2))
    mean = s1 / np.maximum(n, 1.0)
    std = np.sqrt(np.maximum(s2 / np.maximum(n, 1.0) - mean**2, 0.0))
    std = np.maximum(std, 1e-3 * np.maximum(mean, 1e-12))
    return np.where(enough, (values - mean) / std, 0.0).astype(np.float32)


def robust_z(values: Array, background: Mask, block: int, floor: float, signed: bool = True) -> Array:
    """Deviation from a local background median in units of the local MAD (water- or apron-only).

    Medians are taken over ``block``-sized tiles and pooled over each tile's 3x3 neighbourhood (a window of
    about ``3 * block`` pixels), then interpolated back to full resolution: a fast stand-in for a sliding
    median that is still robust to the objects being looked for.

    Args:
        values: Brightness image.
        background: Pixels allowed into the statistics.
        block: Tile side in pixels.
        floor: Smallest MAD allowed, in the units of ``values`` (keeps flat water from firing on noise).
        signed: Positive deviations only when True, absolute deviation when False.

    Returns:
        The statistic; 0 where no background is near.
    """
    if not background.any():
        return np.zeros(values.shape, dtype=np.float32)
    h, w = values.shape
    ny, nx = -(-h // block), -(-w // block)
    tiles = np.full((ny * block, nx * block), np.inf, dtype=np.float32)
    tiles[:h, :w] = np.where(background, values, np.inf)
    tiles_3d = tiles.reshape(ny, block, nx, block).transpose(0, 2, 1, 3).reshape(ny, nx, -1)

    def pooled(a: NDArray[np.float32]) -> NDArray[np.float64]:
        srt = np.sort(a, axis=-1)
        cnt = np.isfinite(srt).sum(axis=-1)
        mid = np.take_along_axis(srt, np.maximum(cnt - 1, 0)[..., None] // 2, axis=-1)[..., 0]
        med = np.where(cnt >= max(4, block * block // 16), mid, np.nan).astype(np.float64)
        padded = np.pad(med, 1, constant_values=np.nan)
        stack = np.stack([padded[i : i + ny, j : j + nx] for i in range(3) for j in range(3)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out: NDArray[np.float64] = np.nanmedian(stack, axis=0)
        return out

    med = pooled(tiles_3d)
    if not np.isfinite(med).any():
        return np.zeros(values.shape, dtype=np.float32)
    mad = pooled(np.abs(tiles_3d - med[..., None].astype(np.float32)))
    fine = [_upsample(_fill_nearest(g), block, (h, w)) for g in (med, mad)]
    dev = values - fine[0] if signed else np.abs(values - fine[0])
    return (dev / np.maximum(fine[1], floor)).astype(np.float32)


def _fill_nearest(grid: NDArray[np.float64]) -> NDArray[np.float64]:
    bad = ~np.isfinite(grid)
    if not bad.any():
        return grid
    if bad.all():
        return np.zeros_like(grid)
    idx = ndimage.distance_transform_edt(bad, return_distances=False, return_indices=True)
    filled: NDArray[np.float64] = grid[tuple(idx)]
    return filled


def _upsample(grid: NDArray[np.float64], block: int, shape: tuple[int, int]) -> Array:
    fine = ndimage.zoom(grid, block, order=1, mode="nearest", grid_mode=True)
    return np.asarray(fine[: shape[0], : shape[1]], dtype=np.float32)


def otsu(values: Array) -> float:
    """Otsu's threshold of a sample (maximises the between-class variance).

    Args:
        values: Sample values.

    Returns:
        The threshold (0.0 when no value is finite).
    """
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0
    hist, edges = np.histogram(values, bins=256)
    mids = 0.5 * (edges[:-1] + edges[1:])
    w0 = np.cumsum(hist).astype(np.float64)
    w1 = w0[-1] - w0
    m0 = np.cumsum(hist * mids) / np.maximum(w0, 1.0)
    m1 = (np.sum(hist * mids) - np.cumsum(hist * mids)) / np.maximum(w1, 1.0)
    return float(mids[int(np.argmax(w0 * w1 * (m0 - m1) ** 2))])


def fill_small_holes(surface: Mask, max_area_px: int) -> Mask:
    """Add enclosed gaps of at most ``max_area_px`` pixels to a surface (ships are holes in a water mask).

    Args:
        surface: The surface mask.
        max_area_px: Largest hole to fill.

    Returns:
        The filled mask.
    """
    lab, n = ndimage.label(~surface)
    sizes = np.bincount(lab.ravel(), minlength=n + 1)
    small = sizes <= max_area_px
    small[0] = False
    out: Mask = surface | small[lab]
    return out


def inner(surface: Mask, rim: int) -> Mask:
    """Erode a surface by ``rim`` pixels so its edge (shorelines, pier sides) never fires.

    Args:
        surface: The surface mask.
        rim: Pixels to remove.

    Returns:
        The eroded mask.
    """
    if rim <= 0:
        return surface
    out: Mask = ndimage.binary_erosion(surface, structure=_EIGHT, iterations=rim, border_value=1)
    return out


def away_from_gaps(valid: Mask, buffer_px: int) -> Mask:
    """Valid pixels at least ``buffer_px`` pixels from any cloud, shadow or no-data pixel.

    Thin haze at cloud fringes is bright and patchy, and a scene classification rarely flags all of it, so
    objects are only searched for (or believed) a few pixels inside the clear area.

    Args:
        valid: Valid-pixel mask.
        buffer_px: Width of the rim given up (at least 1).

    Returns:
        The shrunken mask.
    """
    gaps = ndimage.binary_dilation(~valid, structure=_EIGHT, iterations=max(1, buffer_px))
    out: Mask = valid & ~gaps
    return out
