"""The emulator's HTTP server: routing, bearer checks, fault injection, PU header, request log.

It binds to loopback only and speaks HTTP/1.0 (one request per connection), which keeps truncated bodies and
slow answers simple to emulate. Each request is logged on one line (method, path, status, PU); request
bodies are never logged, since token requests carry the client secret.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from monitor.sources.emulation import LoopbackServer, check_loopback, write_reply
from monitor.sources.sentinelhub.emulator.auth import TokenBook
from monitor.sources.sentinelhub.emulator.catalog import COLLECTIONS, ApiError, search
from monitor.sources.sentinelhub.emulator.faults import API_FAULTS, PROCESS_FAULTS, FaultPlan
from monitor.sources.sentinelhub.emulator.library import SceneLibrary
from monitor.sources.sentinelhub.emulator.process import process

__all__ = ("TOKEN_PATH", "Emulator", "Hit")

log = logging.getLogger("monitor.emulator")

TOKEN_PATH = "/auth/realms/main/protocol/openid-connect/token"
_CATALOG = "/api/v1/catalog/1.0.0"
_UNAUTHORIZED = {
    "status": 401,
    "reason": "Unauthorized",
    "message": "Not authorized: the access token is missing, expired or revoked.",
    "code": "COMMON_UNAUTHORIZED",
}


@dataclass(frozen=True)
class Hit:
    """One request the emulator answered (for tests and the log)."""

    method: str
    path: str
    status: int
    host: str
    pu: float | None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's access log (the emulator logs its own lines)."""

    def _reply(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None, cut: bool = False
    ) -> None:
        write_reply(self, status, body, ctype, extra, cut)

    def _json(self, status: int, data: object, extra: dict[str, str] | None = None) -> None:
        self._reply(status, json.dumps(data).encode(), "application/json", extra)

    def _record(self, status: int, pu: float | None = None) -> None:
        emu = self.server.emulator
        hit = Hit(self.command, self.path, status, self.headers.get("Host", ""), pu)
        with emu.lock:
            emu.hits.append(hit)
        log.info("%s %s -> %d%s", self.command, self.path, status, f" ({pu:g} PU)" if pu is not None else "")

    def do_GET(self) -> None:
        """Catalog landing page and collection list."""
        emu = self.server.emulator
        path = self.path.split("?")[0].rstrip("/")
        if not emu.tokens.check(self.headers.get("Authorization")) and path != _CATALOG:
            self._record(401)
            return self._json(401, _UNAUTHORIZED)
        if path == _CATALOG:
            self._record(200)
            return self._json(200, {"id": "emulator", "title": "monitor Sentinel Hub emulator", "links": []})
        if path == f"{_CATALOG}/collections":
            self._record(200)
            return self._json(200, {"collections": [{"id": c, "type": "Collection"} for c in COLLECTIONS]})
        self._record(404)
        return self._json(404, {"error": {"status": 404, "reason": "Not Found", "message": path, "code": "NOT_FOUND"}})

    def do_POST(self) -> None:
        """Token, Catalog search and Process."""
        emu = self.server.emulator
        with emu.lock:
            emu.in_flight += 1
        try:
            self._post()
        except (BrokenPipeError, ConnectionResetError):
            log.info("%s %s: the client went away before the answer was sent", self.command, self.path)
        finally:
            with emu.lock:
                emu.in_flight -= 1

    def _post(self) -> None:
        emu = self.server.emulator
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0]
        if path.endswith("/protocol/openid-connect/token") or path == "/oauth/token":
            token_fault = emu.faults.take(("slow", "503"), "token")
            if token_fault == "503":
                self._record(503)
                return self._json(503, {"status": 503, "reason": "Service Unavailable"})
            if token_fault == "slow":
                time.sleep(emu.faults.slow_seconds)
            granted = emu.tokens.grant(raw, reject=emu.faults.take(("bad-credentials",)) is not None)
            self._record(granted.status)
            return self._json(granted.status, granted.body)
        if path not in (f"{_CATALOG}/search", "/api/v1/process"):
            self._record(404)
            return self._json(404, {"error": {"status": 404, "reason": "Not Found", "message": path}})
        if not emu.tokens.check(self.headers.get("Authorization")):
            self._record(401)
            return self._json(401, _UNAUTHORIZED)
        if emu.faults.count_api_call():
            emu.tokens.revoke_all()
        is_process = path == "/api/v1/process"
        endpoint = "process" if is_process else "catalog"
        fault = emu.faults.take(API_FAULTS + (PROCESS_FAULTS if is_process else ()), endpoint)
        if fault == "429":
            self._record(429)
            return self._json(
                429,
                {"status": 429, "reason": "Too Many Requests", "code": "RATE_LIMIT_EXCEEDED"},
                {"Retry-After": str(emu.faults.retry_after_ms)},
            )
        if fault == "503":
            self._record(503)
            return self._json(503, {"status": 503, "reason": "Service Unavailable", "code": "SERVICE_UNAVAILABLE"})
        if fault == "evalscript":
            self._record(400)
            err = ApiError(400, "RENDERER_EXCEPTION", "Failed to evaluate script! (injected fault)")
            return self._json(400, err.body())
        if fault == "slow":
            time.sleep(emu.faults.slow_seconds)
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ApiError(400, "COMMON_BAD_PAYLOAD", "the request body must be a JSON object")
            if not is_process:
                data = search(body, emu.library)
                self._record(200)
                return self._json(200, data)
            reply = process(body, self.headers.get("Accept", ""), emu.library)
        except json.JSONDecodeError:
            self._record(400)
            return self._json(400, ApiError(400, "COMMON_BAD_PAYLOAD", "the body is not JSON").body())
        except ApiError as exc:
            self._record(exc.status)
            return self._json(exc.status, exc.body())
        payload = reply.body
        if fault == "corrupt":
            payload = payload[: len(payload) // 2]
        self._record(200, reply.pu)
        pu_header = {"x-processingunits-spent": f"{reply.pu:g}"}
        return self._reply(200, payload, reply.content_type, pu_header, cut=fault == "truncate")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: Emulator


class Emulator(LoopbackServer):
    """A local Sentinel Hub API (token, Catalog, Process) over the synthetic scenes (``base_url``: ``SH_BASE_URL``).

    Args:
        library: The scenes to serve.
        faults: Faults to inject.
        tokens: Token service (accepted credentials, token lifetime).
        host: Loopback address to bind.
        port: Port (0 picks a free one).

    Raises:
        UsageError: ``host`` is not a loopback address.
    """

    def __init__(
        self,
        library: SceneLibrary,
        faults: FaultPlan | None = None,
        tokens: TokenBook | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        check_loopback(host)
        self.library = library
        self.faults = faults or FaultPlan()
        self.tokens = tokens or TokenBook()
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.lock = threading.Lock()
        server = _Server((host, port), _Handler)
        server.emulator = self
        self._serve_with(server, "sh-emulator")

    @property
    def token_url(self) -> str:
        """The value for ``SH_TOKEN_URL``."""
        return self.base_url + TOKEN_PATH

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no request is being answered (a slow answer may outlive the client that gave up on it).

        Args:
            timeout: Longest wait in seconds.

        Returns:
            True when idle, False on timeout.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.in_flight == 0:
                    return True
            time.sleep(0.02)
        return False

    def count(self, path_part: str, status: int | None = None) -> int:
        """How many answered requests hit a path (optionally with one status).

        Args:
            path_part: Substring of the path, e.g. ``/process``.
            status: Only count this status.

        Returns:
            The number of requests.
        """
        with self.lock:
            return sum(1 for h in self.hits if path_part in h.path and (status is None or h.status == status))
