"""The processing-unit ledger: one row per paid request in the store's ``requests`` table.

A request is *reserved* before it is sent: in one ``BEGIN IMMEDIATE`` transaction the month's total
(charged PU of answered requests plus the estimates of requests still pending) is checked against the budget
and a pending row holding the estimate is inserted. When the answer comes the row is *settled* with the PU
the service reported (or marked failed: the service charges only successful requests). Because the check
and the insert are one transaction, parallel workers sharing the data folder cannot overshoot the budget
together. A pending row left by a crash keeps counting its estimate, which errs on the side of the budget.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from monitor.errors import TransientError
from monitor.store.db import Store

__all__ = ("BudgetExceededError", "RequestLedger", "month_of")


class BudgetExceededError(TransientError):
    """The next request would take the month over its processing-unit budget (exit 75: retry next month)."""


def month_of(when: dt.datetime | None = None) -> str:
    """The UTC calendar month of a time as ``YYYY-MM``.

    Args:
        when: The time (default now).

    Returns:
        The month key the budget is kept by.
    """
    return (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m")


_MONTH_SQL = (
    "SELECT COALESCE(SUM(CASE status WHEN 'ok' THEN pu_spent WHEN 'pending' THEN pu_estimate ELSE 0 END), 0)"
    " FROM requests WHERE month=? AND source=?"
)


class RequestLedger:
    """PU accounting for one source over the store at ``db`` (any process that sees the data folder).

    Args:
        db: The SQLite store file.
        source: Source name recorded with each request.
        budget: Monthly budget in PU.
    """

    def __init__(self, db: Path, source: str, budget: float) -> None:
        self.db = db
        self.source = source
        self.budget = budget
        self.run_id: int | None = None

    def month_spent(self, month: str | None = None) -> float:
        """PU charged (or reserved by pending requests) in a month.

        Args:
            month: ``YYYY-MM`` (default this month).

        Returns:
            The total; 0 when no store exists yet.
        """
        if not self.db.exists():
            return 0.0
        with Store(self.db) as st:
            return float(st.conn.execute(_MONTH_SQL, (month or month_of(), self.source)).fetchone()[0])

    def run_spent(self, run_id: int) -> float:
        """PU charged by one run.

        Args:
            run_id: The run.

        Returns:
            The total of its answered requests.
        """
        if not self.db.exists():
            return 0.0
        with Store(self.db) as st:
            row = st.conn.execute(
                "SELECT COALESCE(SUM(pu_spent), 0) FROM requests WHERE run_id=? AND status='ok'", (run_id,)
            ).fetchone()
        return float(row[0])

    def reserve(self, service: str, scene_id: str, part: str, width: int, height: int, estimate: float) -> int:
        """Check the budget and record a pending request.

        Args:
            service: API path, e.g. ``process``.
            scene_id: The scene the request is for.
            part: Which tile of the scene (``1/1`` when not split).
            width: Output width in pixels.
            height: Output height in pixels.
            estimate: Estimated PU.

        Returns:
            The ledger row id, for :meth:`settle`.

        Raises:
            BudgetExceededError: The month's total plus ``estimate`` would exceed the budget.
        """
        return self._pending(service, scene_id, part, width, height, estimate, check_budget=True)

    def record(self, service: str, scene_id: str, part: str, width: int, height: int, estimate: float) -> int:
        """Record a pending request that was already sent (no budget check: the PU are spent either way).

        Args:
            service: API path, e.g. ``process``.
            scene_id: The scene the request is for.
            part: Which tile of the scene.
            width: Output width in pixels.
            height: Output height in pixels.
            estimate: Estimated PU.

        Returns:
            The ledger row id, for :meth:`settle`.
        """
        return self._pending(service, scene_id, part, width, height, estimate, check_budget=False)

    def _pending(
        self, service: str, scene_id: str, part: str, width: int, height: int, estimate: float, check_budget: bool
    ) -> int:
        now = dt.datetime.now(dt.UTC)
        month = month_of(now)
        with Store(self.db) as st, st.transaction() as c:
            used = float(c.execute(_MONTH_SQL, (month, self.source)).fetchone()[0]) if check_budget else 0.0
            if check_budget and used + estimate > self.budget:
                raise BudgetExceededError(
                    f"source.monthly_pu_budget: {month} has used {used:.2f} of {self.budget:g} PU and the next"
                    f" request ({scene_id} part {part}) needs about {estimate:.2f}; pulls stopped before the budget"
                    " is exceeded (raise the budget or wait for next month)"
                )
            cur = c.execute(
                "INSERT INTO requests (run_id, requested, month, source, service, scene_id, part, width, height,"
                " pu_estimate, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                (self.run_id, now.strftime("%Y-%m-%dT%H:%M:%SZ"), month, self.source, service, scene_id, part,
                 width, height, estimate),
            )  # fmt: skip
            return int(cur.lastrowid or 0)

    def settle(self, row_id: int, spent: float | None, error: str | None = None) -> None:
        """Record the outcome of a reserved request.

        Args:
            row_id: From :meth:`reserve`.
            spent: PU the service reported (None: header missing, the estimate is kept as the charge).
            error: One-line error when the request failed (then nothing was charged).
        """
        with Store(self.db) as st, st.transaction() as c:
            if error is not None:
                c.execute("UPDATE requests SET status='failed', pu_spent=0, error=? WHERE id=?", (error, row_id))
            elif spent is None:
                c.execute("UPDATE requests SET status='ok', pu_spent=pu_estimate WHERE id=?", (row_id,))
            else:
                c.execute("UPDATE requests SET status='ok', pu_spent=? WHERE id=?", (spent, row_id))
