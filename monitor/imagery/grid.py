"""Grids and layouts: the UTM grid an AOI is rendered or pulled on, and its site polygons as pixel masks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from affine import Affine
from numpy.typing import NDArray
from pyproj import Transformer
from rasterio.crs import CRS
from rasterio.features import rasterize
from rasterio.warp import transform_geom

from monitor.config.models import AOIConfig

__all__ = ("Grid", "SiteMasks", "aoi_grid", "ground_pixel_size", "site_masks", "to_lonlat", "utm_crs")

WATER_KINDS = ("water", "berth")
SOLID_KINDS = ("pier", "quay", "land", "building")
AIRSIDE_KINDS = ("runway", "taxiway", "apron")


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid: CRS, affine transform and shape (rows, cols)."""

    crs: CRS
    transform: Affine
    height: int
    width: int

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols)."""
        return (self.height, self.width)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in CRS units."""
        x0, y1 = self.transform @ (0, 0)
        x1, y0 = self.transform @ (self.width, self.height)
        return (x0, y0, x1, y1)


def utm_crs(lon: float, lat: float) -> CRS:
    """The WGS84 UTM zone CRS containing a point.

    Args:
        lon: Longitude in degrees.
        lat: Latitude in degrees.

    Returns:
        EPSG:326xx (north) or EPSG:327xx (south).
    """
    zone = math.floor((lon + 180.0) / 6.0) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def aoi_grid(aoi: AOIConfig, resolution: float = 10.0) -> Grid:
    """The UTM grid covering an AOI's bbox, snapped to whole multiples of ``resolution``.

    Args:
        aoi: The AOI.
        resolution: Pixel size in metres.

    Returns:
        The grid.
    """
    crs = utm_crs(*aoi.centre)
    tr = Transformer.from_crs("EPSG:4326", crs.to_wkt(), always_xy=True)
    x0, y0, x1, y1 = aoi.bbox
    xs, ys = tr.transform([x0, x1, x0, x1], [y0, y0, y1, y1])
    minx = math.floor(min(xs) / resolution) * resolution
    maxx = math.ceil(max(xs) / resolution) * resolution
    miny = math.floor(min(ys) / resolution) * resolution
    maxy = math.ceil(max(ys) / resolution) * resolution
    width = round((maxx - minx) / resolution)
    height = round((maxy - miny) / resolution)
    return Grid(crs, Affine(resolution, 0.0, minx, 0.0, -resolution, maxy), height, width)


def ground_pixel_size(crs: CRS, transform: Affine, shape: tuple[int, int]) -> float:
    """Ground size in metres of one pixel at the image centre.

    Projected CRSs with metre units are taken at face value except Web Mercator, whose scale grows with
    latitude; geographic CRSs are converted from degrees. Non-square pixels report their mean side.

    Args:
        crs: The image CRS.
        transform: The image transform.
        shape: (rows, cols).

    Returns:
        Metres per pixel on the ground.
    """
    px = (abs(transform.a) + abs(transform.e)) / 2.0
    cx, cy = transform @ (shape[1] / 2.0, shape[0] / 2.0)
    if crs.is_geographic:
        lat = cy
        return px * 111_320.0 * math.sqrt(math.cos(math.radians(lat)))
    epsg = crs.to_epsg()
    if epsg in (3857, 900913, 3395):
        _, lats = to_lonlat(crs, [cx], [cy])
        return px * math.cos(math.radians(lats[0]))
    factor = crs.linear_units_factor[1] if crs.linear_units_factor else 1.0
    return px * factor


def to_lonlat(
    crs: CRS, xs: list[float] | NDArray[np.float64], ys: list[float] | NDArray[np.float64]
) -> tuple[list[float], list[float]]:
    """Convert coordinates from ``crs`` to WGS84 lon/lat.

    Args:
        crs: Source CRS.
        xs: X coordinates.
        ys: Y coordinates.

    Returns:
        (lons, lats) lists.
    """
    if crs.to_epsg() == 4326:
        return [float(v) for v in xs], [float(v) for v in ys]
    tr = Transformer.from_crs(crs.to_wkt(), "EPSG:4326", always_xy=True)
    lons, lats = tr.transform(list(xs), list(ys))
    return [float(v) for v in lons], [float(v) for v in lats]


@dataclass(frozen=True)
class SiteMasks:
    """An AOI's layout on one grid: a label image of polygon indices plus per-name and per-kind masks."""

    aoi: AOIConfig
    grid: Grid
    labels: NDArray[np.int16]

    def named(self, name: str) -> NDArray[np.bool_]:
        """Pixels whose top-most polygon is ``name``, or whose polygon has role or kind ``name``.

        Args:
            name: A polygon name, role or kind.

        Returns:
            Boolean mask.
        """
        idx = [i + 1 for i, p in enumerate(self.aoi.layout) if name in (p.name, p.role, p.kind)]
        return np.isin(self.labels, idx)

    def kinds(self, *kinds: str) -> NDArray[np.bool_]:
        """Pixels whose top-most polygon has one of ``kinds``.

        Args:
            *kinds: Zone kinds such as ``"water"``.

        Returns:
            Boolean mask.
        """
        idx = [i + 1 for i, p in enumerate(self.aoi.layout) if p.kind in kinds]
        return np.isin(self.labels, idx)

    @property
    def water(self) -> NDArray[np.bool_]:
        """Open water and berths (where ships float)."""
        return self.kinds(*WATER_KINDS)

    @property
    def airside(self) -> NDArray[np.bool_]:
        """Runways, taxiways and aprons (where aircraft stand)."""
        return self.kinds(*AIRSIDE_KINDS)

    @property
    def covered(self) -> NDArray[np.bool_]:
        """Any pixel inside some polygon."""
        return self.labels > 0

    def zone_names_at(self, row: int, col: int) -> set[str]:
        """Names, roles and kinds of every polygon containing a pixel (not only the top-most).

        Args:
            row: Pixel row.
            col: Pixel column.

        Returns:
            The set of zone identifiers.
        """
        out: set[str] = set()
        if not (0 <= row < self.grid.height and 0 <= col < self.grid.width):
            return out
        for p, mask in zip(self.aoi.layout, self._each, strict=True):
            if mask[row, col]:
                out.update({p.name, p.kind} | ({p.role} if p.role else set()))
        return out

    @property
    def _each(self) -> list[NDArray[np.bool_]]:
        cached: list[NDArray[np.bool_]] | None = self.__dict__.get("_each_cache")
        if cached is None:
            cached = [
                rasterize(
                    [(_poly_in(self.grid.crs, p.coordinates), 1)],
                    out_shape=self.grid.shape,
                    transform=self.grid.transform,
                    fill=0,
                    dtype="uint8",
                ).astype(bool)
                for p in self.aoi.layout
            ]
            object.__setattr__(self, "_each_cache", cached)
        return cached


def _poly_in(crs: CRS, ring: list[tuple[float, float]]) -> dict[str, object]:
    geom = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    out: dict[str, object] = transform_geom("EPSG:4326", crs, geom)
    return out


def site_masks(aoi: AOIConfig, grid: Grid) -> SiteMasks:
    """Rasterise an AOI's layout onto a grid; later polygons paint over earlier ones.

    Args:
        aoi: The AOI with its layout.
        grid: Target grid (any CRS).

    Returns:
        The masks.
    """
    shapes = [(_poly_in(grid.crs, p.coordinates), i + 1) for i, p in enumerate(aoi.layout)]
    labels = rasterize(shapes, out_shape=grid.shape, transform=grid.transform, fill=0, dtype="int16")
    return SiteMasks(aoi, grid, labels.astype(np.int16))
