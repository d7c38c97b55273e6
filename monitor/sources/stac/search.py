"""Item search through pystac-client, and the merging of the items of one pass into one scene reference.

Search failures are retried by the HTTP layer (urllib3 ``Retry``: 5xx, 429 and read timeouts, POST included,
with back-off); what still fails becomes a :class:`~monitor.errors.TransientError` (exit 75). The cloud limit
is sent to the API (``query`` on ``eo:cloud_cover``) so cloudier Sentinel-2 items never come back, and the
planner checks the merged pass again before any pixel is read. Each reference carries its items' JSON, so a
fetch (or a dry-run estimate) needs no second search.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from pystac_client import Client
from pystac_client.exceptions import APIError
from pystac_client.stac_api_io import StacApiIO

from monitor.config.models import AOIConfig, SensorName, SourceConfig
from monitor.errors import ConfigError, TransientError
from monitor.sources.base import SceneRef
from monitor.sources.sentinelhub.catalog import group_passes
from monitor.sources.stac.settings import StacEndpoint, http_retry

__all__ = ("ITEMS_META", "StacSearch", "items_of")

log = logging.getLogger("monitor.sources.stac")

ITEMS_META = "stac_items"


def items_of(ref: SceneRef) -> list[dict[str, Any]]:
    """The STAC items of a scene reference made by :class:`StacSearch`.

    Args:
        ref: The reference.

    Returns:
        The item dictionaries, as the API returned them.
    """
    items: list[dict[str, Any]] = json.loads(ref.meta.get(ITEMS_META, "[]"))
    return items


class StacSearch:
    """Searches one sensor's collection.

    Args:
        endpoint: API root and collection.
        src: Source config (timeouts, retries, page size, the cloud limit is per AOI).
    """

    def __init__(self, endpoint: StacEndpoint, src: SourceConfig) -> None:
        self.endpoint = endpoint
        self.src = src
        self._client: Client | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the open client (its HTTP session stays in this process)."""
        return {**self.__dict__, "_client": None}

    def client(self) -> Client:
        """The pystac-client client, opened on first use (one request for the landing page).

        Returns:
            The client.
        """
        if self._client is None:
            io = StacApiIO(timeout=self.src.timeout_s, max_retries=http_retry(self.src))
            self._client = self._call("landing page", lambda: Client.open(self.endpoint.url, stac_io=io))
        return self._client

    def _call(self, what: str, call: Any) -> Any:
        url = self.endpoint.url
        try:
            return call()
        except APIError as exc:
            status = getattr(exc, "status_code", None)
            detail = " ".join(str(exc).split())[:200]
            if status is not None and 400 <= status < 500 and status != 429:
                raise ConfigError(
                    f"STAC {what} at {url}: rejected with {status} ({detail}); check source.stac URL and collection"
                ) from None
            raise TransientError(
                f"STAC {what} at {url}: failed after source.max_attempts tries ({detail or status}); try later"
            ) from None

    def search(self, aoi: AOIConfig, since: dt.date, until: dt.date, max_cloud: float | None) -> list[dict[str, Any]]:
        """All items over the AOI's bbox in the date window (every page).

        Args:
            aoi: The AOI.
            since: First date (UTC).
            until: Last date (UTC), inclusive.
            max_cloud: Cloud limit (0..1) sent as ``eo:cloud_cover <= 100 * max_cloud``; None for radar.

        Returns:
            Item dictionaries.
        """
        start = dt.datetime.combine(since, dt.time(0, 0), tzinfo=dt.UTC)
        end = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)
        query = None if max_cloud is None else {"eo:cloud_cover": {"lte": round(max_cloud * 100.0, 6)}}

        def run() -> list[dict[str, Any]]:
            found = self.client().search(
                collections=[self.endpoint.collection],
                bbox=list(aoi.bbox),
                datetime=[start, end],
                query=query,
                limit=self.src.stac.page_size,
            )
            return list(found.items_as_dicts())

        items: list[dict[str, Any]] = self._call(f"search of {self.endpoint.collection}", run)
        log.debug("%s: %d item(s) from %s", aoi.id, len(items), self.endpoint.url)
        return items

    def passes(
        self, aoi: AOIConfig, sensor: SensorName, since: dt.date, until: dt.date, max_cloud: float | None
    ) -> list[SceneRef]:
        """The passes over the AOI, one reference per pass with its items, oldest first.

        Args:
            aoi: The AOI.
            sensor: Sensor name.
            since: First date.
            until: Last date, inclusive.
            max_cloud: Cloud limit for Sentinel-2, None for Sentinel-1.

        Returns:
            References keyed like every other source's (AOI, sensor, pass time to the second).
        """
        items = self.search(aoi, since, until, max_cloud)
        by_id = {str(it["id"]): it for it in items}
        refs = []
        for p in group_passes(items):
            ref = p.ref(aoi, sensor)
            members = [by_id[i] for i in p.ids]
            meta = {**ref.meta, ITEMS_META: json.dumps(members), "collection": self.endpoint.collection}
            refs.append(SceneRef(ref.aoi, ref.sensor, ref.acquired, ref.scene_id, ref.cloud_cover, meta))
        return refs
