"""Catalog search per AOI and sensor, and the merging of tiles of one pass into one acquisition.

One satellite pass over an AOI often shows up as several catalog items (Sentinel-2 granules of neighbouring
tiles, consecutive Sentinel-1 slices) a few seconds apart. They are merged with sentinelhub-py's
``filter_times``, which keeps the earliest time of each group closer than :data:`MERGE_WITHIN`; the group's
cloud cover is the largest of its items, so a pass is never reported clearer than any of its granules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sentinelhub.api.catalog import SentinelHubCatalog
from sentinelhub.constants import CRS
from sentinelhub.data_collections import DataCollection
from sentinelhub.geometry import BBox
from sentinelhub.time_utils import filter_times, parse_time

from monitor.config.models import AOIConfig, SensorName
from monitor.sources.base import SceneRef, make_scene_id
from monitor.sources.sentinelhub.session import SessionHolder

__all__ = ("MERGE_WITHIN", "Pass", "group_passes", "search_passes")

MERGE_WITHIN = dt.timedelta(hours=1)
_FIELDS = {"include": ["id", "properties.datetime", "properties.eo:cloud_cover", "properties.platform"], "exclude": []}


@dataclass(frozen=True)
class Pass:
    """One acquisition: the merged catalog items of one pass."""

    when: dt.datetime
    ids: tuple[str, ...]
    cloud_cover: float | None
    platform: str | None

    def ref(self, aoi: AOIConfig, sensor: SensorName) -> SceneRef:
        """The scene reference of this pass over ``aoi``.

        Args:
            aoi: The AOI.
            sensor: Sensor name.

        Returns:
            The reference, keyed by AOI, sensor and pass time to the second.
        """
        when = self.when.replace(microsecond=0)
        meta = {"items": ",".join(self.ids)}
        if self.platform:
            meta["platform"] = self.platform
        return SceneRef(aoi.id, sensor, when, make_scene_id(aoi.id, sensor, when), self.cloud_cover, meta)


def _when(item: dict[str, Any]) -> dt.datetime:
    value = parse_time(item["properties"]["datetime"], force_datetime=True)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def group_passes(items: list[dict[str, Any]], within: dt.timedelta = MERGE_WITHIN) -> list[Pass]:
    """Merge catalog items of one pass.

    Args:
        items: Catalog features (need ``id`` and ``properties.datetime``).
        within: Items closer than this to the first of a group belong to it.

    Returns:
        Passes, oldest first.
    """
    timed = sorted(((_when(it), it) for it in items), key=lambda p: p[0])
    starts = filter_times([t for t, _ in timed], within)
    passes = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else None
        members = [it for t, it in timed if t >= start and (end is None or t < end)]
        covers = [float(m["properties"]["eo:cloud_cover"]) for m in members if "eo:cloud_cover" in m["properties"]]
        platforms = sorted({str(m["properties"]["platform"]) for m in members if m["properties"].get("platform")})
        passes.append(
            Pass(
                when=start,
                ids=tuple(str(m["id"]) for m in members),
                cloud_cover=max(covers) / 100.0 if covers else None,
                platform=platforms[0] if platforms else None,
            )
        )
    return passes


def search_passes(
    aoi: AOIConfig, collection: DataCollection, since: dt.date, until: dt.date, sessions: SessionHolder
) -> list[Pass]:
    """All passes over the AOI's bbox from ``since`` to ``until`` inclusive (all result pages).

    Args:
        aoi: The AOI.
        collection: The collection bound to the configured base URL.
        since: First date (UTC).
        until: Last date (UTC), inclusive.
        sessions: The source's session (its config sets retries and timeouts).

    Returns:
        Passes, oldest first.
    """
    start = dt.datetime.combine(since, dt.time(0, 0), tzinfo=dt.UTC)
    end = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)
    catalog = SentinelHubCatalog(config=sessions.config)
    catalog.client = sessions.client()
    found = catalog.search(collection, bbox=BBox(aoi.bbox, crs=CRS.WGS84), time=(start, end), fields=_FIELDS, limit=50)
    items = [it for it in found if isinstance(it, dict)]
    return group_passes(items)
