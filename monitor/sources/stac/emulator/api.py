"""The emulator's STAC API documents: landing page, collections and item search with paging.

Search takes ``collections``, ``bbox`` (or ``intersects``), ``datetime``, ``ids``, ``limit``, the query
extension (``{"eo:cloud_cover": {"lte": 80}}``) and CQL2 filters (JSON comparisons joined by ``and``, or the
text subset of the Sentinel Hub emulator); pages chain through ``next`` links carrying a ``token``.
"""

from __future__ import annotations

from typing import Any

from monitor.sources.sentinelhub.emulator.catalog import ApiError, parse_instant
from monitor.sources.sentinelhub.emulator.cql2 import Comparison, CqlError, matches, parse_cql2
from monitor.sources.stac.emulator.archive import COLLECTIONS, S1_NODATA, StacArchive

__all__ = ("collection_doc", "landing", "search")

_QUERY_OPS = {"eq": "=", "neq": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
_MAX_LIMIT = 1000
_CONFORMS = [
    "https://api.stacspec.org/v1.0.0/core",
    "https://api.stacspec.org/v1.0.0/item-search",
    "https://api.stacspec.org/v1.0.0-rc.1/item-search#query",
    "https://api.stacspec.org/v1.0.0-rc.2/item-search#filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "https://api.stacspec.org/v1.0.0/collections",
]


def landing(root: str) -> dict[str, Any]:
    """The landing page.

    Args:
        root: The API root URL.

    Returns:
        A STAC catalog advertising item search (GET and POST).
    """
    return {
        "type": "Catalog",
        "id": "monitor-stac-emulator",
        "stac_version": "1.0.0",
        "description": "Loopback STAC API over the monitor's synthetic scenario",
        "conformsTo": _CONFORMS,
        "links": [
            {"rel": "self", "href": root, "type": "application/json"},
            {"rel": "root", "href": root, "type": "application/json"},
            {"rel": "data", "href": f"{root}/collections", "type": "application/json"},
            {"rel": "search", "href": f"{root}/search", "type": "application/geo+json", "method": "GET"},
            {"rel": "search", "href": f"{root}/search", "type": "application/geo+json", "method": "POST"},
        ],
    }


def collection_doc(root: str, collection: str) -> dict[str, Any]:
    """A collection document; Sentinel-1 declares its nodata only here, in ``item_assets``.

    Args:
        root: The API root URL.
        collection: Collection id.

    Returns:
        The collection.

    Raises:
        ApiError: Unknown collection (404).
    """
    if collection not in COLLECTIONS:
        raise ApiError(404, "NotFound", f"collection {collection!r} not found")
    item_assets: dict[str, Any] = {}
    if collection == "sentinel-1-rtc":
        band = {"nodata": S1_NODATA, "data_type": "float32", "spatial_resolution": 10.0}
        item_assets = {k: {"type": "image/tiff", "raster:bands": [band]} for k in ("vv", "vh")}
    return {
        "type": "Collection",
        "id": collection,
        "stac_version": "1.0.0",
        "description": f"{collection} rendered from the synthetic scenario",
        "license": "proprietary",
        "extent": {"spatial": {"bbox": [[-180, -90, 180, 90]]}, "temporal": {"interval": [[None, None]]}},
        "item_assets": item_assets,
        "links": [{"rel": "root", "href": root}, {"rel": "self", "href": f"{root}/collections/{collection}"}],
    }


def _filters(body: dict[str, Any]) -> list[Comparison]:
    out: list[Comparison] = []
    for prop, ops in (body.get("query") or {}).items():
        for op, value in ops.items():
            if op not in _QUERY_OPS:
                raise ApiError(400, "BadRequest", f"query: operator {op!r} not supported")
            out.append(Comparison(prop, _QUERY_OPS[op], float(value) if isinstance(value, int | float) else value))
    flt = body.get("filter")
    if isinstance(flt, str) and flt:
        try:
            out += parse_cql2(flt)
        except CqlError as exc:
            raise ApiError(400, "BadRequest", f"filter: {exc}") from None
    elif isinstance(flt, dict):
        terms = flt["args"] if flt.get("op") == "and" else [flt]
        for term in terms:
            args = term.get("args") or []
            if len(args) != 2 or not isinstance(args[0], dict) or "property" not in args[0]:
                raise ApiError(400, "BadRequest", "filter: only comparisons of a property with a value")
            value = args[1]
            out.append(
                Comparison(args[0]["property"], term["op"], float(value) if not isinstance(value, str) else value)
            )
    return out


def search(body: dict[str, Any], archive: StacArchive, root: str, method: str) -> dict[str, Any]:
    """Answer one search page.

    Args:
        body: The search parameters (POST body, or GET query parsed into the same shape).
        archive: The published items.
        root: The API root URL.
        method: ``GET`` or ``POST`` (the next link uses the same).

    Returns:
        A FeatureCollection with a ``next`` link while more pages remain.

    Raises:
        ApiError: Bad parameters (400).
    """
    collections = body.get("collections") or list(COLLECTIONS)
    unknown = [c for c in collections if c not in COLLECTIONS]
    if unknown:
        raise ApiError(400, "BadRequest", f"collections: unknown {unknown}")
    start_text, _, end_text = str(body.get("datetime") or "../..").partition("/")
    start, end = parse_instant(start_text, False), parse_instant(end_text or start_text, True)
    bbox = body.get("bbox") or [-180.0, -90.0, 180.0, 90.0]
    box = (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
    limit = int(body.get("limit") or 10)
    if not 1 <= limit <= _MAX_LIMIT:
        raise ApiError(400, "BadRequest", f"limit: must be 1..{_MAX_LIMIT} (got {limit})")
    filters = _filters(body)
    ids = set(body.get("ids") or [])
    features = []
    for collection in collections:
        for spec in archive.specs(collection, box, start, end):
            item = archive.item(spec, root.rsplit("/", 1)[0])
            if (not ids or item["id"] in ids) and matches(filters, item["properties"]):
                features.append(item)
    offset = int(body.get("token") or 0)
    page = features[offset : offset + limit]
    links: list[dict[str, Any]] = [{"rel": "root", "href": root}]
    if offset + limit < len(features):
        nxt = {**body, "token": str(offset + limit)}
        if method == "POST":
            links.append({"rel": "next", "href": f"{root}/search", "method": "POST", "body": nxt, "merge": False})
        else:
            query = "&".join(f"{k}={v}" for k, v in _as_query(nxt).items())
            links.append({"rel": "next", "href": f"{root}/search?{query}", "method": "GET"})
    return {"type": "FeatureCollection", "features": page, "links": links, "numberReturned": len(page)}


def _as_query(body: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in body.items():
        out[key] = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return out
