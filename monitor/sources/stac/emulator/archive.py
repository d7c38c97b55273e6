"""What the STAC emulator publishes: the synthetic scenario's passes as STAC items with COG assets.

Each pass is two items four seconds apart, as neighbouring granules are: the first in the AOI's own UTM zone,
on the 10 m grid of a virtual 100 km tile whose 1024 px COG blocks fall where a real tile's would; the second
in the neighbouring zone, resampled there. By default the first covers the whole AOI (so a reader that stops
once every pixel is covered never touches the second, and the pixels are the synthetic source's own); with
``cross_zone`` the first lacks the AOI's western 40 %, which must then come from the other zone's item.

Sentinel-2 assets carry the published encoding of baseline 04.00 and later (DN = 10000 x reflectance + 1000,
``raster:bands`` scale 0.0001 and offset -0.1, nodata 0). Sentinel-1 assets are RTC gamma0
(sigma0 / ``gamma0_to_sigma0``), with nodata -32768 declared only in the collection's ``item_assets``.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import rasterio.shutil
from affine import Affine
from numpy.typing import NDArray
from rasterio.crs import CRS
from rasterio.io import MemoryFile
from rasterio.warp import Resampling, transform_bounds

from monitor.config.models import SensorName
from monitor.imagery.grid import Grid
from monitor.imagery.resample import warp
from monitor.sources.sentinelhub.emulator.library import Acquisition, SceneLibrary

__all__ = ("BLOCK", "COLLECTIONS", "S1_NODATA", "StacArchive")

BLOCK = 1024
S1_NODATA = -32768.0
_S2_OFFSET_DN = 1000
_SECOND = dt.timedelta(seconds=4)
_MARGIN_M = 300.0
COLLECTIONS: dict[str, SensorName] = {"sentinel-2-c1-l2a": "sentinel-2-l2a", "sentinel-1-rtc": "sentinel-1-grd"}
_S2_ASSETS = {"blue": "B02", "green": "B03", "red": "B04", "nir": "B08", "swir16": "B11", "scl": "SCL"}
_S1_ASSETS = {"vv": "VV", "vh": "VH"}


@dataclass(frozen=True)
class ItemSpec:
    """One published item: its pass, its grid and how much of the AOI it holds."""

    item_id: str
    collection: str
    acq: Acquisition
    when: dt.datetime
    grid: Grid
    west_cut: float


def _tile_grid(aoi_grid: Grid, crs: CRS) -> Grid:
    x0, y0, x1, y1 = transform_bounds(aoi_grid.crs, crs, *aoi_grid.bounds)
    step = BLOCK * 10.0
    ox, oy = math.floor(x0 / 1e5) * 1e5, math.ceil(y1 / 1e5) * 1e5
    left = ox + math.floor((x0 - _MARGIN_M - ox) / step) * step
    right = ox + math.ceil((x1 + _MARGIN_M - ox) / step) * step
    top = oy - math.floor((oy - y1 - _MARGIN_M) / step) * step
    bottom = oy - math.ceil((oy - y0 + _MARGIN_M) / step) * step
    width, height = round((right - left) / 10.0), round((top - bottom) / 10.0)
    return Grid(crs, Affine(10.0, 0.0, left, 0.0, -10.0, top), height, width)


def _other_zone(crs: CRS, lon: float) -> CRS:
    zone = (crs.to_epsg() or 32601) % 100
    west_edge = -180.0 + (zone - 1) * 6.0
    other = zone - 1 if lon - west_edge < 3.0 else zone + 1
    return CRS.from_epsg((crs.to_epsg() or 32601) - zone + other)


class StacArchive:
    """Items and COG bytes rendered from the synthetic scenario (COGs cached per item).

    Args:
        library: The synthetic scenes (shared with the Sentinel Hub emulator).
        gamma0_to_sigma0: The factor the emulator divides sigma0 by to publish gamma0.
        cross_zone: The first item of a pass lacks the AOI's western 40 %.
        cache_items: Items whose COGs stay in memory.
    """

    def __init__(
        self, library: SceneLibrary, gamma0_to_sigma0: float, cross_zone: bool = False, cache_items: int = 8
    ) -> None:
        self.library = library
        self.factor = gamma0_to_sigma0
        self.cross_zone = cross_zone
        self._specs: dict[str, ItemSpec] = {}
        self._cogs: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self._size = cache_items
        self._lock = threading.Lock()

    def specs(
        self, collection: str, lonlat: tuple[float, float, float, float], start: dt.datetime, end: dt.datetime
    ) -> list[ItemSpec]:
        """The items of a collection over a box in a time range, oldest first.

        Args:
            collection: ``sentinel-2-c1-l2a`` or ``sentinel-1-rtc``.
            lonlat: WGS84 box.
            start: First time.
            end: Last time.

        Returns:
            Item specs (two per pass).
        """
        out = []
        for acq in self.library.passes(COLLECTIONS[collection], lonlat, start - _SECOND, end):
            masks_grid = self.library.render(acq)[0]
            stamp = f"{acq.when:%Y%m%dT%H%M%S}"
            own = _tile_grid(masks_grid, masks_grid.crs)
            other = _tile_grid(masks_grid, _other_zone(masks_grid.crs, acq.aoi.centre[0]))
            for k, (grid, when) in enumerate(((own, acq.when), (other, acq.when + _SECOND))):
                zone = (grid.crs.to_epsg() or 0) % 100
                if collection == "sentinel-1-rtc":
                    item_id = f"{acq.platform}_IW_GRDH_1SDV_{when:%Y%m%dT%H%M%S}_{zone:02d}_rtc"
                else:
                    item_id = f"{acq.platform}_T{zone:02d}EMU_{stamp}_{k}_L2A"
                spec = ItemSpec(item_id, collection, acq, when, grid, 0.4 if self.cross_zone and k == 0 else 0.0)
                if start <= when <= end:
                    out.append(spec)
        with self._lock:
            self._specs.update({s.item_id: s for s in out})
        return out

    def item(self, spec: ItemSpec, base: str) -> dict[str, Any]:
        """The STAC item of a spec.

        Args:
            spec: The item.
            base: The emulator's base URL (asset hrefs live under it).

        Returns:
            The item dictionary.
        """
        x0, y0, x1, y1 = spec.grid.bounds
        if spec.west_cut:
            ax0, _, ax1, _ = transform_bounds(self.library.render(spec.acq)[0].crs, spec.grid.crs, *self._aoi(spec))
            x0 = ax0 + spec.west_cut * (ax1 - ax0)
        lon0, lat0, lon1, lat1 = transform_bounds(spec.grid.crs, "EPSG:4326", x0, y0, x1, y1)
        ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
        props: dict[str, Any] = {
            "datetime": f"{spec.when:%Y-%m-%dT%H:%M:%S}.024000Z",
            "platform": spec.acq.platform.lower(),
            "proj:epsg": spec.grid.crs.to_epsg(),
        }
        if spec.collection == "sentinel-2-c1-l2a":
            props["eo:cloud_cover"] = round(spec.acq.cloud_cover * 100.0, 6)
            keys = _S2_ASSETS
        else:
            props |= {"sar:polarizations": ["VV", "VH"], "sat:orbit_state": "ascending"}
            keys = _S1_ASSETS
        assets = {}
        for key, band in keys.items():
            asset: dict[str, Any] = {
                "href": f"{base}/assets/{spec.collection}/{spec.item_id}/{key}.tif",
                "type": "image/tiff; application=geotiff; profile=cloud-optimized",
                "roles": ["data"],
            }
            if spec.collection == "sentinel-2-c1-l2a":
                asset["eo:bands"] = [{"name": band, "common_name": key}] if band != "SCL" else []
                raster: dict[str, Any] = {"nodata": 0, "data_type": "uint8" if band == "SCL" else "uint16"}
                if band != "SCL":
                    raster |= {"scale": 0.0001, "offset": -0.1, "spatial_resolution": 10}
                asset["raster:bands"] = [raster]
            assets[key] = asset
        return {
            "type": "Feature",
            "stac_version": "1.0.0",
            "stac_extensions": [],
            "id": spec.item_id,
            "collection": spec.collection,
            "bbox": [lon0, lat0, lon1, lat1],
            "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": props,
            "assets": assets,
            "links": [],
        }

    def _aoi(self, spec: ItemSpec) -> tuple[float, float, float, float]:
        return self.library.render(spec.acq)[0].bounds

    def cog(self, item_id: str, key: str) -> bytes | None:
        """The COG bytes of one asset (rendered with the item's other assets on first use).

        Args:
            item_id: Item id (from an earlier search).
            key: Asset key.

        Returns:
            The file's bytes, or None for an unknown item or asset.
        """
        with self._lock:
            spec = self._specs.get(item_id)
            if item_id in self._cogs:
                self._cogs.move_to_end(item_id)
                return self._cogs[item_id].get(key)
        if spec is None:
            return None
        files = self._render(spec)
        with self._lock:
            self._cogs[item_id] = files
            while len(self._cogs) > self._size:
                self._cogs.popitem(last=False)
        return files.get(key)

    def _render(self, spec: ItemSpec) -> dict[str, bytes]:
        aoi_grid, bands = self.library.render(spec.acq)
        keys = _S2_ASSETS if spec.collection == "sentinel-2-c1-l2a" else _S1_ASSETS
        valid = bands["dataMask"] > 0
        if spec.west_cut:
            valid = valid.copy()
            valid[:, : round(aoi_grid.width * spec.west_cut)] = False
        out = {}
        for key, band in keys.items():
            arr, nodata, dtype = self._encode(bands[band], valid, band)
            out[key] = _to_cog(_onto(arr, aoi_grid, spec.grid, nodata), spec.grid, nodata, dtype)
        return out

    def _encode(self, arr: NDArray[np.number], valid: NDArray[np.bool_], band: str) -> tuple[NDArray[Any], float, str]:
        if band in ("VV", "VH"):
            gamma0 = arr.astype(np.float32) / np.float32(self.factor)
            return np.where(valid, gamma0, np.float32(S1_NODATA)).astype(np.float32), S1_NODATA, "float32"
        if band == "SCL":
            return np.where(valid, arr, 0).astype(np.uint8), 0.0, "uint8"
        return np.where(valid, arr.astype(np.int32) + _S2_OFFSET_DN, 0).astype(np.uint16), 0.0, "uint16"


def _onto(arr: NDArray[Any], src: Grid, dst: Grid, nodata: float) -> NDArray[Any]:
    if src.crs == dst.crs:
        out = np.full(dst.shape, nodata, dtype=arr.dtype)
        col = round((src.transform.c - dst.transform.c) / 10.0)
        row = round((dst.transform.f - src.transform.f) / 10.0)
        out[row : row + src.height, col : col + src.width] = arr
        return out
    return warp(arr, src, dst, arr.dtype.type, Resampling.nearest, nodata)


def _to_cog(arr: NDArray[Any], grid: Grid, nodata: float, dtype: str) -> bytes:
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": dtype,
        "crs": grid.crs,
        "transform": grid.transform,
        "nodata": nodata,
    }
    with MemoryFile() as src_mem:
        with src_mem.open(**profile) as ds:
            ds.write(arr, 1)
        with src_mem.open() as ds, MemoryFile() as dst_mem:
            rasterio.shutil.copy(
                ds, dst_mem.name, driver="COG", compress="DEFLATE", blocksize=BLOCK, overviews="NONE", predictor=2
            )
            return bytes(dst_mem.getbuffer())
