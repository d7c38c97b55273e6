"""What the local emulators of remote services share: a threaded HTTP server on loopback, run from a thread.

The Sentinel Hub emulator and the STAC emulator both build on :class:`LoopbackServer`, so tests and users can
start, address and stop either the same way.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from monitor.errors import UsageError
from monitor.sources.sentinelhub.settings import is_loopback

__all__ = ("LoopbackServer", "check_loopback", "write_reply")


def check_loopback(host: str) -> str:
    """Refuse to listen anywhere but on this machine.

    Args:
        host: The address to bind.

    Returns:
        ``host``.

    Raises:
        UsageError: ``host`` is not a loopback address.
    """
    if not is_loopback(host):
        raise UsageError(f"--host: the emulator only listens on loopback addresses (got {host!r})")
    return host


def write_reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    ctype: str,
    extra: dict[str, str] | None = None,
    cut: bool = False,
) -> int:
    """Answer a request with a full ``Content-Length``, or with half the body when a fault cuts it.

    A cut answer also closes the connection, so an HTTP/1.1 client sees the short body as a broken transfer
    rather than waiting for the rest. A HEAD request gets the headers only.

    Args:
        handler: The request's handler.
        status: HTTP status.
        body: The whole body (its length is announced even when it is cut).
        ctype: Content type.
        extra: More headers.
        cut: Send only the first half of the body, then close.

    Returns:
        The bytes of body sent.
    """
    handler.send_response(status)
    handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (extra or {}).items():
        handler.send_header(key, value)
    if cut:
        handler.send_header("Connection", "close")
        handler.close_connection = True
    handler.end_headers()
    sent = b"" if handler.command == "HEAD" else body[: len(body) // 2] if cut else body
    handler.wfile.write(sent)
    handler.wfile.flush()
    return len(sent)


class LoopbackServer:
    """Start, stop and address an HTTP server bound to loopback.

    Subclasses create ``self._server`` (after :func:`check_loopback`) and call :meth:`_serve_with` first.
    """

    _server: ThreadingHTTPServer
    _thread: threading.Thread | None
    _thread_name: str

    def _serve_with(self, server: ThreadingHTTPServer, thread_name: str) -> None:
        self._server = server
        self._thread = None
        self._thread_name = thread_name

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` (or Ctrl-C)."""
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> Self:
        """Serve from a daemon thread.

        Returns:
            self, for chaining.
        """
        self._thread = threading.Thread(target=self.serve_forever, name=self._thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
