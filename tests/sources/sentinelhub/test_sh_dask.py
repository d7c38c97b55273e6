"""The sentinelhub source on a real dask LocalCluster: workers pull through the emulator while the driver keeps
the PU ledger (reservations before a task is handed out, charges from its outcome), and the budget still stops
pulls before it is exceeded."""

from __future__ import annotations

import sqlite3

import pytest

from monitor.cli import cli
from tests.sources.sentinelhub.conftest import WINDOW, write_sh_config
from tests.sources.sentinelhub.test_sh_source import _synthetic_counts


def _ledger(sh):
    with sqlite3.connect(sh.data / "monitor.sqlite") as c:
        return c.execute("SELECT scene_id, part, pu_estimate, pu_spent, status, run_id FROM requests").fetchall()


@pytest.mark.slow
def test_dask_workers_pull_and_the_driver_records_what_they_cost(sh, tmp_path, monkeypatch):
    expected = _synthetic_counts(tmp_path, monkeypatch, WINDOW)
    res = sh.run(*WINDOW, "--executor", "dask")
    assert res.exit_code == 0, res.output
    got = sh.runner.invoke(cli, ["counts", "--config", str(sh.config), "--format", "json"]).output
    assert got == expected
    rows = _ledger(sh)
    charged = sorted(h.pu for h in sh.emu.hits if "/process" in h.path)
    assert len(charged) == 2 and sorted(r[3] for r in rows) == pytest.approx(charged, rel=1e-5)
    assert [r[4] for r in rows] == ["ok", "ok"] and {r[5] for r in rows} == {1}


@pytest.mark.slow
def test_the_budget_stops_dask_pulls_and_a_bigger_one_resumes(sh, tmp_path):
    sh.config = write_sh_config(tmp_path, "  monthly_pu_budget: 3.0\n")
    res = sh.run(*WINDOW, "--executor", "dask")
    assert res.exit_code == 75 and "pulls stopped before the budget is exceeded" in res.output
    rows = _ledger(sh)
    assert len(rows) == 1 and rows[0][4] == "ok" and rows[0][3] <= 3.0
    assert len(sh.counts()) == 2  # the Sentinel-2 scene that fitted was stored
    sh.config = write_sh_config(tmp_path, "  monthly_pu_budget: 10.0\n")
    assert sh.run(*WINDOW, "--executor", "dask").exit_code == 0
    assert len(sh.counts()) == 4 and sh.emu.count("/process") == 2
