"""The emulator's Catalog search: STAC item search with CQL2 filters, ``fields`` and paging by ``next`` token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitor.sources.sentinelhub.emulator.cql2 import CqlError, matches, parse_cql2
from monitor.sources.sentinelhub.emulator.library import SceneLibrary

__all__ = ("COLLECTIONS", "ApiError", "parse_instant", "search")

COLLECTIONS = ("sentinel-2-l2a", "sentinel-1-grd")
_MAX_LIMIT = 100
_FAR_PAST = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)


class ApiError(Exception):
    """A request the API refuses: carries the HTTP status and the service's error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    def body(self) -> dict[str, object]:
        """The JSON error body, in the service's shape.

        Returns:
            ``{"error": {"status", "reason", "message", "code"}}``.
        """
        reason = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}.get(self.status, "Error")
        return {"error": {"status": self.status, "reason": reason, "message": str(self), "code": self.code}}


def parse_instant(text: str, end: bool) -> dt.datetime:
    """One end of a STAC ``datetime`` interval (``..`` or empty: open).

    Args:
        text: An ISO 8601 time, ``..`` or empty.
        end: Whether it is the interval's end (open means now) or its start (open means 2014).

    Returns:
        An aware datetime.

    Raises:
        ApiError: Not a time (400).
    """
    if text in ("", ".."):
        return dt.datetime.now(dt.UTC) if end else _FAR_PAST
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, "COMMON_BAD_PAYLOAD", f"datetime: cannot parse {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _box(body: dict[str, Any]) -> tuple[float, float, float, float]:
    if "bbox" in body:
        bbox = body["bbox"]
        if not (isinstance(bbox, list) and len(bbox) == 4):
            raise ApiError(400, "COMMON_BAD_PAYLOAD", "bbox: expected [minx, miny, maxx, maxy]")
        return (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
    geom = body.get("intersects")
    if isinstance(geom, dict) and geom.get("coordinates"):
        flat: list[list[float]] = []

        def walk(c: Any) -> None:
            if c and isinstance(c[0], int | float):
                flat.append(c)
            else:
                for x in c:
                    walk(x)

        walk(geom["coordinates"])
        xs, ys = [p[0] for p in flat], [p[1] for p in flat]
        return (min(xs), min(ys), max(xs), max(ys))
    return (-180.0, -90.0, 180.0, 90.0)


def _pick(item: dict[str, Any], include: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item["id"]}
    for path in include:
        src: Any = item
        dst: dict[str, Any] = out
        keys = path.split(".", 1) if path.startswith("properties.") else [path]
        for i, key in enumerate(keys):
            if not isinstance(src, dict) or key not in src:
                break
            if i == len(keys) - 1:
                dst[key] = src[key]
            else:
                src = src[key]
                dst = dst.setdefault(key, {})
    return out


def search(body: dict[str, Any], library: SceneLibrary) -> dict[str, Any]:
    """Answer ``POST /api/v1/catalog/1.0.0/search``.

    Args:
        body: The JSON request.
        library: The scenes served.

    Returns:
        A FeatureCollection with ``context.next`` while more pages remain.

    Raises:
        ApiError: Unknown collection, bad datetime, bad filter or limit.
    """
    collections = body.get("collections") or []
    if len(collections) != 1 or collections[0] not in COLLECTIONS:
        raise ApiError(400, "COMMON_BAD_PAYLOAD", f"collections: one of {list(COLLECTIONS)} expected")
    sensor = collections[0]
    start_text, _, end_text = str(body.get("datetime", "../..")).partition("/")
    start, end = parse_instant(start_text, False), parse_instant(end_text or start_text, True)
    if body.get("filter") and body.get("filter-lang", "cql2-text") != "cql2-text":
        raise ApiError(400, "COMMON_BAD_PAYLOAD", "filter-lang: the emulator supports cql2-text only")
    try:
        filters = parse_cql2(str(body.get("filter") or ""))
    except CqlError as exc:
        raise ApiError(400, "COMMON_BAD_PAYLOAD", f"filter: {exc}") from None
    limit = body.get("limit", 10)
    if not isinstance(limit, int) or not 1 <= limit <= _MAX_LIMIT:
        raise ApiError(400, "COMMON_BAD_PAYLOAD", f"limit: must be 1..{_MAX_LIMIT} (got {limit!r})")
    offset = body.get("next", 0)
    if not isinstance(offset, int) or offset < 0:
        raise ApiError(400, "COMMON_BAD_PAYLOAD", f"next: not a token from a previous page (got {offset!r})")

    items = [it for acq in library.passes(sensor, _box(body), start, end) for it in acq.items()]
    items = [it for it in items if start <= parse_instant(it["properties"]["datetime"], False) <= end]
    items = [it for it in items if matches(filters, it["properties"])]
    page = items[offset : offset + limit]
    include = (body.get("fields") or {}).get("include") or []
    if include:
        page = [_pick(it, include) for it in page]
    context: dict[str, Any] = {"limit": limit, "returned": len(page)}
    if offset + limit < len(items):
        context["next"] = offset + limit
    return {"type": "FeatureCollection", "features": page, "links": [], "context": context}
