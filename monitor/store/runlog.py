"""Run bookkeeping for cron: the sites each run covered, runs that died open, and outputs still to refresh.

All of it is written by the driver only, under the run lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from monitor.store.db import Store, utc_now

__all__ = ("STALE_RUN_ERROR", "close_stale_runs", "exports_done", "exports_pending", "record_run_sites")

STALE_RUN_ERROR = "the process ended without closing the run (killed, power loss or out of memory)"


def close_stale_runs(store: Store) -> int:
    """Mark runs still ``running`` as interrupted; called under the run lock, so none of them is alive.

    Args:
        store: The store.

    Returns:
        How many runs were closed.
    """
    with store.transaction() as c:
        cur = c.execute(
            "UPDATE runs SET status='interrupted', finished=?, error=? WHERE status='running'",
            (utc_now(), STALE_RUN_ERROR),
        )
        return cur.rowcount


def record_run_sites(
    store: Store,
    run_id: int,
    since: Mapping[tuple[str, str], dt.date],
    until: dt.date | None,
    discovered: Mapping[tuple[str, str], int],
    processed: Mapping[tuple[str, str], int],
) -> None:
    """Record (or update) the sites and sensors a run covered, with what it found and stored.

    Args:
        store: The store.
        run_id: The run.
        since: First date per (aoi, sensor).
        until: Last date of the run.
        discovered: Acquisitions found per (aoi, sensor).
        processed: Scenes stored per (aoi, sensor).
    """
    rows = [
        (
            run_id,
            aoi,
            sensor,
            str(start),
            str(until or start),
            discovered.get((aoi, sensor), 0),
            processed.get((aoi, sensor), 0),
        )
        for (aoi, sensor), start in since.items()
    ]
    with store.transaction() as c:
        c.executemany(
            "INSERT INTO run_sites VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id, aoi, sensor)"
            " DO UPDATE SET since=excluded.since, until=excluded.until, discovered=excluded.discovered,"
            " processed=excluded.processed",
            rows,
        )


def exports_pending(store: Store, aois: Iterable[str] = (), run_id: int | None = None) -> set[str]:
    """Mark sites whose outputs must be refreshed (before their scenes are stored) and list all pending ones.

    Args:
        store: The store.
        aois: Sites to mark now.
        run_id: The run marking them.

    Returns:
        Every site still marked, including those a crashed run left behind.
    """
    with store.transaction() as c:
        c.executemany(
            "INSERT INTO pending_exports VALUES (?, ?) ON CONFLICT(aoi) DO NOTHING", [(a, run_id) for a in aois]
        )
    return {r[0] for r in store.conn.execute("SELECT aoi FROM pending_exports")}


def exports_done(store: Store, aoi: str) -> None:
    """Clear a site's mark once its outputs are current.

    Args:
        store: The store.
        aoi: The site.
    """
    with store.transaction() as c:
        c.execute("DELETE FROM pending_exports WHERE aoi=?", (aoi,))
