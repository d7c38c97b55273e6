"""Configuration of alert delivery (``notify:`` in the app config): e-mail over SMTP and a JSON webhook.

Secrets never live in the file: the SMTP password comes from ``MONITOR_SMTP_PASSWORD`` and the webhook's
bearer token from ``MONITOR_WEBHOOK_TOKEN``.
"""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ("EmailChannel", "NotifyConfig", "WebhookChannel", "is_loopback")


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine.

    Args:
        host: Host name or IP address.

    Returns:
        True for ``localhost`` and loopback addresses.
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class EmailChannel(_Frozen):
    """Send each new alert as an e-mail."""

    host: str = Field(min_length=1, description="SMTP server.")
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="starttls (port 587), ssl (port 465), or none (loopback relays only)."
    )
    sender: str = Field(alias="from", pattern=r"^[^@\s]+@[^@\s]+$", description="From address.")
    to: list[str] = Field(min_length=1, description="Recipients.")
    username: str | None = Field(default=None, description="SMTP login; the password is read from the environment.")

    @field_validator("to")
    @classmethod
    def _addresses(cls, to: list[str]) -> list[str]:
        for addr in to:
            if addr.count("@") != 1 or any(c.isspace() for c in addr):
                raise ValueError(f"{addr!r} is not an e-mail address")
        return to

    @model_validator(mode="after")
    def _no_clear_text_to_remote(self) -> EmailChannel:
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError(f"security: none is only allowed for a relay on this machine, not {self.host!r}")
        return self


class WebhookChannel(_Frozen):
    """POST each new alert as JSON to a URL."""

    url: str = Field(description="https URL (http only on loopback).")

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s) URL")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise ValueError(f"{url!r}: use https (plain http is only allowed on loopback)")
        return url


class NotifyConfig(_Frozen):
    """Alert delivery: channels, report links and how long delivery may hold up a run."""

    email: EmailChannel | None = None
    webhook: WebhookChannel | None = None
    report_base_url: str | None = Field(
        default=None, description="Prefix for report links (else file:// paths under the data folder)."
    )
    timeout_s: float = Field(default=10.0, gt=0.0, le=120.0, description="Network timeout of one attempt.")
    budget_s: float = Field(default=60.0, gt=0.0, le=900.0, description="Time all deliveries of one run may take.")
    max_attempts: int = Field(default=20, ge=1, le=1000, description="Attempts (one per run) before giving up.")
