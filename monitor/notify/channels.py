"""Sending one notification: SMTP (smtplib) and an HTTP POST (urllib), each with a network timeout."""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage

from monitor.notify.config import EmailChannel, WebhookChannel

__all__ = ("DeliveryError", "post_webhook", "send_email")


class DeliveryError(Exception):
    """One delivery attempt failed (kept in the store and retried by the next run)."""


def send_email(msg: EmailMessage, channel: EmailChannel, env: Mapping[str, str], timeout: float) -> None:
    """Hand a message to the SMTP server.

    Args:
        msg: The message.
        channel: Server and login.
        env: Environment holding ``MONITOR_SMTP_PASSWORD`` when a login is configured.
        timeout: Seconds for each network operation.

    Raises:
        DeliveryError: The server is unreachable or refused the message (the password never appears).
    """
    try:
        cls = smtplib.SMTP_SSL if channel.security == "ssl" else smtplib.SMTP
        with cls(channel.host, channel.port, timeout=timeout) as smtp:
            if channel.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if channel.username:
                smtp.login(channel.username, env.get("MONITOR_SMTP_PASSWORD", ""))
            refused = smtp.send_message(msg)
        if refused:
            raise DeliveryError(f"SMTP {channel.host}:{channel.port} refused recipient(s) {sorted(refused)}")
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP {channel.host}:{channel.port}: {type(exc).__name__}: {exc}") from None


def post_webhook(payload: dict[str, object], channel: WebhookChannel, env: Mapping[str, str], timeout: float) -> None:
    """POST the payload as JSON; any 2xx answer counts as delivered.

    Args:
        payload: The JSON body.
        channel: The URL.
        env: Environment holding ``MONITOR_WEBHOOK_TOKEN`` (sent as a bearer token) if set.
        timeout: Seconds for the request.

    Raises:
        DeliveryError: Unreachable, timed out, or a non-2xx answer.
    """
    headers = {"Content-Type": "application/json", "User-Agent": "monitor-notifier"}
    if env.get("MONITOR_WEBHOOK_TOKEN"):
        headers["Authorization"] = f"Bearer {env['MONITOR_WEBHOOK_TOKEN']}"
    alert = payload.get("alert")
    if isinstance(alert, dict):
        headers["Idempotency-Key"] = str(alert.get("id"))
    data = json.dumps(payload).encode()
    req = urllib.request.Request(channel.url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status = resp.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook {channel.url}: HTTP {exc.code} {exc.reason}") from None
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"webhook {channel.url}: {type(exc).__name__}: {exc}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook {channel.url}: HTTP {status}")
