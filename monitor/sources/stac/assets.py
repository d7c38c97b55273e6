"""Which asset of an item holds which band, and how to turn its numbers into physical values.

Band names come from the asset's ``eo:bands`` (or STAC 1.1 ``bands``) ``name``, else from its common name
(``red`` is B04), else from the asset key itself (``vv`` is VV). Scale, offset and nodata come from the asset's
``raster:bands`` and, where the item leaves them out, from the collection's ``item_assets``: nothing about a
processing baseline (such as the -1000 DN offset of Sentinel-2 baseline 04.00 and later) is assumed here.

Assets read: Sentinel-2 B02, B03, B04, B08, B11 and SCL (Earth Search keys ``blue``, ``green``, ``red``,
``nir``, ``swir16``, ``scl``); Sentinel-1 VV and VH (Planetary Computer keys ``vv``, ``vh``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from monitor.config.models import SensorName
from monitor.errors import TransientError

__all__ = ("BANDS", "AssetBand", "find_assets", "unsigned")

BANDS: dict[SensorName, tuple[str, ...]] = {
    "sentinel-2-l2a": ("B02", "B03", "B04", "B08", "B11", "SCL"),
    "sentinel-1-grd": ("VV", "VH"),
}
_COMMON = {"blue": "B02", "green": "B03", "red": "B04", "nir": "B08", "swir16": "B11"}


@dataclass(frozen=True)
class AssetBand:
    """One band of one item: where it is and how to read it."""

    band: str
    key: str
    href: str
    scale: float
    offset: float
    nodata: float | None


def _name(key: str, asset: Mapping[str, Any]) -> str:
    for field in ("eo:bands", "bands"):
        entries = asset.get(field)
        if not (isinstance(entries, list) and len(entries) == 1 and isinstance(entries[0], dict)):
            continue
        name = str(entries[0].get("name") or "").upper()
        common = str(entries[0].get("common_name") or entries[0].get("eo:common_name") or "")
        found = re.fullmatch(r"B(\d{1,2})(A?)", name)
        if found:
            return f"B{int(found.group(1)):02d}{found.group(2)}"
        if common in _COMMON:
            return _COMMON[common]
    return _COMMON.get(key, key.upper())


def _raster(asset: Mapping[str, Any], fallback: Mapping[str, Any]) -> dict[str, Any]:
    for source in (asset, fallback):
        entries = source.get("raster:bands") or source.get("bands")
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            out = dict(entries[0])
            for k in ("scale", "offset", "nodata"):
                if k not in out and f"raster:{k}" in out:
                    out[k] = out[f"raster:{k}"]
            if any(k in out for k in ("scale", "offset", "nodata")):
                return out
    return {}


def find_assets(
    item: Mapping[str, Any], sensor: SensorName, item_assets: Mapping[str, Any] | None = None
) -> dict[str, AssetBand]:
    """The assets of an item that hold the bands the sensor needs.

    Args:
        item: The STAC item.
        sensor: Sensor name.
        item_assets: The collection's ``item_assets`` (defaults for metadata the item leaves out).

    Returns:
        Band name -> asset, for every band of :data:`BANDS` the item has.

    Raises:
        TransientError: The item has none of the bands (the API answered something unusable).
    """
    wanted = BANDS[sensor]
    defaults = item_assets or {}
    out: dict[str, AssetBand] = {}
    for key, asset in (item.get("assets") or {}).items():
        if not isinstance(asset, dict) or not str(asset.get("type", "image/tiff")).startswith("image/tiff"):
            continue
        band = _name(key, asset)
        if band not in wanted or band in out:
            continue
        meta = _raster(asset, defaults.get(key) or {})
        nodata = meta.get("nodata")
        out[band] = AssetBand(
            band=band,
            key=key,
            href=str(asset["href"]),
            scale=float(meta.get("scale", 1.0)),
            offset=float(meta.get("offset", 0.0)),
            nodata=None if nodata is None or nodata == "nan" else float(nodata),
        )
    if not out:
        raise TransientError(f"STAC item {item.get('id')!r}: no asset holds any of {', '.join(wanted)}")
    return out


def unsigned(href: str) -> str:
    """An asset href without its query string (where SAS signatures live), for provenance.

    Args:
        href: A possibly signed href.

    Returns:
        The href without query and fragment.
    """
    parts = urlsplit(href)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
