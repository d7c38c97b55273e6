"""The notification outbox in the store: one row per (alert, channel), pending until sent or given up on."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from monitor.store.db import Store, utc_now

__all__ = ("enqueue_new_alerts", "mark_failed_attempt", "mark_sent", "pending")


def enqueue_new_alerts(store: Store, channels: Sequence[str]) -> int:
    """Queue every alert in status ``new`` that a channel has not seen yet.

    Args:
        store: The store.
        channels: Configured channel names (``email``, ``webhook``).

    Returns:
        Rows queued.
    """
    now = utc_now()
    with store.transaction() as c:
        before = c.total_changes
        for channel in channels:
            c.execute(
                "INSERT INTO notifications (alert_id, channel, status, first_seen)"
                " SELECT id, ?, 'pending', ? FROM alerts WHERE status = 'new'"
                " ON CONFLICT(alert_id, channel) DO NOTHING",
                (channel, now),
            )
        return c.total_changes - before


def pending(store: Store, channel: str) -> list[sqlite3.Row]:
    """Pending deliveries of a channel whose alert was not dismissed meanwhile, oldest first.

    Args:
        store: The store.
        channel: The channel.

    Returns:
        Rows with ``alert_id`` and ``attempts``.
    """
    return store.conn.execute(
        "SELECT n.alert_id, n.attempts FROM notifications n JOIN alerts a ON a.id = n.alert_id"
        " WHERE n.channel = ? AND n.status = 'pending' AND a.status != 'dismissed'"
        " ORDER BY n.first_seen, n.alert_id",
        (channel,),
    ).fetchall()


def mark_sent(store: Store, alert_id: str, channel: str) -> None:
    """Record a successful delivery.

    Args:
        store: The store.
        alert_id: The alert.
        channel: The channel.
    """
    now = utc_now()
    with store.transaction() as c:
        c.execute(
            "UPDATE notifications SET status='sent', attempts=attempts+1, last_attempt=?, sent=?, error=NULL"
            " WHERE alert_id=? AND channel=?",
            (now, now, alert_id, channel),
        )


def mark_failed_attempt(store: Store, alert_id: str, channel: str, error: str, max_attempts: int) -> bool:
    """Record a failed attempt; after ``max_attempts`` the delivery is given up (status ``failed``).

    Args:
        store: The store.
        alert_id: The alert.
        channel: The channel.
        error: One line saying what went wrong.
        max_attempts: Attempts allowed in all.

    Returns:
        True when this was the last attempt.
    """
    with store.transaction() as c:
        c.execute(
            "UPDATE notifications SET attempts=attempts+1, last_attempt=?, error=?,"
            " status=CASE WHEN attempts+1 >= ? THEN 'failed' ELSE 'pending' END WHERE alert_id=? AND channel=?",
            (utc_now(), error, max_attempts, alert_id, channel),
        )
        row = c.execute(
            "SELECT status FROM notifications WHERE alert_id=? AND channel=?", (alert_id, channel)
        ).fetchone()
    return bool(row and row[0] == "failed")
