"""Short-lived SAS signatures for asset hrefs, as Planetary Computer hands them out without an account.

``GET <token_url>/<collection>`` answers ``{"token": "<query string>", "msft:expiry": "<ISO time>"}``; the token
is appended to each asset href as its query string. A token is reused until shortly before its expiry, and
dropped when a read is refused with 403 (an expired or revoked signature), so the next read asks for a new one.
Signed hrefs never leave this process: provenance keeps the unsigned href.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from monitor.config.models import SourceConfig
from monitor.errors import TransientError
from monitor.sources.stac.settings import guard_href, http_retry

__all__ = ("TokenSigner",)

_MARGIN = dt.timedelta(minutes=2)


class TokenSigner:
    """Signs hrefs with a token for one collection.

    Args:
        token_url: The token endpoint (the collection id is appended).
        collection: Collection id.
        src: Source config (timeout and retries of the token request).
    """

    def __init__(self, token_url: str, collection: str, src: SourceConfig) -> None:
        self.url = f"{token_url.rstrip('/')}/{collection}"
        self.src = src
        self._token: str | None = None
        self._expiry: dt.datetime | None = None
        self._lock = threading.Lock()
        self.fetched = 0

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the token or the lock (a worker asks for its own token)."""
        return {"url": self.url, "src": self.src, "_token": None, "_expiry": None, "fetched": 0}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore, with a fresh lock."""
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _fetch(self) -> tuple[str, dt.datetime | None]:
        guard_href(self.url, "the SAS token endpoint")
        session = requests.Session()
        session.mount("http://", HTTPAdapter(max_retries=http_retry(self.src)))
        session.mount("https://", HTTPAdapter(max_retries=http_retry(self.src)))
        try:
            resp = session.get(self.url, timeout=self.src.timeout_s)
            resp.raise_for_status()
            body = resp.json()
            token = str(body["token"]).lstrip("?")
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise TransientError(
                f"SAS token from {self.url}: no usable answer after source.max_attempts tries ({type(exc).__name__})"
            ) from None
        finally:
            session.close()
        expiry = body.get("msft:expiry")
        try:
            when = dt.datetime.fromisoformat(str(expiry).replace("Z", "+00:00")) if expiry else None
        except ValueError:
            when = None
        self.fetched += 1
        return token, when

    def token(self) -> str:
        """The current token, fetched when there is none or it is about to expire.

        Returns:
            The query string to append.
        """
        with self._lock:
            now = dt.datetime.now(dt.UTC)
            if self._token is None or (self._expiry is not None and self._expiry - _MARGIN <= now):
                self._token, self._expiry = self._fetch()
            return self._token

    def sign(self, href: str) -> str:
        """An href with the current token as its query string.

        Args:
            href: The unsigned href.

        Returns:
            The signed href.
        """
        return f"{href}{'&' if '?' in href else '?'}{self.token()}"

    def drop(self) -> None:
        """Forget the token (the service refused it); the next :meth:`sign` fetches a new one."""
        with self._lock:
            self._token = None
            self._expiry = None
