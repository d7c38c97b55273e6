"""What the local emulators of remote services share: a threaded HTTP server on loopback, run from a thread.

The Sentinel Hub emulator and the STAC emulator both build on :class:`LoopbackServer`, so tests and users can
start, address and stop either the same way.
"""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Self

from monitor.errors import UsageError
from monitor.sources.sentinelhub.settings import is_loopback

__all__ = ("LoopbackServer", "check_loopback")


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
