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
from urllib.parse import urlsplit

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import AOIConfig, SensorName
from monitor.imagery.scene import cloud_fraction

__all__ = ("SENSOR_CODES", "SceneRef", "Source", "make_scene_id", "pulled_scene_tags")

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


def pulled_scene_tags(
    ref: SceneRef, source: str, service_url: str, bands: dict[str, NDArray[np.number]]
) -> dict[str, str]:
    """The tags every scene pulled from a remote service carries, whichever service it came from.

    Args:
        ref: The acquisition.
        source: The source's name (``sentinelhub``, ``stac``).
        service_url: The service's address; only its host is kept.
        bands: The scene's bands (a Sentinel-2 scene's ``SCL`` and ``dataMask`` give its cloud fraction).

    Returns:
        ``SENSOR``, ``ACQUISITION_TIME``, ``SCENE_ID``, ``SOURCE``, ``SERVICE``, and when known ``PLATFORM``,
        ``CLOUD_COVER`` (the catalogue's) and ``AOI_CLOUD_FRACTION`` (measured on the AOI).
    """
    tags = {
        "SENSOR": ref.sensor,
        "ACQUISITION_TIME": f"{ref.acquired.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}",
        "SCENE_ID": ref.scene_id,
        "SOURCE": source,
        "SERVICE": urlsplit(service_url).netloc,
    }
    if "platform" in ref.meta:
        tags["PLATFORM"] = ref.meta["platform"]
    if ref.sensor == "sentinel-2-l2a":
        if ref.cloud_cover is not None:
            tags["CLOUD_COVER"] = f"{ref.cloud_cover:.4f}"
        tags["AOI_CLOUD_FRACTION"] = f"{cloud_fraction(bands['SCL'], bands['dataMask']):.4f}"
    return tags
