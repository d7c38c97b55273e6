"""The ground plan of a synthetic chip: a 2x material map plus the berths, stands and thin lines on it.

Materials are rasterised at ``SS`` times the chip's 10 m grid and later averaged down, so a 15 m pier edge or a
shoreline splits pixels the way a real footprint does. Coordinates are chip pixels at 10 m with pixel (0, 0)
spanning 0..1; angles are clockwise from chip up, the heading convention of the labels.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = (
    "CONCRETE",
    "CONTAINERS",
    "DRY",
    "LAND",
    "PARKING",
    "PAVE",
    "ROCK",
    "ROOF",
    "ROOF_DARK",
    "RUNWAY",
    "SAND",
    "SS",
    "TANK",
    "URBAN",
    "WATER",
    "Edge",
    "Layout",
    "Line",
    "Stand",
    "unit",
)

SS = 2
WATER, LAND, URBAN, CONCRETE, ROCK, PAVE, RUNWAY, ROOF, ROOF_DARK, CONTAINERS, PARKING, TANK, SAND = range(13)
N_MATERIALS = 13
DRY = tuple(range(1, N_MATERIALS))
_TALL = (ROOF, ROOF_DARK, TANK)


def unit(angle_deg: float) -> tuple[float, float]:
    """The (row, col) step of one pixel in direction ``angle_deg`` (clockwise from up)."""
    a = math.radians(angle_deg)
    return -math.cos(a), math.sin(a)


@functools.cache
def _allowed(codes: tuple[int, ...]) -> NDArray[np.bool_]:
    table = np.zeros(256, dtype=bool)
    table[list(codes)] = True
    return table


@functools.cache
def _cells(n: int) -> NDArray[np.int64]:
    rows = np.arange(n * SS) // SS
    return rows[:, None] * n + rows[None, :]


@dataclass(frozen=True)
class Edge:
    """A straight edge objects line up along: a quay or pier side (water on ``side``) or a taxi lane.

    Attributes:
        row: Start row (px).
        col: Start column (px).
        angle: Direction from the start, degrees clockwise from up.
        length: Length in px.
        side: +1 when water lies to the right of the direction, -1 to the left (unused for lanes).
        kind: ``quay``, ``pier``, ``pontoon`` (small boats moor bow-on), ``breakwater`` or ``lane``.
    """

    row: float
    col: float
    angle: float
    length: float
    side: int = 1
    kind: str = "quay"

    def point(self, t: float, offset: float = 0.0) -> tuple[float, float]:
        """The point ``t`` px along the edge and ``offset`` px off it toward the water side."""
        dr, dc = unit(self.angle)
        nr, nc = unit(self.angle + 90.0 * self.side)
        return self.row + t * dr + offset * nr, self.col + t * dc + offset * nc


@dataclass(frozen=True)
class Stand:
    """An aircraft parking position: centre (px), nose heading and the largest span (m) it takes."""

    row: float
    col: float
    heading: float
    max_span_m: float


@dataclass(frozen=True)
class Line:
    """A thin straight feature painted at 1x with sub-pixel coverage (markings, cranes, roads, buoys).

    Attributes:
        r0: Start row (px).
        c0: Start column (px).
        r1: End row (px).
        c1: End column (px).
        width_m: Width in metres (may be well under a pixel).
        look: Key of ``textures.SPECTRA``.
        radar: Linear VV backscatter it adds in Sentinel-1.
        height_m: Height above ground; casts a shadow when > 0.
    """

    r0: float
    c0: float
    r1: float
    c1: float
    width_m: float
    look: str
    radar: float = 0.0
    height_m: float = 0.0


@dataclass
class Layout:
    """Materials and anchors of one chip.

    Attributes:
        size: Chip side in px.
        shadow: (row, col) px of shadow per metre of height, pointing away from the sun.
        labels: (SS*size, SS*size) uint8 material codes.
        shade: Same grid, ground in the shadow of buildings and tanks.
        berths: Edges ships moor along.
        lanes: Taxiway and runway centre lines aircraft may sit on.
        stands: Aircraft parking positions.
        lines: Thin features.
    """

    size: int
    shadow: tuple[float, float]
    labels: NDArray[np.uint8] = field(init=False)
    shade: NDArray[np.bool_] = field(init=False)
    berths: list[Edge] = field(default_factory=list)
    lanes: list[Edge] = field(default_factory=list)
    stands: list[Stand] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.size * SS
        self.labels = np.full((n, n), WATER, dtype=np.uint8)
        self.shade = np.zeros((n, n), dtype=bool)

    def coords(self) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Row and column (1x px) of the 2x grid's sample centres, as broadcastable columns and rows."""
        n = self.size * SS
        g = ((np.arange(n, dtype=np.float32) + 0.5) / SS).astype(np.float32)
        return g[:, None], g[None, :]

    def _box(
        self, row: float, col: float, radius: float
    ) -> tuple[slice, slice, NDArray[np.float32], NDArray[np.float32]]:
        n = self.size * SS
        r0, r1 = max(0, int((row - radius) * SS)), min(n, math.ceil((row + radius) * SS))
        c0, c1 = max(0, int((col - radius) * SS)), min(n, math.ceil((col + radius) * SS))
        r1, c1 = max(r0, r1), max(c0, c1)
        rr = ((np.arange(r0, r1, dtype=np.float32) + np.float32(0.5)) / np.float32(SS) - np.float32(row))[:, None]
        cc = ((np.arange(c0, c1, dtype=np.float32) + np.float32(0.5)) / np.float32(SS) - np.float32(col))[None, :]
        return slice(r0, r1), slice(c0, c1), rr, cc

    def rect(
        self,
        code: int,
        row: float,
        col: float,
        length: float,
        width: float,
        angle: float,
        only: tuple[int, ...] | None = None,
    ) -> NDArray[np.bool_]:
        """Paint a rotated rectangle (centre, length along ``angle``, width across; px) and return its mask.

        Args:
            code: Material code.
            row: Centre row.
            col: Centre column.
            length: Side along ``angle``.
            width: Side across.
            angle: Degrees clockwise from up.
            only: Overwrite only these materials (None = everything).

        Returns:
            Boolean mask of the painted pixels over the whole 2x grid.
        """
        rs, cs, rr, cc = self._box(row, col, 0.5 * math.hypot(length, width) + 1.0)
        dr, dc = unit(angle)
        along = rr * dr + cc * dc
        across = cc * -dr + rr * dc
        inside = (np.abs(along) <= length / 2) & (np.abs(across) <= width / 2)
        view = self.labels[rs, cs]
        if only is not None:
            inside &= _allowed(only)[view]
        view[inside] = code
        full = np.zeros(self.labels.shape, dtype=bool)
        full[rs, cs] = inside
        return full

    def disc(self, code: int, row: float, col: float, radius: float) -> None:
        """Paint a disc (tanks, roundabouts), radius in px."""
        rs, cs, rr, cc = self._box(row, col, radius + 1.0)
        self.labels[rs, cs][rr**2 + cc**2 <= radius**2] = code

    def building(
        self, row: float, col: float, length: float, width: float, angle: float, height_m: float, dark: bool = False
    ) -> None:
        """A roofed block with its shadow on the ground; never painted over water."""
        sr, sc = self.shadow
        rs, cs, rr, cc = self._box(row + sr * height_m, col + sc * height_m, 0.5 * math.hypot(length, width) + 1.0)
        dr, dc = unit(angle)
        self.shade[rs, cs] |= (np.abs(rr * dr + cc * dc) <= length / 2) & (np.abs(cc * -dr + rr * dc) <= width / 2)
        self.rect(ROOF_DARK if dark else ROOF, row, col, length, width, angle, only=DRY)

    def tank(self, row: float, col: float, radius: float, height_m: float) -> None:
        """A round storage tank with its shadow."""
        sr, sc = self.shadow
        rs, cs, rr, cc = self._box(row + sr * height_m, col + sc * height_m, radius + 1.0)
        self.shade[rs, cs] |= rr**2 + cc**2 <= radius**2
        self.disc(TANK, row, col, radius)

    def finish(self) -> None:
        """Clear shade from roofs and tank tops (they are lit)."""
        self.shade &= ~_allowed(_TALL)[self.labels]

    def coverage(self) -> NDArray[np.float32]:
        """(N_MATERIALS, size, size) share of each 10 m pixel covered by each material."""
        n = self.size
        index = self.labels.astype(np.int64) * (n * n) + _cells(n)
        counts = np.bincount(index.ravel(), minlength=N_MATERIALS * n * n).astype(np.float32)
        return (counts * np.float32(1.0 / SS**2)).reshape(N_MATERIALS, n, n)

    def shade_cover(self) -> NDArray[np.float32]:
        """(size, size) share of each pixel in building shadow."""
        n = self.size
        if not self.shade.any():
            return np.zeros((n, n), np.float32)
        counts = self.shade.reshape(n, SS, n, SS).sum(axis=(1, 3), dtype=np.uint8)
        out: NDArray[np.float32] = counts.astype(np.float32) * np.float32(1.0 / SS**2)
        return out
