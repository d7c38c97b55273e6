"""What the emulator "has in its archive": the synthetic scenario's acquisitions, as catalog items and pixels.

Acquisitions and pixels come from :class:`~monitor.sources.synthetic.SyntheticSource`, so a scene pulled
through the emulator on the AOI's own grid is the very array the ``synthetic`` source writes. Each pass is
listed as two catalog items a few seconds apart (neighbouring Sentinel-2 granules, consecutive Sentinel-1
slices) as the real archive does, which is what a client's ``filter_times`` merging is for.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from affine import Affine
from numpy.typing import NDArray
from rasterio.crs import CRS
from rasterio.transform import from_bounds
from rasterio.warp import Resampling, reproject, transform_bounds

from monitor.config.models import AOIConfig, SensorName
from monitor.errors import ConfigError
from monitor.imagery.grid import Grid
from monitor.sources.synthetic import SyntheticSource

if TYPE_CHECKING:
    from pathlib import Path

    from monitor.config.loader import Settings

__all__ = ("Acquisition", "SceneLibrary")

_SECOND_ITEM = dt.timedelta(seconds=4)


@dataclass(frozen=True)
class Acquisition:
    """One pass of one sensor over one AOI."""

    aoi: AOIConfig
    sensor: SensorName
    when: dt.datetime
    cloud_cover: float
    platform: str

    def items(self) -> list[dict[str, Any]]:
        """The catalog features of this pass (two per pass).

        Returns:
            STAC-like features with ``id``, ``geometry``, ``bbox`` and ``properties``.
        """
        x0, y0, x1, y1 = self.aoi.bbox
        out = []
        for k, when in enumerate((self.when, self.when + _SECOND_ITEM)):
            box = [x0 - 0.3 + 0.25 * k, y0 - 0.3, x1 + 0.25 * k, y1 + 0.3]
            stamp = f"{when:%Y%m%dT%H%M%S}"
            if self.sensor == "sentinel-2-l2a":
                ident = f"{self.platform}_MSIL2A_{stamp}_N0511_R0{30 + k:02d}_T52TEM_{stamp}"
                props: dict[str, Any] = {"eo:cloud_cover": round(self.cloud_cover * 100.0, 6)}
            else:
                ident = f"{self.platform}_IW_GRDH_1SDV_{stamp}_{when + dt.timedelta(seconds=25):%Y%m%dT%H%M%S}"
                props = {
                    "sar:instrument_mode": "IW",
                    "s1:polarization": "DV",
                    "s1:resolution": "HIGH",
                    "sat:orbit_state": "ascending",
                }
            props |= {"datetime": f"{when:%Y-%m-%dT%H:%M:%S}.000Z", "platform": self.platform.lower()}
            ring = [[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]], [box[0], box[1]]]
            out.append(
                {
                    "type": "Feature",
                    "stac_version": "1.0.0",
                    "id": ident,
                    "collection": self.sensor,
                    "bbox": box,
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": props,
                    "assets": {},
                    "links": [],
                }
            )
        return out


class SceneLibrary:
    """The synthetic scenario's scenes, looked up the way the API is asked for them.

    Args:
        aois: The AOIs the emulator serves.
        synthetic: The renderer.
        cache_scenes: Rendered scenes kept in memory (tiles of one scene are requested one after another).
    """

    def __init__(self, aois: list[AOIConfig], synthetic: SyntheticSource, cache_scenes: int = 4) -> None:
        self.aois = aois
        self.synthetic = synthetic
        self._cache: OrderedDict[tuple[str, str, dt.datetime], tuple[Grid, dict[str, NDArray[np.number]]]]
        self._cache = OrderedDict()
        self._size = cache_scenes
        self._lock = threading.Lock()

    def passes(
        self, sensor: SensorName, lonlat: tuple[float, float, float, float], start: dt.datetime, end: dt.datetime
    ) -> list[Acquisition]:
        """Passes over AOIs that intersect a WGS84 box, in a time range.

        Args:
            sensor: Sensor name.
            lonlat: (min_lon, min_lat, max_lon, max_lat).
            start: First time, inclusive.
            end: Last time, inclusive.

        Returns:
            Acquisitions, oldest first.
        """
        out = []
        for aoi in self.aois:
            x0, y0, x1, y1 = aoi.bbox
            if x1 < lonlat[0] or x0 > lonlat[2] or y1 < lonlat[1] or y0 > lonlat[3]:
                continue
            for ref in self.synthetic.discover(aoi, sensor, start.date(), end.date()):
                if start <= ref.acquired <= end:
                    cc = ref.cloud_cover or 0.0
                    out.append(Acquisition(aoi, sensor, ref.acquired, cc, ref.meta.get("platform", "")))
        return sorted(out, key=lambda a: a.when)

    def aoi_at(self, crs: CRS, bounds: tuple[float, float, float, float]) -> AOIConfig | None:
        """The AOI a Process request's box overlaps most.

        Args:
            crs: The request's CRS.
            bounds: The request's box in that CRS.

        Returns:
            The AOI, or None when the box is outside every AOI.
        """
        lon0, lat0, lon1, lat1 = transform_bounds(crs, "EPSG:4326", *bounds)
        best, area = None, 0.0
        for aoi in self.aois:
            x0, y0, x1, y1 = aoi.bbox
            w, h = min(x1, lon1) - max(x0, lon0), min(y1, lat1) - max(y0, lat0)
            if w > 0 and h > 0 and w * h > area:
                best, area = aoi, w * h
        return best

    def render(self, acq: Acquisition) -> tuple[Grid, dict[str, NDArray[np.number]]]:
        """The full AOI scene of one acquisition (cached).

        Args:
            acq: The acquisition.

        Returns:
            (the AOI grid, band name -> array) as the synthetic source renders it.
        """
        key = (acq.aoi.id, acq.sensor, acq.when)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            masks, _, _, rendered = self.synthetic.render(acq.aoi, acq.sensor, acq.when)
            value = (masks.grid, dict(rendered.bands))
            self._cache[key] = value
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
            return value

    def sample(
        self, acq: Acquisition, crs: CRS, bounds: tuple[float, float, float, float], width: int, height: int
    ) -> dict[str, NDArray[np.number]]:
        """An acquisition's bands on the grid a request asks for (zero, i.e. no data, outside the AOI).

        A request on the AOI's own grid, or on a pixel-aligned part of it, is cut out exactly; any other grid
        is resampled with nearest neighbour.

        Args:
            acq: The acquisition.
            crs: Requested CRS.
            bounds: Requested box in that CRS.
            width: Requested width in pixels.
            height: Requested height in pixels.

        Returns:
            Band name -> (height, width) array.
        """
        grid, bands = self.render(acq)
        dst = from_bounds(*bounds, width, height)
        offset = _aligned_offset(grid, crs, dst)
        out = {}
        for name, arr in bands.items():
            if offset is not None:
                out[name] = _cut(arr, offset[0], offset[1], height, width)
            else:
                target = np.zeros((height, width), dtype=arr.dtype)
                reproject(
                    arr,
                    target,
                    src_transform=grid.transform,
                    src_crs=grid.crs,
                    dst_transform=dst,
                    dst_crs=crs,
                    resampling=Resampling.nearest,
                    src_nodata=None,
                    dst_nodata=0,
                )
                out[name] = target
        return out


def _aligned_offset(grid: Grid, crs: CRS, dst: Affine) -> tuple[int, int] | None:
    src = grid.transform
    if CRS.from_user_input(crs) != grid.crs or not np.allclose((dst.a, dst.e), (src.a, src.e), rtol=1e-9):
        return None
    col = (dst.c - src.c) / src.a
    row = (dst.f - src.f) / src.e
    if abs(col - round(col)) > 1e-6 or abs(row - round(row)) > 1e-6:
        return None
    return round(row), round(col)


def _cut(arr: NDArray[np.number], row: int, col: int, height: int, width: int) -> NDArray[np.number]:
    out = np.zeros((height, width), dtype=arr.dtype)
    r0, c0 = max(row, 0), max(col, 0)
    r1, c1 = min(row + height, arr.shape[0]), min(col + width, arr.shape[1])
    if r1 > r0 and c1 > c0:
        out[r0 - row : r1 - row, c0 - col : c1 - col] = arr[r0:r1, c0:c1]
    return out


def scenario_library(settings: Settings, scenario: Path | None = None) -> SceneLibrary:
    """The scenes an emulator serves: the configured sites rendered from the synthetic scenario.

    Args:
        settings: Loaded settings (their AOIs and ``source.seed``).
        scenario: Scenario file, overriding ``source.scenario``.

    Returns:
        The library.

    Raises:
        ConfigError: No scenario is configured.
    """
    path = scenario or settings.source.scenario
    if path is None:
        raise ConfigError(f"{settings.config_path}: source.scenario: the emulator needs a scenario (or --scenario)")
    return SceneLibrary(list(settings.aois.values()), SyntheticSource(path, seed=settings.source.seed))
