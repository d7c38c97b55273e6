"""What a notification says about an alert: a JSON payload for webhooks and a plain-text e-mail."""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from monitor.alerts.records import AlertRecord
from monitor.notify.config import EmailChannel

__all__ = ("alert_payload", "email_message", "report_link", "verdict_line")


def report_link(alert: AlertRecord, data_dir: Path, base_url: str | None) -> str | None:
    """Where the alert's report can be opened.

    Args:
        alert: The alert.
        data_dir: The data folder.
        base_url: Prefix for links (``notify.report_base_url``), or None for a ``file://`` URI.

    Returns:
        The link, or None while no report was rendered.
    """
    report = alert.report(data_dir)
    if report is None:
        return None
    if base_url:
        return base_url.rstrip("/") + "/" + report.relative_to(data_dir.resolve()).as_posix()
    return report.as_uri()


def verdict_line(alert: AlertRecord) -> str:
    """The claims an alert bears on, with their verdicts, in one line.

    Args:
        alert: The alert.

    Returns:
        e.g. ``cns-2024-10-17-ship: supported``, or a note that no claim is linked.
    """
    if not alert.claims:
        return "no reported claim falls in this episode"
    return "; ".join(f"{claim}: {verdict}" for claim, verdict in alert.claims)


def alert_payload(alert: AlertRecord, data_dir: Path, base_url: str | None) -> dict[str, object]:
    """The webhook body: the alert as ``monitor alerts --format json`` gives it, plus the link and verdicts.

    Args:
        alert: The alert.
        data_dir: The data folder.
        base_url: Prefix for report links.

    Returns:
        A JSON-ready dict.
    """
    return {
        "event": "alert.new",
        "alert": alert.as_json(data_dir),
        "verdict": verdict_line(alert),
        "report_url": report_link(alert, data_dir, base_url),
    }


def email_message(alert: AlertRecord, data_dir: Path, base_url: str | None, channel: EmailChannel) -> EmailMessage:
    """The e-mail for a new alert (its Message-ID derives from the alert id, so a repeat can be recognised).

    Args:
        alert: The alert.
        data_dir: The data folder.
        base_url: Prefix for report links.
        channel: Sender and recipients.

    Returns:
        The message.
    """
    link = report_link(alert, data_dir, base_url)
    msg = EmailMessage()
    msg["Subject"] = f"[monitor] new alert {alert.aoi} {alert.object_class} from {alert.start}"
    msg["From"] = channel.sender
    msg["To"] = ", ".join(channel.to)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(idstring=alert.id.replace("@", "_"), domain="monitor.invalid")
    msg["X-Monitor-Alert"] = alert.id
    body = [
        f"New alert {alert.id}",
        "",
        f"site:     {alert.aoi}",
        f"class:    {alert.object_class}",
        f"episode:  {alert.start} to {alert.end} ({alert.n_elevated} of {alert.n_looks} clear looks elevated)",
        f"excess:   about {alert.excess:.1f} objects over the baseline (score {alert.score:.2f})",
        f"verdicts: {verdict_line(alert)}",
        f"report:   {link or 'not rendered yet'}",
        "",
        "Review it with `monitor alerts`. Contains modified Copernicus Sentinel data.",
        "",
        "alert as JSON:",
        json.dumps(alert.as_json(data_dir), indent=1),
    ]
    msg.set_content("\n".join(body) + "\n")
    return msg
