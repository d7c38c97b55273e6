"""Reading alerts from the store and moving them through their lifecycle (new, reviewed, dismissed)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from monitor.errors import UsageError
from monitor.store.db import Store, utc_now

__all__ = ("STATUSES", "AlertRecord", "get_alert", "list_alerts", "log_event", "record_report", "set_status")

STATUSES = ("new", "reviewed", "dismissed")


@dataclass(frozen=True)
class AlertRecord:
    """One stored alert with the claims linked to it."""

    id: str
    aoi: str
    object_class: str
    start: dt.date
    end: dt.date
    score: float
    excess: float
    excess_low: float | None
    excess_high: float | None
    n_looks: int
    n_elevated: int
    status: str
    model: str
    method: str
    revision: int
    created: str
    updated: str
    report_status: str
    report_path: str | None
    report_error: str | None
    claims: list[tuple[str, str]] = field(default_factory=list)

    def report(self, data_dir: Path) -> Path | None:
        """The HTML report, when one was rendered successfully.

        Args:
            data_dir: The data folder (stored paths are relative to it).

        Returns:
            The absolute path, or None.
        """
        if self.report_status != "ok" or not self.report_path:
            return None
        return (data_dir / self.report_path).resolve()

    def as_json(self, data_dir: Path) -> dict[str, object]:
        """The alert as in ``monitor alerts --format json`` (interfaces.md).

        Args:
            data_dir: The data folder.

        Returns:
            A JSON-ready dict.
        """
        report = self.report(data_dir)
        return {
            "id": self.id,
            "aoi": self.aoi,
            "class": self.object_class,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "score": round(self.score, 3),
            "status": self.status,
            "claims": [{"id": c, "verdict": v} for c, v in self.claims],
            "report": str(report) if report else None,
        }


def _record(row: sqlite3.Row, claims: list[tuple[str, str]]) -> AlertRecord:
    return AlertRecord(
        id=row["id"],
        aoi=row["aoi"],
        object_class=row["class"],
        start=dt.date.fromisoformat(row["start_date"]),
        end=dt.date.fromisoformat(row["end_date"]),
        score=row["score"],
        excess=row["excess"],
        excess_low=row["excess_low"],
        excess_high=row["excess_high"],
        n_looks=row["n_looks"],
        n_elevated=row["n_elevated"],
        status=row["status"],
        model=row["model"],
        method=row["method"],
        revision=row["revision"],
        created=row["created"],
        updated=row["updated"],
        report_status=row["report_status"],
        report_path=row["report_path"],
        report_error=row["report_error"],
        claims=claims,
    )


def _claims_of(store: Store, alert_id: str, model: str) -> list[tuple[str, str]]:
    rows = store.conn.execute(
        "SELECT l.claim_id, COALESCE(v.verdict, 'inconclusive') FROM alert_claims l LEFT JOIN claim_verdicts v"
        " ON v.claim_id = l.claim_id AND v.model = ? AND v.part = '' WHERE l.alert_id = ? ORDER BY l.claim_id",
        (model, alert_id),
    )
    return [(r[0], r[1]) for r in rows]


def list_alerts(store: Store, aois: Sequence[str] = ()) -> list[AlertRecord]:
    """Stored alerts sorted by aoi and start.

    Args:
        store: The store.
        aois: Restrict to these AOI ids (all when empty).

    Returns:
        The alerts.
    """
    sql = "SELECT * FROM alerts"
    params: list[str] = list(aois)
    if aois:
        sql += f" WHERE aoi IN ({','.join('?' * len(aois))})"
    rows = store.conn.execute(sql + " ORDER BY aoi, start_date, class, id", params).fetchall()
    return [_record(r, _claims_of(store, r["id"], r["model"])) for r in rows]


def get_alert(store: Store, alert_id: str) -> AlertRecord:
    """One alert by id.

    Args:
        store: The store.
        alert_id: The alert id.

    Returns:
        The alert.

    Raises:
        UsageError: No alert has this id.
    """
    row = store.conn.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    if row is None:
        raise UsageError(f"alert id: no such alert {alert_id!r} (see `monitor alerts`)")
    return _record(row, _claims_of(store, row["id"], row["model"]))


def log_event(conn: sqlite3.Connection, alert_id: str, event: str, detail: str | None = None) -> None:
    """Append to an alert's history (inside the caller's transaction).

    Args:
        conn: The connection, in a transaction.
        alert_id: The alert.
        event: What happened (``raised``, ``updated``, ``status``, ``report``).
        detail: Free text.
    """
    conn.execute(
        "INSERT INTO alert_events (alert_id, at, event, detail) VALUES (?, ?, ?, ?)",
        (alert_id, utc_now(), event, detail),
    )


def set_status(store: Store, alert_id: str, status: str, note: str | None = None) -> AlertRecord:
    """Move an alert to ``new``, ``reviewed`` or ``dismissed``, recording who-knows-why in its history.

    Args:
        store: The store.
        alert_id: The alert.
        status: The new status.
        note: Optional analyst note kept in the history.

    Returns:
        The updated alert.

    Raises:
        UsageError: Unknown alert or status.
    """
    if status not in STATUSES:
        raise UsageError(f"status: must be one of {', '.join(STATUSES)} (got {status!r})")
    old = get_alert(store, alert_id)
    with store.transaction() as c:
        c.execute("UPDATE alerts SET status = ?, updated = ? WHERE id = ?", (status, utc_now(), alert_id))
        log_event(c, alert_id, "status", f"{old.status} -> {status}" + (f": {note}" if note else ""))
    return get_alert(store, alert_id)


def record_report(store: Store, alert_id: str, status: str, path: str | None, error: str | None) -> None:
    """Record the outcome of rendering an alert's report.

    Args:
        store: The store.
        alert_id: The alert.
        status: ``ok``, ``failed`` or ``off``.
        path: The report (HTML when ok, the partial notebook when failed), relative to the data folder.
        error: One-line error when failed.
    """
    with store.transaction() as c:
        c.execute(
            "UPDATE alerts SET report_status = ?, report_path = ?, report_error = ? WHERE id = ?",
            (status, path, error, alert_id),
        )
        log_event(c, alert_id, "report", status + (f": {error}" if error else ""))
