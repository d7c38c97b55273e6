"""Bring a scene to the detector's working resolution without leaving its CRS.

Detectors are tuned for 10 m ground pixels. A scene whose ground pixel size (see
:func:`monitor.imagery.grid.ground_pixel_size`, which handles Web Mercator and geographic CRSs) is off by more
than a tolerance is warped onto a coarser or finer grid in the *same* CRS, with the same origin, so coordinates
computed from the new grid's transform are directly coordinates in the original image's CRS.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from affine import Affine
from numpy.typing import NDArray
from rasterio.warp import Resampling, reproject

from monitor.imagery.grid import Grid
from monitor.imagery.scene import Scene

__all__ = ("map_pixels", "resample_grid", "to_resolution", "warp")


def resample_grid(grid: Grid, factor: float) -> Grid:
    """A grid over the same area whose pixels are ``factor`` times larger (same CRS and origin).

    Args:
        grid: The source grid.
        factor: New pixel side divided by the old one (> 1 coarsens).

    Returns:
        The new grid; its extent covers the old one (partial edge pixels are kept).
    """
    t = grid.transform
    transform = Affine(t.a * factor, t.b * factor, t.c, t.d * factor, t.e * factor, t.f)
    height = max(1, math.ceil(grid.height / factor - 1e-6))
    width = max(1, math.ceil(grid.width / factor - 1e-6))
    return Grid(grid.crs, transform, height, width)


def map_pixels(
    src: Grid, dst: Grid, rows: NDArray[np.float64], cols: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Carry fractional pixel positions from one grid to another grid in the same CRS.

    Positions are pixel indices with pixel centres at whole numbers (the centre of the top-left pixel is
    ``(0, 0)``), on both grids.

    Args:
        src: Grid the positions are on (e.g. the 10 m working grid).
        dst: Grid to express them on (e.g. the original image).
        rows: Row positions on ``src``.
        cols: Column positions on ``src``.

    Returns:
        ``(xs, ys, dst_rows, dst_cols)``: CRS coordinates and positions on ``dst``.
    """
    t, inv = src.transform, ~dst.transform
    r, c = rows + 0.5, cols + 0.5
    xs, ys = t.a * c + t.b * r + t.c, t.d * c + t.e * r + t.f
    return xs, ys, inv.d * xs + inv.e * ys + inv.f - 0.5, inv.a * xs + inv.b * ys + inv.c - 0.5


def warp(
    src: NDArray[np.generic],
    src_grid: Grid,
    dst_grid: Grid,
    dtype: type[np.generic],
    resampling: Resampling,
    nodata: float | None,
) -> NDArray[np.generic]:
    """Reproject an array (or a stack of them) from one grid onto another.

    Args:
        src: (..., H, W) values on ``src_grid``.
        src_grid: The source grid.
        dst_grid: The destination grid.
        dtype: The output data type.
        resampling: The resampling method.
        nodata: Value marking missing pixels on both sides (None: 0 fills, nothing is masked).

    Returns:
        (..., H', W') values on ``dst_grid``; pixels no source pixel reaches hold ``nodata`` (or 0).
    """
    dst = np.full((*src.shape[:-2], *dst_grid.shape), 0 if nodata is None else nodata, dtype=dtype)
    reproject(
        source=src,
        destination=dst,
        src_transform=src_grid.transform,
        src_crs=src_grid.crs,
        dst_transform=dst_grid.transform,
        dst_crs=dst_grid.crs,
        resampling=resampling,
        src_nodata=nodata,
        dst_nodata=nodata,
    )
    return dst


def to_resolution(scene: Scene, target_m: float = 10.0, tolerance: float = 0.10) -> tuple[Scene, float]:
    """Resample a scene to ``target_m`` ground metres per pixel when it is more than ``tolerance`` off.

    Bands are area-averaged when coarsening and bilinearly interpolated when refining; invalid pixels are
    treated as no-data so clouds do not bleed into clear neighbours. The validity mask and the scene
    classification layer use nearest neighbour, and a new pixel is valid only if its band values exist.

    Args:
        scene: The scene, in any CRS.
        target_m: Wanted ground pixel size in metres.
        tolerance: Relative difference below which the scene is returned unchanged.

    Returns:
        ``(scene, factor)``: the working scene (the input object itself when no resampling was needed) and
        the ratio of its pixel side to the original one (1.0 when unchanged; about 1.4 for a 7 m scene).
    """
    size = scene.pixel_size_m
    if size <= 0 or abs(size - target_m) <= tolerance * target_m:
        return scene, 1.0
    factor = target_m / size
    src_grid = scene.grid
    dst_grid = resample_grid(src_grid, factor)
    method = Resampling.average if factor > 1.0 else Resampling.bilinear
    valid = warp(scene.valid.astype(np.uint8), src_grid, dst_grid, np.uint8, Resampling.nearest, None) != 0
    names = list(scene.bands)
    bands: dict[str, NDArray[np.float32]] = {}
    if names:
        stack = np.stack([np.where(scene.valid, scene.bands[n], np.float32(np.nan)) for n in names])
        out = warp(stack.astype(np.float32), src_grid, dst_grid, np.float32, method, float("nan"))
        valid &= np.isfinite(out).all(axis=0)
        bands = {n: np.nan_to_num(out[i], nan=0.0).astype(np.float32) for i, n in enumerate(names)}
    scl = None
    if scene.scl is not None:
        scl = warp(scene.scl, src_grid, dst_grid, np.uint8, Resampling.nearest, None).astype(np.uint8)
    resampled = dataclasses.replace(scene, grid=dst_grid, bands=bands, valid=valid.astype(bool), scl=scl)
    return resampled, factor
