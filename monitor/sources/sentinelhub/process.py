"""One Process API request for one tile of one acquisition, and the decoding of its answer into bands.

The request goes through sentinelhub-py's own download client (rate limiting, 429 handling with the
configured cap, retries with back-off on 5xx, timeouts and cut bodies) with ``decode_data=False`` so that the
``x-processingunits-spent`` header can be read before the body is decoded. A token the service stops
accepting mid-run (401) is dropped with its session and the call is tried once more with a fresh one.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from sentinelhub.api.process import SentinelHubRequest
from sentinelhub.config import SHConfig
from sentinelhub.constants import CRS, MimeType
from sentinelhub.data_collections import DataCollection
from sentinelhub.download.models import DownloadResponse
from sentinelhub.exceptions import DownloadFailedException, SHRateLimitWarning
from sentinelhub.geometry import BBox

from monitor.errors import TransientError
from monitor.sources.sentinelhub.collections import SensorSpec
from monitor.sources.sentinelhub.errors import http_status
from monitor.sources.sentinelhub.pu import pu_from_headers
from monitor.sources.sentinelhub.session import SessionHolder
from monitor.sources.sentinelhub.tiles import Tile

__all__ = ("TileAnswer", "build_request", "decode_answer", "read_answer", "send", "with_reauth")

T = TypeVar("T")

log = logging.getLogger("monitor.sources.sentinelhub")


def _quietly(call: Callable[[], T]) -> T:
    # sentinelhub-py warns once per 429 on stderr; cron would mail each one. One log line says it instead.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SHRateLimitWarning)
        try:
            return call()
        finally:
            hits = sum(1 for w in caught if issubclass(w.category, SHRateLimitWarning))
            if hits:
                log.info("rate limited (429) %d time(s); the client waited and retried", hits)
            for w in caught:
                if not issubclass(w.category, SHRateLimitWarning):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def with_reauth(call: Callable[[], T], sessions: SessionHolder) -> T:
    """Run an API call; if the service rejects the token (401), drop the session and try once more.

    Rate-limit warnings of the client are turned into one log line.

    Args:
        call: The call (it gets its token from ``sessions``).
        sessions: The source's session.

    Returns:
        The call's result.
    """
    try:
        return _quietly(call)
    except DownloadFailedException as exc:
        if http_status(exc) != 401:
            raise
        sessions.drop()
        return _quietly(call)


def build_request(
    spec: SensorSpec,
    collection: DataCollection,
    window: tuple[dt.datetime, dt.datetime],
    tile: Tile,
    epsg: int,
    config: SHConfig,
) -> SentinelHubRequest:
    """The Process request for one tile of one acquisition.

    Args:
        spec: What to ask for.
        collection: The collection bound to the configured base URL.
        window: (start, end) around the acquisition; the most recent acquisition in it is rendered.
        tile: The tile (bounds in the grid's CRS, size in pixels).
        epsg: EPSG code of the grid's CRS.
        config: Client config.

    Returns:
        The request (not yet sent).
    """
    other = {"processing": spec.processing} if spec.processing else None
    return SentinelHubRequest(
        evalscript=spec.evalscript,
        input_data=[SentinelHubRequest.input_data(data_collection=collection, time_interval=window, other_args=other)],
        responses=[
            SentinelHubRequest.output_response(r, MimeType.JSON if r == "userdata" else MimeType.TIFF)
            for r in spec.responses
        ],
        bbox=BBox(tile.bounds, crs=CRS(epsg)),
        size=(tile.width, tile.height),
        config=config,
    )


@dataclass(frozen=True)
class TileAnswer:
    """The decoded answer for one tile."""

    bands: dict[str, NDArray[np.number]]
    pu_spent: float | None
    userdata: dict[str, Any]


def _as_bands(name: str, arr: Any, expect: tuple[str, ...], tile: Tile) -> dict[str, NDArray[np.number]]:
    if not isinstance(arr, np.ndarray):
        raise TransientError(f"Process answer: {name} is not an image")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    want = (tile.height, tile.width, len(expect))
    if arr.shape != want:
        raise TransientError(f"Process answer: {name} has shape {arr.shape}, expected {want}")
    return {band: arr[:, :, i] for i, band in enumerate(expect)}


def decode_answer(content: Any, spec: SensorSpec, tile: Tile) -> tuple[dict[str, NDArray[np.number]], dict[str, Any]]:
    """Map a decoded Process answer (one array, or a dict of tar members) to scene bands.

    Args:
        content: What ``DownloadResponse.decode()`` returned.
        spec: The request spec (which response holds which bands).
        tile: The tile (expected shape).

    Returns:
        (band name -> array, the ``userdata.json`` content or ``{}``).

    Raises:
        TransientError: The answer lacks a response or has the wrong shape.
    """
    if len(spec.responses) == 1:
        (only,) = spec.responses
        return _as_bands(only, content, spec.layout[only], tile), {}
    if not isinstance(content, dict):
        raise TransientError("Process answer: expected a tar of several responses")
    bands: dict[str, NDArray[np.number]] = {}
    for ident, names in spec.layout.items():
        member = f"{ident}.tif"
        if member not in content:
            raise TransientError(f"Process answer: the tar lacks {member}")
        bands |= _as_bands(member, content[member], names, tile)
    userdata = content.get("userdata.json", {})
    return bands, userdata if isinstance(userdata, dict) else {}


def send(request: SentinelHubRequest, sessions: SessionHolder) -> DownloadResponse:
    """Send one Process request; the body is not decoded yet.

    Args:
        request: From :func:`build_request`.
        sessions: The source's session (its config sets retries and timeouts).

    Returns:
        The raw response (headers carry the PU charged).
    """
    download = request.download_list[0]
    (response,) = with_reauth(
        lambda: sessions.client().download([download], max_threads=1, decode_data=False), sessions
    )
    assert isinstance(response, DownloadResponse)
    return response


def read_answer(response: DownloadResponse, spec: SensorSpec, tile: Tile) -> TileAnswer:
    """Decode a Process response into bands.

    Args:
        response: From :func:`send`.
        spec: The request spec.
        tile: The tile.

    Returns:
        The bands, the charged PU (None when the header is missing) and the userdata.

    Raises:
        TransientError: The body could not be decoded (for example cut short) or has the wrong shape.
    """
    try:
        content = response.decode()
    except Exception as exc:  # tifffile and tarfile raise many types on a damaged body
        raise TransientError(f"Process answer: unreadable body ({type(exc).__name__}); try again") from None
    bands, userdata = decode_answer(content, spec, tile)
    return TileAnswer(bands, pu_from_headers(response.headers), userdata)
