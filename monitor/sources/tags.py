"""The tags every scene pulled from a remote service carries (Sentinel Hub, STAC).

Kept apart from :mod:`monitor.sources.base` so that importing the source interface (which the training chip
painter does, for the synthetic scenario's objects) does not pull in the GeoTIFF stack: the GPU training
script runs with torch, numpy, scipy and pydantic only.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import numpy as np
from numpy.typing import NDArray

from monitor.imagery.scene import cloud_fraction
from monitor.sources.base import SceneRef

__all__ = ("pulled_scene_tags",)


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
