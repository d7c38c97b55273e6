"""Turn sentinelhub-py, requests and oauthlib failures into the monitor's one-line errors and exit codes.

Transient conditions (5xx after the client's retries, timeouts, cut connections, 429 beyond the retry cap)
become :class:`~monitor.errors.TransientError` (75); rejected credentials become
:class:`~monitor.errors.UnavailableError` (69); a request the service refuses as malformed (400, 404, 422)
becomes :class:`~monitor.errors.ConfigError` (78). Every message goes through :func:`redact`.
"""

from __future__ import annotations

import json

import requests
from oauthlib.oauth2.rfc6749.errors import InsecureTransportError, OAuth2Error
from sentinelhub.exceptions import DownloadFailedException, OutOfRequestsException

from monitor.errors import ConfigError, MonitorError, TransientError, UnavailableError
from monitor.sources.sentinelhub.settings import Credentials, redact

__all__ = ("http_status", "translate")

_MAX_DETAIL = 300


def http_status(exc: BaseException) -> int | None:
    """The HTTP status behind a failed download, if there was an answer.

    Args:
        exc: An exception raised by the client.

    Returns:
        The status code, or None for connection-level failures.
    """
    inner = exc.request_exception if isinstance(exc, DownloadFailedException) else exc
    response = getattr(inner, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _server_detail(exc: BaseException) -> str:
    inner = exc.request_exception if isinstance(exc, DownloadFailedException) else exc
    response = getattr(inner, "response", None)
    if response is None:
        return type(inner).__name__ if inner is not None else type(exc).__name__
    try:
        body = response.json()
    except (ValueError, requests.RequestException):
        return (response.text or "")[:_MAX_DETAIL]
    err = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(err, dict):
        parts = [str(err[k]) for k in ("code", "message", "error", "error_description") if err.get(k)]
        return ": ".join(parts)[:_MAX_DETAIL]
    return json.dumps(err)[:_MAX_DETAIL]


def translate(exc: BaseException, what: str, url: str, creds: Credentials | None) -> MonitorError:
    """The monitor error for a failure of one API call.

    Args:
        exc: What the client raised.
        what: The call, e.g. ``Process request for dunai_S2L2A_20241017T015030``.
        url: The endpoint called (no credentials in it).
        creds: Credentials to redact from the message.

    Returns:
        The error to raise (``raise translate(...) from None``).
    """
    if isinstance(exc, MonitorError):
        return exc
    if isinstance(exc, OutOfRequestsException):
        msg = f"{what}: {url} kept answering 429 (rate limited) up to source.max_rate_limit_retries; try later"
        return TransientError(redact(msg, creds))
    if isinstance(exc, InsecureTransportError):
        return ConfigError(redact(f"{what}: token URL must be https unless it is a loopback emulator", creds))
    if isinstance(exc, OAuth2Error):
        msg = f"{what}: the token service refused the credentials ({exc.error}); check SH_CLIENT_ID/SH_CLIENT_SECRET"
        return UnavailableError(redact(msg, creds))
    status = http_status(exc)
    detail = _server_detail(exc)
    if status is None:
        if isinstance(exc, DownloadFailedException | requests.RequestException):
            msg = f"{what}: {url} unreachable or too slow after source.max_attempts tries ({detail})"
            return TransientError(redact(msg, creds))
        return TransientError(redact(f"{what}: {type(exc).__name__}: {exc}", creds))
    if status in (401, 403):
        msg = f"{what}: {url} answered {status} ({detail}); the credentials are not (or no longer) accepted"
        return UnavailableError(redact(msg, creds))
    if status == 429 or status >= 500:
        msg = f"{what}: {url} answered {status} after source.max_attempts tries ({detail}); try later"
        return TransientError(redact(msg, creds))
    msg = f"{what}: {url} rejected the request with {status} ({detail}); check source.base_url and the collection"
    return ConfigError(redact(msg, creds))
