"""Where the ``stac`` source searches and reads: presets, overrides, the loopback guard and GDAL's settings.

Precedence per sensor: ``MONITOR_STAC_S2_URL`` / ``MONITOR_STAC_S1_URL`` (and ``MONITOR_STAC_S1_TOKEN_URL``) >
``source.stac.<s2|s1>.url`` / ``.collection`` / ``.token_url`` > the preset (the loader has already folded the
environment into the config). The preset's token URL is only used with the preset's API: pointing the API
elsewhere without a token URL means unsigned hrefs, so a test never reaches the public token service.

With ``MONITOR_LOOPBACK_ONLY=1`` (the test suite sets it) every URL the source would open, API roots, token
endpoints and asset hrefs alike, must name a loopback host. GDAL's HTTP reads go through libcurl, which no
Python-level socket guard sees, so this check is what keeps a mis-pointed test off the public services.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from urllib3.util.retry import Retry

from monitor.config.models import SensorName, SourceConfig
from monitor.errors import ConfigError
from monitor.sources.sentinelhub.settings import check_url, is_loopback

__all__ = ("LOOPBACK_ENV", "PRESETS", "StacEndpoint", "gdal_options", "guard_href", "http_retry", "resolve_stac")

LOOPBACK_ENV = "MONITOR_LOOPBACK_ONLY"

PRESETS: dict[SensorName, tuple[str, str, str | None]] = {
    "sentinel-2-l2a": ("https://earth-search.aws.element84.com/v1", "sentinel-2-c1-l2a", None),
    "sentinel-1-grd": (
        "https://planetarycomputer.microsoft.com/api/stac/v1",
        "sentinel-1-rtc",
        "https://planetarycomputer.microsoft.com/api/sas/v1/token",
    ),
}
_KEYS: dict[SensorName, str] = {"sentinel-2-l2a": "s2", "sentinel-1-grd": "s1"}


@dataclass(frozen=True)
class StacEndpoint:
    """One sensor's API root, collection and (for signed hrefs) token endpoint."""

    sensor: SensorName
    url: str
    collection: str
    token_url: str | None


def guard_href(href: str, what: str, env: Mapping[str, str] | None = None) -> str:
    """Refuse a non-loopback URL while ``MONITOR_LOOPBACK_ONLY`` is set.

    Args:
        href: The URL about to be opened.
        what: What it is, for the message (e.g. ``asset B04 of item X``).
        env: Environment (default ``os.environ``).

    Returns:
        ``href`` unchanged.

    Raises:
        ConfigError: The guard is on and the host is not loopback.
    """
    env = os.environ if env is None else env
    if env.get(LOOPBACK_ENV, "") not in ("", "0") and not is_loopback(urlsplit(href).hostname):
        host = urlsplit(href).hostname or href
        raise ConfigError(f"{LOOPBACK_ENV} is set: {what} points at {host!r}, only loopback hosts may be reached")
    return href


def resolve_stac(src: SourceConfig, sensor: SensorName, where: str) -> StacEndpoint:
    """The API, collection and token URL for one sensor after presets and overrides.

    Args:
        src: The source config (environment already applied).
        sensor: Sensor name.
        where: Config file path, for messages.

    Returns:
        The endpoint.

    Raises:
        ConfigError: A URL is malformed, plain http to a remote host, or remote under the loopback guard.
    """
    key = _KEYS[sensor]
    cfg = src.stac.s2 if key == "s2" else src.stac.s1
    url, collection, token = PRESETS[sensor]
    if cfg.url and cfg.url.rstrip("/") != url:
        token = None
    url = check_url(f"stac.{key}.url", cfg.url or url, where)
    token = cfg.token_url or token
    if token is not None:
        token = guard_href(check_url(f"stac.{key}.token_url", token, where), f"{where}: source.stac.{key}.token_url")
    guard_href(url, f"{where}: source.stac.{key}.url (or MONITOR_STAC_{key.upper()}_URL)")
    return StacEndpoint(sensor, url, cfg.collection or collection, token)


def http_retry(src: SourceConfig) -> Retry:
    """The retry policy of the source's HTTP calls (search, token): 5xx, 429, timeouts, POST included.

    Args:
        src: The source config (``max_attempts``, ``retry_sleep_s``).

    Returns:
        A urllib3 retry that backs off from ``retry_sleep_s`` and leaves the last answer to the caller.
    """
    again = src.max_attempts - 1
    return Retry(
        total=again,
        connect=again,
        read=again,
        status=again,
        backoff_factor=src.retry_sleep_s,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=None,
        raise_on_status=False,
        respect_retry_after_header=True,
    )


def gdal_options(src: SourceConfig) -> dict[str, str | int | float | bool]:
    """GDAL configuration for the COG reads of one run: bounded in time, no directory listings.

    Args:
        src: The source config (``timeout_s``, ``max_attempts``, ``retry_sleep_s``).

    Returns:
        Options for ``rasterio.Env``.
    """
    timeout = max(1, round(src.timeout_s))
    return {
        # Never list the folder of a COG (one request each, and S3 folders hold thousands of files).
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.TIF,.tiff",
        "GDAL_INGESTED_BYTES_AT_OPEN": 16384,
        "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
        # Parallel single-range requests: S3 and Azure Blob answer a multi-range request with the whole file.
        "GDAL_HTTP_MULTIRANGE": "YES",
        "GDAL_HTTP_TIMEOUT": timeout,
        "GDAL_HTTP_CONNECTTIMEOUT": min(timeout, 30),
        # A transfer slower than 1 kB/s for the timeout is abandoned: a stalled server cannot hang cron.
        "GDAL_HTTP_LOW_SPEED_LIMIT": 1024,
        "GDAL_HTTP_LOW_SPEED_TIME": timeout,
        "GDAL_HTTP_MAX_RETRY": max(0, src.max_attempts - 1),
        "GDAL_HTTP_RETRY_DELAY": max(src.retry_sleep_s, 0.01),
        "VSI_CACHE": True,
        "VSI_CACHE_SIZE": 64 * 1024 * 1024,
        "GDAL_HTTP_USERAGENT": "monitor-stac/0.1",
    }
