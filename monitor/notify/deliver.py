"""Deliver new alerts after a run: each alert once per channel, within a time budget, failures retried later.

Delivery never fails a run: an unreachable server is logged as a warning, kept in the outbox with its error
and tried again by the next run (``notify.max_attempts`` runs in all). Every attempt has a network timeout
and no attempt starts once ``notify.budget_s`` is spent, so delivery holds a run up by at most the budget plus
one timeout. A crash between a successful send and its record repeats that one message next run; the e-mail's
Message-ID and the webhook's ``Idempotency-Key`` let a receiver drop the repeat.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from monitor.alerts.records import get_alert
from monitor.config.loader import Settings
from monitor.notify.channels import DeliveryError, post_webhook, send_email
from monitor.notify.config import NotifyConfig
from monitor.notify.message import alert_payload, email_message
from monitor.notify.outbox import enqueue_new_alerts, mark_failed_attempt, mark_sent, pending
from monitor.store.db import Store

__all__ = ("Delivery", "deliver_new_alerts")

log = logging.getLogger("monitor.notify")


@dataclass
class Delivery:
    """What one delivery round did."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    deferred: int = 0


def _channels(cfg: NotifyConfig) -> list[str]:
    return [name for name in ("email", "webhook") if getattr(cfg, name) is not None]


def deliver_new_alerts(
    settings: Settings,
    store: Store,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Delivery:
    """Queue new alerts and try every pending delivery while the time budget lasts.

    Args:
        settings: Resolved settings (``notify`` section).
        store: The store.
        env: Environment with the secrets (default ``os.environ``).
        clock: Monotonic clock (seconds).

    Returns:
        What was sent, what failed, and how many were left for the next run.
    """
    cfg = settings.notify
    done = Delivery()
    channels = _channels(cfg)
    if not channels:
        return done
    env = os.environ if env is None else env
    enqueue_new_alerts(store, channels)
    deadline = clock() + cfg.budget_s
    for channel in channels:
        for row in pending(store, channel):
            if clock() >= deadline:
                done.deferred += 1
                continue
            alert = get_alert(store, row["alert_id"])
            try:
                if channel == "email":
                    assert cfg.email is not None
                    msg = email_message(alert, settings.data_dir, cfg.report_base_url, cfg.email)
                    send_email(msg, cfg.email, env, cfg.timeout_s)
                else:
                    assert cfg.webhook is not None
                    payload = alert_payload(alert, settings.data_dir, cfg.report_base_url)
                    post_webhook(payload, cfg.webhook, env, cfg.timeout_s)
            except DeliveryError as exc:
                attempts = cfg.max_attempts
                last = mark_failed_attempt(store, alert.id, channel, str(exc), attempts)
                done.failed.append((alert.id, channel, str(exc)))
                if last:
                    log.error(
                        "alert %s: %s delivery given up after %d attempts: %s", alert.id, channel, cfg.max_attempts, exc
                    )
                else:
                    log.warning("alert %s: %s delivery failed (retried next run): %s", alert.id, channel, exc)
                continue
            mark_sent(store, alert.id, channel)
            done.sent.append((alert.id, channel))
            log.info("alert %s sent by %s", alert.id, channel)
    if done.deferred:
        log.warning("notify.budget_s used up: %d delivery(ies) left for the next run", done.deferred)
    return done
