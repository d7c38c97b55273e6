"""The ``sentinelhub`` source: real pulls from Sentinel Hub or the Copernicus Data Space through sentinelhub-py.

``discover`` searches the Catalog per AOI and sensor and merges the items of one pass; ``fetch`` sends one
Process request per acquisition (or per tile of an AOI larger than ``source.tile_px``) on the AOI's own UTM
grid, records each request's processing units in the store's ledger after checking the monthly budget, and
writes the mosaic as a scene GeoTIFF (atomically: a failed pull leaves no file behind).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import AOIConfig, SensorName, SourceConfig
from monitor.errors import MonitorError
from monitor.imagery.grid import Grid, aoi_grid
from monitor.imagery.scene import write_scene
from monitor.sources.base import SceneRef
from monitor.sources.sentinelhub.catalog import MERGE_WITHIN, search_passes
from monitor.sources.sentinelhub.collections import SENSOR_SPECS, collection_for
from monitor.sources.sentinelhub.errors import translate
from monitor.sources.sentinelhub.process import TileAnswer, build_request, read_answer, send, with_reauth
from monitor.sources.sentinelhub.pu import estimate_pu, pu_from_headers
from monitor.sources.sentinelhub.session import SessionHolder
from monitor.sources.sentinelhub.settings import load_credentials, make_shconfig, resolve_endpoints
from monitor.sources.sentinelhub.tiles import Tile, mosaic, split_grid
from monitor.sources.tags import pulled_scene_tags
from monitor.store.prepaid import Settlement, active_ledger, apply_settlements
from monitor.store.requests import BudgetExceededError, RequestLedger

__all__ = ("SentinelHubSource",)

log = logging.getLogger("monitor.sources.sentinelhub")

_BEFORE = dt.timedelta(minutes=1)


class SentinelHubSource:
    """Scenes pulled from a Sentinel Hub deployment (or the local emulator).

    Args:
        src: The source config (environment overrides already applied).
        data_dir: The data folder; its store holds the PU ledger.
        where: The config file, for messages.
        env: Environment to read credentials from (default ``os.environ``).

    Raises:
        ConfigError: A URL or the profile is invalid (exit 78).
        UnavailableError: No credentials (exit 69).
    """

    name = "sentinelhub"

    def __init__(self, src: SourceConfig, data_dir: Path, where: str, env: Mapping[str, str] | None = None) -> None:
        self.src = src
        self.endpoints = resolve_endpoints(src, where)
        self._creds = load_credentials(src, os.environ if env is None else env, where)
        self._config = make_shconfig(self.endpoints, self._creds, src)
        self._sessions = SessionHolder(self._config)
        self.ledger = RequestLedger(data_dir / "monitor.sqlite", self.name, src.monthly_pu_budget)
        log.debug("sentinelhub source: %s (credentials from %s)", self.endpoints.base_url, self._creds.origin)

    def bind_run(self, run_id: int) -> None:
        """Record the run that the following requests belong to (for per-run PU totals).

        Args:
            run_id: The run id from the store.
        """
        self.ledger.run_id = run_id

    def prepay(self, ref: SceneRef, aoi: AOIConfig) -> dict[str, int]:
        """Reserve the requests of one scene in the ledger before its task is handed out (driver side).

        Args:
            ref: The scene.
            aoi: Its AOI.

        Returns:
            Reservation row id by ``"<scene_id>|<part>"``.

        Raises:
            BudgetExceededError: The month's budget cannot take the whole scene (exit 75); nothing stays reserved.
        """
        spec = SENSOR_SPECS[ref.sensor]
        rows: dict[str, int] = {}
        try:
            for tile in self.tiles(aoi)[1]:
                estimate = estimate_pu(tile.width, tile.height, spec)
                row = self.ledger.reserve("process", ref.scene_id, tile.label, tile.width, tile.height, estimate)
                rows[f"{ref.scene_id}|{tile.label}"] = row
        except BudgetExceededError:
            for row in rows.values():
                self.ledger.settle(row, None, error="not sent: the rest of the scene did not fit the PU budget")
            raise
        return rows

    def settle(self, settlements: list[Settlement]) -> None:
        """Record what a task's requests cost (driver side).

        Args:
            settlements: From the task's prepaid ledger.
        """
        apply_settlements(self.ledger, settlements)

    def discover(self, aoi: AOIConfig, sensor: SensorName, since: dt.date, until: dt.date) -> list[SceneRef]:
        """Search the Catalog for passes over ``aoi`` from ``since`` to ``until`` inclusive.

        Args:
            aoi: The AOI.
            sensor: Sensor name.
            since: First date.
            until: Last date, inclusive.

        Returns:
            One reference per pass, oldest first, with the scene-level cloud cover (Sentinel-2).

        Raises:
            TransientError: The service is unreachable, failing or rate limiting (exit 75).
            UnavailableError: The credentials are refused (exit 69).
        """
        collection = collection_for(sensor, self.endpoints.base_url)
        url = f"{self.endpoints.base_url}/api/v1/catalog/1.0.0/search"
        try:
            passes = with_reauth(lambda: search_passes(aoi, collection, since, until, self._sessions), self._sessions)
        except Exception as exc:
            raise translate(exc, f"Catalog search for {aoi.id} {sensor}", url, self._creds) from None
        return [p.ref(aoi, sensor) for p in passes]

    def tiles(self, aoi: AOIConfig) -> tuple[Grid, list[Tile]]:
        """The AOI's grid and the Process requests it takes.

        Args:
            aoi: The AOI.

        Returns:
            (grid, tiles of at most ``source.tile_px`` a side).
        """
        grid = aoi_grid(aoi)
        return grid, split_grid(grid, self.src.tile_px)

    def estimate_pu(self, ref: SceneRef, aoi: AOIConfig) -> float:
        """Processing units fetching ``ref`` should cost (all its tiles).

        Args:
            ref: The scene.
            aoi: Its AOI.

        Returns:
            Estimated PU.
        """
        spec = SENSOR_SPECS[ref.sensor]
        return sum(estimate_pu(t.width, t.height, spec) for t in self.tiles(aoi)[1])

    def _pull(self, ref: SceneRef, tile: Tile, epsg: int) -> TileAnswer:
        spec = SENSOR_SPECS[ref.sensor]
        collection = collection_for(ref.sensor, self.endpoints.base_url)
        url = f"{self.endpoints.base_url}/api/v1/process"
        what = f"Process request for {ref.scene_id} (tile {tile.label})"
        window = (ref.acquired - _BEFORE, ref.acquired + MERGE_WITHIN)
        request = build_request(spec, collection, window, tile, epsg, self._config)
        estimate = estimate_pu(tile.width, tile.height, spec)
        ledger = active_ledger(self.ledger)
        row = ledger.reserve("process", ref.scene_id, tile.label, tile.width, tile.height, estimate)
        try:
            response = send(request, self._sessions)
        except Exception as exc:
            err = translate(exc, what, url, self._creds)
            ledger.settle(row, None, error=str(err))
            raise err from None
        ledger.settle(row, pu_from_headers(response.headers))
        try:
            return read_answer(response, spec, tile)
        except MonitorError as exc:
            raise type(exc)(f"{what}: {exc}") from None

    def fetch(self, ref: SceneRef, aoi: AOIConfig, dest: Path) -> Path:
        """Pull one acquisition on the AOI's grid and write it as a scene GeoTIFF.

        Args:
            ref: A reference from :meth:`discover`.
            aoi: Its AOI.
            dest: The GeoTIFF to write.

        Returns:
            ``dest``.

        Raises:
            BudgetExceededError: The next request would exceed the monthly PU budget (exit 75).
            TransientError: The service failed after the configured retries (exit 75).
            UnavailableError: The credentials are refused (exit 69).
            ConfigError: The service rejected the request as malformed (exit 78).
        """
        spec = SENSOR_SPECS[ref.sensor]
        grid, tiles = self.tiles(aoi)
        epsg = grid.crs.to_epsg()
        assert epsg is not None
        parts: list[tuple[Tile, dict[str, NDArray[np.number]]]] = []
        userdata: dict[str, object] = {}
        for tile in tiles:
            answer = self._pull(ref, tile, epsg)
            parts.append((tile, answer.bands))
            userdata = userdata or answer.userdata
        bands = mosaic(grid, parts)
        write_scene(dest, grid, bands, self._tags(ref, bands, userdata), spec.dtype)
        log.info("pulled %s (%d request(s))", ref.scene_id, len(tiles))
        return dest

    def _tags(self, ref: SceneRef, bands: dict[str, NDArray[np.number]], userdata: dict[str, object]) -> dict[str, str]:
        tags = pulled_scene_tags(ref, "sentinelhub", self.endpoints.base_url, bands)
        tags["CATALOG_ITEMS"] = ref.meta.get("items", "")
        if ref.sensor == "sentinel-2-l2a":
            norm = userdata.get("norm_factor")
            tags["REFLECTANCE_SCALE"] = str(norm) if isinstance(norm, int | float) and norm > 0 else "0.0001"
        else:
            processing = SENSOR_SPECS[ref.sensor].processing or {}
            tags |= {"UNITS": "linear", "POLARIZATION": "VV+VH", "BACKSCATTER": str(processing.get("backCoeff"))}
        return tags
