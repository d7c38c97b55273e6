"""Endpoints, credentials and the ``SHConfig`` of the ``sentinelhub`` source.

Precedence: ``SH_BASE_URL``/``SH_TOKEN_URL`` > ``source.base_url``/``source.token_url`` > ``source.preset``
(the loader has already folded the environment into the source config). Credentials come from
``SH_CLIENT_ID``/``SH_CLIENT_SECRET``, else from the SHConfig profile ``source.profile``; they are held in a
:class:`Credentials` object whose ``repr`` masks them, and every message that leaves this package goes
through :func:`redact`.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sentinelhub.config import SHConfig

from monitor.config.models import SourceConfig
from monitor.errors import ConfigError, UnavailableError

__all__ = (
    "PRESETS",
    "Credentials",
    "Endpoints",
    "check_url",
    "is_loopback",
    "load_credentials",
    "make_shconfig",
    "redact",
    "resolve_endpoints",
)

PRESETS: dict[str, tuple[str, str]] = {
    "sentinelhub": (
        "https://services.sentinel-hub.com",
        "https://services.sentinel-hub.com/auth/realms/main/protocol/openid-connect/token",
    ),
    "cdse": (
        "https://sh.dataspace.copernicus.eu",
        "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token",
    ),
}


def is_loopback(host: str | None) -> bool:
    """Whether a host name or address is this machine (127.0.0.0/8, ::1 or ``localhost``).

    Args:
        host: Host part of a URL.

    Returns:
        True for loopback hosts.
    """
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Endpoints:
    """Where the API and the token service live."""

    base_url: str
    token_url: str

    @property
    def loopback(self) -> bool:
        """Both URLs point at this machine (an emulator)."""
        return is_loopback(urlsplit(self.base_url).hostname) and is_loopback(urlsplit(self.token_url).hostname)


def check_url(field: str, url: str, where: str) -> str:
    """An http(s) URL without its trailing slash; plain http only to a loopback host.

    Args:
        field: The field under ``source.`` the URL comes from, for messages.
        url: The URL.
        where: Config file path, for messages.

    Returns:
        The URL.

    Raises:
        ConfigError: Not an http(s) URL, or plain http to a host other than loopback.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: source.{field}: not an http(s) URL (got {url!r})")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(
            f"{where}: source.{field}: plain http is only allowed for a loopback emulator, use https (got {url!r})"
        )
    return url.rstrip("/")


def resolve_endpoints(src: SourceConfig, where: str) -> Endpoints:
    """The base and token URLs after applying the preset and the overrides.

    Args:
        src: The source config (environment already applied by the loader).
        where: Config file path, for messages.

    Returns:
        The endpoints.

    Raises:
        ConfigError: A URL is malformed, or plain http to a host other than loopback.
    """
    base, token = PRESETS[src.preset]
    base = check_url("base_url", src.base_url or base, where)
    token = check_url("token_url", src.token_url or token, where)
    return Endpoints(base, token)


@dataclass(frozen=True)
class Credentials:
    """An OAuth client id and secret; ``repr`` and ``str`` never show them."""

    client_id: str
    client_secret: str
    origin: str

    def __repr__(self) -> str:
        return f"Credentials(origin={self.origin!r}, client_id=***, client_secret=***)"

    __str__ = __repr__


def load_credentials(src: SourceConfig, env: Mapping[str, str], where: str) -> Credentials:
    """Credentials from ``SH_CLIENT_ID``/``SH_CLIENT_SECRET``, else from the profile ``source.profile``.

    The SHConfig file is only read when a profile is named, and never created (``SHConfig()`` would write
    one as a side effect).

    Args:
        src: The source config.
        env: The environment.
        where: Config file path, for messages.

    Returns:
        The credentials.

    Raises:
        UnavailableError: No credentials are configured (exit 69).
        ConfigError: The named profile does not exist.
    """
    cid, secret = env.get("SH_CLIENT_ID", ""), env.get("SH_CLIENT_SECRET", "")
    if cid and secret:
        return Credentials(cid, secret, "environment")
    if cid or secret:
        missing = "SH_CLIENT_SECRET" if cid else "SH_CLIENT_ID"
        raise UnavailableError(f"Sentinel Hub credentials: {missing} is not set (set both, or neither and a profile)")
    if src.profile:
        location = Path(SHConfig.get_config_location())
        if not location.exists():
            raise ConfigError(f"{where}: source.profile: no SHConfig file at {location} (got {src.profile!r})")
        try:
            loaded = SHConfig.load(profile=src.profile)
        except KeyError:
            raise ConfigError(f"{where}: source.profile: no such profile in {location} (got {src.profile!r})") from None
        if loaded.sh_client_id and loaded.sh_client_secret:
            return Credentials(loaded.sh_client_id, loaded.sh_client_secret, f"profile {src.profile}")
        raise UnavailableError(f"Sentinel Hub credentials: profile {src.profile!r} in {location} lacks id or secret")
    raise UnavailableError(
        "Sentinel Hub credentials: none found; set SH_CLIENT_ID and SH_CLIENT_SECRET, or source.profile"
    )


def make_shconfig(endpoints: Endpoints, creds: Credentials, src: SourceConfig) -> SHConfig:
    """The sentinelhub-py config: endpoints, credentials and bounded retries.

    ``max_retries`` is always set because the client otherwise retries 429 answers forever. For a loopback
    emulator on plain http, ``OAUTHLIB_INSECURE_TRANSPORT`` is switched on (``check_url`` refused plain http
    anywhere else). The OAuth libraries' debug logging, which prints the secret, is capped at INFO.

    Args:
        endpoints: Base and token URLs.
        creds: Credentials.
        src: Source config (timeouts and retries).

    Returns:
        A config that never reads or writes the user's SHConfig file.
    """
    if urlsplit(endpoints.token_url).scheme == "http":
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    # requests-oauthlib logs the token request body (with the client secret) and the token at DEBUG level.
    for name in ("requests_oauthlib", "oauthlib"):
        quiet = logging.getLogger(name)
        quiet.setLevel(max(quiet.level, logging.INFO))
    return SHConfig(
        use_defaults=True,
        sh_client_id=creds.client_id,
        sh_client_secret=creds.client_secret,
        sh_base_url=endpoints.base_url,
        sh_token_url=endpoints.token_url,
        download_timeout_seconds=src.timeout_s,
        max_download_attempts=src.max_attempts,
        download_sleep_time=src.retry_sleep_s,
        max_retries=src.max_rate_limit_retries,
    )


def redact(text: str, creds: Credentials | None) -> str:
    """Remove credentials from a message and fold it onto one line.

    Args:
        text: Any message (an exception text, a server response).
        creds: The credentials in use, if any.

    Returns:
        The message with the id and secret replaced by ``***``, whitespace runs collapsed.
    """
    if creds is not None:
        for value in (creds.client_secret, creds.client_id):
            if value:
                text = text.replace(value, "***")
    return " ".join(text.split())
