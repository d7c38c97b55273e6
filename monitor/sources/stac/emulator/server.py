"""The STAC emulator's HTTP server: the API under ``/stac``, COG assets with Range support, SAS tokens, faults.

It binds to loopback only. Assets of the Sentinel-1 collection need a ``?`` SAS token from
``/sas/token/<collection>``; a token the ``expire`` fault has revoked gets 403, as an expired signature does.
Every answer is logged as a :class:`Hit` with the body bytes sent, which is how bytes and range requests per
scene are measured.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from monitor.sources.emulation import LoopbackServer, check_loopback, write_reply
from monitor.sources.sentinelhub.emulator.catalog import ApiError
from monitor.sources.sentinelhub.emulator.faults import FaultPlan
from monitor.sources.stac.emulator.api import collection_doc, landing, search
from monitor.sources.stac.emulator.archive import StacArchive

__all__ = ("API_PATH", "TOKEN_PATH", "Hit", "StacEmulator")

log = logging.getLogger("monitor.emulator")

API_PATH = "/stac"
TOKEN_PATH = "/sas/token"
_SIGNED = ("sentinel-1-rtc",)
_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


@dataclass(frozen=True)
class Hit:
    """One answered request."""

    method: str
    path: str
    status: int
    sent: int


def _get_body(query: str) -> dict[str, Any]:
    raw = {k: v[-1] for k, v in parse_qs(query).items()}
    body: dict[str, Any] = dict(raw)
    for key in ("collections", "ids"):
        if key in raw:
            body[key] = raw[key].split(",")
    if "bbox" in raw:
        body["bbox"] = [float(v) for v in raw["bbox"].split(",")]
    if "query" in raw:
        body["query"] = json.loads(raw["query"])
    return body


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's access log."""

    def _send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None, cut: bool = False
    ) -> None:
        sent = write_reply(self, status, body, ctype, extra, cut)
        emu = self.server.emulator
        with emu.lock:
            emu.hits.append(Hit(self.command, urlsplit(self.path).path, status, sent))
        log.info("%s %s -> %d (%d bytes)", self.command, urlsplit(self.path).path, status, sent)

    def _json(self, status: int, data: object) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def do_GET(self) -> None:
        """Landing page, collections, search, assets and tokens."""
        self._serve(None)

    def do_HEAD(self) -> None:
        """Asset sizes (GDAL does not ask, with ``CPL_VSIL_CURL_USE_HEAD=NO``)."""
        self._serve(None)

    def do_POST(self) -> None:
        """Search."""
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            return self._json(400, {"code": "BadRequest", "description": "the body is not JSON"})
        return self._serve(body if isinstance(body, dict) else {})

    def _serve(self, body: dict[str, Any] | None) -> None:
        emu = self.server.emulator
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/")
        try:
            if path.startswith("/assets/"):
                return self._asset(path, parts.query)
            if path.startswith(TOKEN_PATH + "/"):
                return self._token(path.rsplit("/", 1)[1])
            if path in (API_PATH, ""):
                return self._json(200, landing(emu.base_url + API_PATH))
            if path.startswith(API_PATH + "/collections/"):
                return self._json(200, collection_doc(emu.base_url + API_PATH, path.rsplit("/", 1)[1]))
            if path == API_PATH + "/search":
                fault = emu.faults.take(("503", "slow"), "search")
                if fault == "503":
                    return self._json(503, {"code": "ServiceUnavailable", "description": "injected fault"})
                if fault == "slow":
                    time.sleep(emu.faults.slow_seconds)
                query = body if body is not None else _get_body(parts.query)
                return self._json(200, search(query, emu.archive, emu.base_url + API_PATH, self.command))
            return self._json(404, {"code": "NotFound", "description": path})
        except ApiError as exc:
            return self._json(exc.status, {"code": exc.code, "description": str(exc)})
        except (BrokenPipeError, ConnectionResetError):
            log.info("%s %s: the client went away", self.command, path)

    def _token(self, collection: str) -> None:
        emu = self.server.emulator
        token = f"st=now&se=later&sp=rl&sv=2021-06-08&sr=c&sig={secrets.token_urlsafe(16)}"
        with emu.lock:
            emu.tokens.add(token.rsplit("=", 1)[1])
        expiry = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=45)
        return self._json(200, {"msft:expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"), "token": token})

    def _asset(self, path: str, query: str) -> None:
        emu = self.server.emulator
        _, _, collection, item_id, name = path.split("/", 4)
        if collection in _SIGNED:
            sig = (parse_qs(query).get("sig") or [""])[0]
            if emu.faults.take(("expire",), "asset"):
                with emu.lock:
                    emu.tokens.clear()
            with emu.lock:
                signed = sig in emu.tokens
            if not signed:
                return self._send(403, b"<Error><Code>AuthenticationFailed</Code></Error>", "application/xml")
        fault = emu.faults.take(("404", "503", "cut"), "asset")
        data = None if fault == "404" else emu.archive.cog(item_id, name.removesuffix(".tif"))
        if data is None:
            return self._send(404, b"<Error><Code>BlobNotFound</Code></Error>", "application/xml")
        if fault == "503":
            return self._send(503, b"<Error><Code>ServerBusy</Code></Error>", "application/xml")
        found = _RANGE.match(self.headers.get("Range", ""))
        if not found:
            return self._send(200, data, "image/tiff", {"Accept-Ranges": "bytes"}, cut=fault == "cut")
        start = int(found.group(1))
        end = min(int(found.group(2)) if found.group(2) else len(data) - 1, len(data) - 1)
        if start >= len(data):
            return self._send(416, b"", "image/tiff", {"Content-Range": f"bytes */{len(data)}"})
        extra = {"Content-Range": f"bytes {start}-{end}/{len(data)}", "Accept-Ranges": "bytes"}
        return self._send(206, data[start : end + 1], "image/tiff", extra, cut=fault == "cut")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: StacEmulator


class StacEmulator(LoopbackServer):
    """A loopback STAC API and COG file server over the synthetic scenario.

    Args:
        archive: The items and COGs to serve.
        faults: Faults to inject (kinds from :data:`~monitor.sources.stac.emulator.faults.STAC_FAULT_HELP`).
        host: Loopback address.
        port: Port (0: a free one).

    Raises:
        UsageError: ``host`` is not a loopback address.
    """

    def __init__(
        self, archive: StacArchive, faults: FaultPlan | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        check_loopback(host)
        self.archive = archive
        self.faults = faults or FaultPlan()
        self.tokens: set[str] = set()
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        server = _Server((host, port), _Handler)
        server.emulator = self
        self._serve_with(server, "stac-emulator")

    @property
    def api_url(self) -> str:
        """The STAC API root: the value for ``MONITOR_STAC_S2_URL`` and ``MONITOR_STAC_S1_URL``."""
        return self.base_url + API_PATH

    @property
    def token_url(self) -> str:
        """The SAS token endpoint: the value for ``MONITOR_STAC_S1_TOKEN_URL``."""
        return self.base_url + TOKEN_PATH

    def asset_hits(self, status: int | None = None) -> list[Hit]:
        """The asset requests answered so far.

        Args:
            status: Only this status.

        Returns:
            The hits.
        """
        with self.lock:
            return [h for h in self.hits if h.path.startswith("/assets/") and (status is None or h.status == status)]

    def count(self, path_part: str, status: int | None = None) -> int:
        """How many answered requests hit a path (optionally with one status).

        Args:
            path_part: Substring of the path.
            status: Only count this status.

        Returns:
            The number.
        """
        with self.lock:
            return sum(1 for h in self.hits if path_part in h.path and (status is None or h.status == status))
