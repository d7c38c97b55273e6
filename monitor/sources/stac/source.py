"""The ``stac`` source: public STAC APIs for discovery, HTTP range reads of COG assets for the pixels.

``discover`` searches each sensor's collection (Earth Search ``sentinel-2-c1-l2a`` and Planetary Computer
``sentinel-1-rtc`` by default) and merges the items of one pass; ``fetch`` reads only the AOI's window of each
needed asset onto the AOI's 10 m UTM grid, item by item (those in the grid's own UTM zone first) until every
pixel is covered, converts to the scene format's units, and writes the scene atomically with its provenance.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from shapely.geometry import box, shape

from monitor.config.models import SENSORS, AOIConfig, SensorName, SourceConfig
from monitor.errors import TransientError
from monitor.imagery.grid import Grid, aoi_grid
from monitor.imagery.scene import write_scene
from monitor.sources.base import SceneRef
from monitor.sources.stac.assets import BANDS, AssetBand, find_assets, unsigned
from monitor.sources.stac.merge import Mosaic, scene_bands
from monitor.sources.stac.read import ReadEstimate, estimate_read, read_band
from monitor.sources.stac.search import StacSearch, items_of
from monitor.sources.stac.settings import StacEndpoint, resolve_stac
from monitor.sources.stac.signing import TokenSigner
from monitor.sources.tags import pulled_scene_tags

__all__ = ("StacSource",)

log = logging.getLogger("monitor.sources.stac")


def _epsg(item: dict[str, Any]) -> int | None:
    props = item.get("properties") or {}
    code = props.get("proj:epsg") or str(props.get("proj:code") or "").removeprefix("EPSG:")
    return int(code) if str(code).isdigit() else None


class StacSource:
    """Scenes read from STAC APIs and cloud-optimised GeoTIFFs, with no account.

    Args:
        src: The source config (environment overrides already applied).
        where: The config file, for messages.

    Raises:
        ConfigError: A URL is invalid, or remote while ``MONITOR_LOOPBACK_ONLY`` is set (exit 78).
    """

    name = "stac"

    def __init__(self, src: SourceConfig, where: str) -> None:
        self.src = src
        self.endpoints: dict[SensorName, StacEndpoint] = {s: resolve_stac(src, s, where) for s in SENSORS}
        self._search = {s: StacSearch(ep, src) for s, ep in self.endpoints.items()}
        self._signers = {
            s: TokenSigner(ep.token_url, ep.collection, src) if ep.token_url else None
            for s, ep in self.endpoints.items()
        }
        self._item_assets: dict[SensorName, dict[str, Any]] = {}

    def discover(self, aoi: AOIConfig, sensor: SensorName, since: dt.date, until: dt.date) -> list[SceneRef]:
        """Search the sensor's collection for passes over ``aoi`` from ``since`` to ``until`` inclusive.

        Args:
            aoi: The AOI.
            sensor: Sensor name.
            since: First date.
            until: Last date, inclusive.

        Returns:
            One reference per pass, oldest first, carrying its items; Sentinel-2 items over ``aoi.max_cloud``
            are left out by the API already.

        Raises:
            TransientError: The API failed after the retries (exit 75).
            ConfigError: The API rejected the search (exit 78).
        """
        max_cloud = aoi.max_cloud if sensor == "sentinel-2-l2a" else None
        return self._search[sensor].passes(aoi, sensor, since, until, max_cloud)

    def _assets(self, item: dict[str, Any], sensor: SensorName) -> dict[str, AssetBand]:
        found = find_assets(item, sensor, self._item_assets.get(sensor))
        if sensor not in self._item_assets and any(a.nodata is None for a in found.values()):
            client = self._search[sensor].client()
            collection = client.get_collection(self.endpoints[sensor].collection)
            extra = collection.extra_fields if collection is not None else {}
            self._item_assets[sensor] = dict(extra.get("item_assets") or {})
            found = find_assets(item, sensor, self._item_assets[sensor])
        return found

    def _ordered(self, ref: SceneRef, grid: Grid) -> list[dict[str, Any]]:
        epsg = grid.crs.to_epsg()
        return sorted(items_of(ref), key=lambda it: _epsg(it) != epsg)

    def _read(self, ref: SceneRef, grid: Grid) -> Mosaic:
        sensor = ref.sensor
        mosaic = Mosaic(grid, BANDS[sensor])
        items = self._ordered(ref, grid)
        if not items:
            raise TransientError(f"{ref.scene_id}: the reference carries no STAC items; run discovery again")
        for item in items:
            assets = self._assets(item, sensor)
            signer = self._signers[sensor]
            lead = next(b for b in BANDS[sensor] if b in assets)
            first = read_band(assets[lead], grid, self.src, signer, self._what(item, lead))
            new = mosaic.news(first)
            if not new.any():
                continue
            for band, ab in assets.items():
                got = first if band == lead else read_band(ab, grid, self.src, signer, self._what(item, band))
                mosaic.put(band, ab, got, new)
            mosaic.provenance[str(item["id"])] = {b: unsigned(a.href) for b, a in assets.items()}
            if mosaic.full:
                break
        return mosaic

    @staticmethod
    def _what(item: dict[str, Any], band: str) -> str:
        return f"STAC asset {band} of item {item.get('id')}"

    def fetch(self, ref: SceneRef, aoi: AOIConfig, dest: Path) -> Path:
        """Read one pass onto the AOI's grid and write it as a scene GeoTIFF.

        Args:
            ref: A reference from :meth:`discover`.
            aoi: Its AOI.
            dest: The GeoTIFF to write.

        Returns:
            ``dest``.

        Raises:
            TransientError: An asset could not be read after the retries, or is missing (exit 75); nothing is
                written.
        """
        grid = aoi_grid(aoi)
        mosaic = self._read(ref, grid)
        bands, dtype, extra = scene_bands(mosaic, ref.sensor, self.src.stac.gamma0_to_sigma0)
        write_scene(dest, grid, bands, self._tags(ref, bands, mosaic) | extra, dtype)
        log.info("read %s from %d item(s)", ref.scene_id, len(mosaic.provenance))
        return dest

    def _tags(self, ref: SceneRef, bands: dict[str, NDArray[np.number]], mosaic: Mosaic) -> dict[str, str]:
        ep = self.endpoints[ref.sensor]
        return pulled_scene_tags(ref, "stac", ep.url, bands) | {
            "STAC_COLLECTION": ep.collection,
            "STAC_ITEMS": ",".join(str(it["id"]) for it in items_of(ref)),
            "STAC_ASSETS": json.dumps(mosaic.provenance, sort_keys=True),
        }

    def estimate(self, ref: SceneRef, aoi: AOIConfig) -> tuple[int, int, ReadEstimate]:
        """What :meth:`fetch` would read, from the items' footprints and the assets' headers (the dry run).

        Items are taken in fetch order until their footprints cover the AOI's bbox.

        Args:
            ref: The scene.
            aoi: Its AOI.

        Returns:
            (items read, assets read, estimated bytes and range requests).
        """
        grid = aoi_grid(aoi)
        want, covered = box(*aoi.bbox), None
        n_items = n_assets = total = requests = 0
        for item in self._ordered(ref, grid):
            foot = shape(item["geometry"]) if item.get("geometry") else box(*item["bbox"])
            if covered is not None and covered.contains(want):
                break
            covered = foot if covered is None else covered.union(foot)
            n_items += 1
            for band, ab in self._assets(item, ref.sensor).items():
                est = estimate_read(ab, grid, self.src, self._signers[ref.sensor], self._what(item, band))
                n_assets += 1
                total += est.bytes
                requests += est.requests
        return n_items, n_assets, ReadEstimate(total, requests)
