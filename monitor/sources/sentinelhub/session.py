"""OAuth sessions whose token requests time out, owned by the source instead of the client's global cache.

sentinelhub-py sends its token request without a timeout, so a token service that stops answering would hang
a cron run for ever (and keep the run lock). :class:`TimedSession` asks for tokens the same way but with
``download_timeout_seconds``, keeping the client's retries on 5xx and connection errors. The source hands its
session to every download client it builds, and drops it when the service stops accepting the token.
"""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session
from sentinelhub.config import SHConfig
from sentinelhub.constants import SHConstants
from sentinelhub.download.handlers import fail_user_errors, retry_temporary_errors
from sentinelhub.download.models import DownloadRequest
from sentinelhub.download.sentinelhub_client import SentinelHubDownloadClient
from sentinelhub.download.session import SentinelHubSession

__all__ = ("SessionHolder", "TimedSession")


class TimedSession(SentinelHubSession):
    """A Sentinel Hub session whose token requests honour the configured timeout."""

    @retry_temporary_errors
    @fail_user_errors
    def _fetch_token(self, request: DownloadRequest) -> Any:
        client = BackendApplicationClient(client_id=self.config.sh_client_id)
        with OAuth2Session(client=client) as oauth:
            oauth.register_compliance_hook("access_token_response", self._compliance_hook)
            return oauth.fetch_token(
                token_url=request.url,
                client_id=self.config.sh_client_id,
                client_secret=self.config.sh_client_secret,
                headers={**self.DEFAULT_HEADERS, **SHConstants.HEADERS},
                include_client_id=True,
                timeout=self.config.download_timeout_seconds,
            )


class SessionHolder:
    """The source's one session, created on first use (which fetches the first token).

    Args:
        config: Client config with credentials, token URL and timeout.
    """

    def __init__(self, config: SHConfig) -> None:
        self.config = config
        self._session: TimedSession | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the session (a worker process fetches its own token)."""
        return {"config": self.config, "_session": None}

    def client(self) -> SentinelHubDownloadClient:
        """A download client using this session.

        Returns:
            The client (rate limiting and retries from the config).
        """
        if self._session is None:
            self._session = TimedSession(config=self.config)
        return SentinelHubDownloadClient(config=self.config, session=self._session)

    def drop(self) -> None:
        """Forget the session, so the next call fetches a new token."""
        self._session = None
