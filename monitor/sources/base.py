"""The source interface every scene provider implements (synthetic, sentinelhub, stac, folder).

A source does two things: list the acquisitions over an AOI in a date window (cheap, no pixels), and fetch one
acquisition into a scene GeoTIFF (see :mod:`monitor.imagery.scene`). The pipeline never cares which source it
talks to; the synthetic source goes through exactly the same calls as a real pull.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from monitor.config.models import AOIConfig, SensorName

__all__ = ("SENSOR_CODES", "SceneRef", "Source", "make_scene_id")

SENSOR_CODES: dict[str, str] = {"sentinel-2-l2a": "S2L2A", "sentinel-1-grd": "S1GRD"}


def make_scene_id(aoi_id: str, sensor: SensorName, acquired: dt.datetime) -> str:
    """The stable id of one acquisition over one AOI, e.g. ``dunai_S2L2A_20241017T020531``.

    Args:
        aoi_id: AOI id.
        sensor: Sensor name.
        acquired: Acquisition time (UTC).

    Returns:
        The id.
    """
    return f"{aoi_id}_{SENSOR_CODES[sensor]}_{acquired.astimezone(dt.UTC):%Y%m%dT%H%M%S}"


@dataclass(frozen=True)
class SceneRef:
    """One acquisition a source can deliver: enough to fetch it and to key it in the store."""

    aoi: str
    sensor: SensorName
    acquired: dt.datetime
    scene_id: str
    cloud_cover: float | None = None
    meta: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


class Source(Protocol):
    """What the pipeline needs from a scene provider."""

    name: str

    def discover(self, aoi: AOIConfig, sensor: SensorName, since: dt.date, until: dt.date) -> list[SceneRef]:
        """List acquisitions over ``aoi`` from ``since`` to ``until`` inclusive, oldest first."""
        ...

    def fetch(self, ref: SceneRef, aoi: AOIConfig, dest: Path) -> Path:
        """Write the scene GeoTIFF for ``ref`` to ``dest`` atomically and return its path."""
        ...
