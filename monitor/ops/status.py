"""Per-site health: the last successful pull, staleness against the site's schedule, and the last error.

Everything is read from the runs the store recorded (``runs`` and ``run_sites``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitor.config.loader import Settings
from monitor.ops.schedule import cadence
from monitor.store.db import Store

__all__ = ("SiteStatus", "site_status")

GRACE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class SiteStatus:
    """The health of one site."""

    aoi: str
    schedule: str
    last_ok: dt.datetime | None
    last_scene: str | None
    age: dt.timedelta | None
    cadence: dt.timedelta
    stale: bool
    last_error: str | None
    last_error_at: dt.datetime | None

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict (times in ISO 8601 UTC, durations in hours).

        Returns:
            The dict.
        """

        def iso(t: dt.datetime | None) -> str | None:
            return None if t is None else t.strftime("%Y-%m-%dT%H:%M:%SZ")

        return {
            "aoi": self.aoi,
            "schedule": self.schedule,
            "last_successful_pull": iso(self.last_ok),
            "last_scene_acquired": self.last_scene,
            "age_hours": None if self.age is None else round(self.age.total_seconds() / 3600, 2),
            "cadence_hours": round(self.cadence.total_seconds() / 3600, 2),
            "stale": self.stale,
            "last_error": self.last_error,
            "last_error_at": iso(self.last_error_at),
        }


def _time(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def site_status(settings: Settings, store: Store | None, now: dt.datetime | None = None) -> list[SiteStatus]:
    """The status of every configured site.

    A site is stale when its last successful run is older than its schedule's interval plus an hour of grace
    (or it never had one). The last error is that of the latest failed or interrupted run covering the site,
    shown only when it came after the last success.

    Args:
        settings: Resolved settings.
        store: The store (None when none exists yet).
        now: The current time (default: now, UTC).

    Returns:
        One status per site, in config order.
    """
    now = now or dt.datetime.now(dt.UTC)
    out = []
    for aoi in settings.aois.values():
        last_ok = last_err_at = None
        last_err = last_scene = None
        if store is not None:
            ok = store.conn.execute(
                "SELECT MAX(r.finished) FROM runs r JOIN run_sites s ON s.run_id = r.id"
                " WHERE s.aoi=? AND r.status='ok'",
                (aoi.id,),
            ).fetchone()[0]
            last_ok = _time(ok)
            bad = store.conn.execute(
                "SELECT r.finished, r.started, r.error, r.status FROM runs r JOIN run_sites s ON s.run_id = r.id"
                " WHERE s.aoi=? AND r.status IN ('failed', 'interrupted') ORDER BY r.id DESC LIMIT 1",
                (aoi.id,),
            ).fetchone()
            if bad is not None:
                when = _time(bad["finished"] or bad["started"])
                if last_ok is None or (when is not None and when >= last_ok):
                    last_err_at, last_err = when, bad["error"] or bad["status"]
            last_scene = store.conn.execute("SELECT MAX(acquired) FROM scenes WHERE aoi=?", (aoi.id,)).fetchone()[0]
        every = cadence(aoi.cadence.cron, now)
        age = None if last_ok is None else now - last_ok
        stale = age is None or age > every + GRACE
        out.append(SiteStatus(aoi.id, aoi.cadence.cron, last_ok, last_scene, age, every, stale, last_err, last_err_at))
    return out
