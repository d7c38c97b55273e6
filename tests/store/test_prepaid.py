"""The prepaid ledger: a task charges the driver's reservations; a request nobody reserved is added afterwards."""

from __future__ import annotations

import pytest

from monitor.store.db import Store
from monitor.store.prepaid import active_ledger, apply_settlements, prepaid
from monitor.store.requests import RequestLedger


def test_settlements_from_a_task_are_recorded_by_the_driver(tmp_path):
    db = tmp_path / "monitor.sqlite"
    ledger = RequestLedger(db, "sentinelhub", budget=10.0)
    row = ledger.reserve("process", "s1", "1/1", 10, 10, 2.0)
    assert active_ledger(ledger) is ledger
    with prepaid({"s1|1/1": row}) as task_ledger:
        assert active_ledger(ledger) is task_ledger
        task_ledger.settle(task_ledger.reserve("process", "s1", "1/1", 10, 10, 2.0), 1.5)
        extra = task_ledger.reserve("process", "s2", "1/1", 10, 10, 3.0)
        task_ledger.settle(extra, None)
    assert active_ledger(ledger) is ledger
    assert ledger.month_spent() == pytest.approx(2.0)  # the reservation holds its estimate until settled
    apply_settlements(ledger, task_ledger.settlements)
    with Store(db) as st:
        rows = st.conn.execute("SELECT scene_id, pu_spent, status FROM requests ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("s1", 1.5, "ok"), ("s2", 3.0, "ok")]
    assert ledger.month_spent() == pytest.approx(4.5)
