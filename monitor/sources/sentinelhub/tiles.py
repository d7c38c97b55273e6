"""Split an AOI grid into Process-sized tiles and put the answers back together.

The Process API returns at most 2,500 px a side. Tiles are cut on the AOI's own pixel grid (not in map
coordinates, as ``BBoxSplitter`` does) so that each tile's bbox falls exactly on pixel edges and the mosaic is
the same raster a single request would have returned, pixel for pixel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from monitor.imagery.grid import Grid

__all__ = ("Tile", "mosaic", "split_grid")


@dataclass(frozen=True)
class Tile:
    """One rectangular block of a grid.

    Attributes:
        index: 1-based position in the split.
        total: Number of tiles in the split.
        row: First row in the parent grid.
        col: First column in the parent grid.
        height: Rows.
        width: Columns.
        bounds: (minx, miny, maxx, maxy) in the grid's CRS.
    """

    index: int
    total: int
    row: int
    col: int
    height: int
    width: int
    bounds: tuple[float, float, float, float]

    @property
    def label(self) -> str:
        """``index/total``, as recorded in the request ledger."""
        return f"{self.index}/{self.total}"


def _cuts(n: int, most: int) -> list[tuple[int, int]]:
    parts = math.ceil(n / most)
    base, extra = divmod(n, parts)
    out, start = [], 0
    for i in range(parts):
        size = base + (1 if i < extra else 0)
        out.append((start, size))
        start += size
    return out


def split_grid(grid: Grid, max_px: int) -> list[Tile]:
    """Cut a grid into the fewest near-equal tiles of at most ``max_px`` a side, row-major.

    Args:
        grid: The AOI grid (north-up).
        max_px: Largest tile side in pixels.

    Returns:
        The tiles; a single tile covering the grid when it is small enough.
    """
    rows, cols = _cuts(grid.height, max_px), _cuts(grid.width, max_px)
    tr = grid.transform
    tiles: list[Tile] = []
    for r0, h in rows:
        for c0, w in cols:
            x0, y1 = tr @ (c0, r0)
            x1, y0 = tr @ (c0 + w, r0 + h)
            tiles.append(Tile(len(tiles) + 1, len(rows) * len(cols), r0, c0, h, w, (x0, y0, x1, y1)))
    return tiles


def mosaic(grid: Grid, parts: list[tuple[Tile, dict[str, NDArray[np.number]]]]) -> dict[str, NDArray[np.number]]:
    """Place each tile's bands into full-grid arrays.

    Args:
        grid: The AOI grid.
        parts: (tile, band name -> 2-D array) for every tile of the split.

    Returns:
        Band name -> full-grid array, bands in the order of the first tile.
    """
    names = list(parts[0][1])
    out = {n: np.zeros(grid.shape, dtype=parts[0][1][n].dtype) for n in names}
    for tile, bands in parts:
        for n in names:
            out[n][tile.row : tile.row + tile.height, tile.col : tile.col + tile.width] = bands[n]
    return out
