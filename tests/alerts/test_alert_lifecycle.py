"""Alerts in a real store: raised once, deduplicated on re-runs, evidence kept, lifecycle and JSON contract."""

from __future__ import annotations

import dataclasses

import pytest

from monitor.alerts.records import get_alert, list_alerts, set_status
from monitor.alerts.update import load_ledger, update_alerts
from monitor.config.loader import load_settings
from monitor.errors import UsageError
from monitor.store.db import Store
from tests.series_helpers import tiny_store


@pytest.fixture
def settings(config_path):
    s = load_settings(config_path, env={})
    s = dataclasses.replace(s, analysis=s.analysis.model_copy(update={"reports": False}))
    s.data_dir.mkdir()
    tiny_store(s.data_dir)
    return s


def _update(settings):
    with Store(settings.data_dir / "monitor.sqlite") as store:
        return update_alerts(settings, store, "test-model", load_ledger(settings))


def test_one_alert_is_raised_with_evidence_and_linked_claims(settings):
    up = _update(settings)
    assert up.new == ["dunai-landing_ship-20241013"] and up.reports == {}
    with Store(settings.data_dir / "monitor.sqlite") as store:
        alert = get_alert(store, up.new[0])
        evidence = store.conn.execute(
            "SELECT role, scene_id, count FROM alert_evidence WHERE alert_id=?", (alert.id,)
        ).fetchall()
        activity = store.conn.execute("SELECT COUNT(*), COUNT(alert_id) FROM activity").fetchone()
        verdicts = store.conn.execute("SELECT COUNT(*) FROM claim_verdicts WHERE part=''").fetchone()[0]
    assert str(alert.start) == "2024-10-13" and str(alert.end) == "2024-10-22"
    assert alert.status == "new" and alert.report_status == "off" and alert.model == "test-model"
    assert alert.excess == pytest.approx(2.0, abs=0.5) and alert.n_looks == 4
    assert sorted({r["role"] for r in evidence}) == ["before", "during"]
    assert [r["count"] for r in evidence if r["role"] == "during"] == [2, 2, 2, 2]
    assert activity[1] == 4 and activity[0] == 2 * 25
    assert verdicts == 11
    assert ("cns-2024-10-17-ship", "supported") in alert.claims


def test_re_running_never_duplicates_and_keeps_the_analysts_status(settings):
    first = _update(settings)
    with Store(settings.data_dir / "monitor.sqlite") as store:
        set_status(store, first.new[0], "dismissed", "drill, not a transfer")
    again = _update(settings)
    assert again.new == [] and again.updated == [] and again.unchanged == first.new
    with Store(settings.data_dir / "monitor.sqlite") as store:
        alerts = list_alerts(store)
        history = [r["event"] for r in store.conn.execute("SELECT event FROM alert_events ORDER BY id")]
    assert len(alerts) == 1 and alerts[0].status == "dismissed"
    assert history == ["raised", "status"]


def test_lifecycle_moves_and_rejects_unknown_ids_or_statuses(settings):
    alert_id = _update(settings).new[0]
    with Store(settings.data_dir / "monitor.sqlite") as store:
        assert set_status(store, alert_id, "reviewed").status == "reviewed"
        assert set_status(store, alert_id, "new").status == "new"
        with pytest.raises(UsageError, match="no such alert 'nope'"):
            set_status(store, "nope", "reviewed")
        with pytest.raises(UsageError, match="status: must be one of"):
            set_status(store, alert_id, "archived")


def test_json_contract_has_exactly_the_documented_fields(settings):
    _update(settings)
    with Store(settings.data_dir / "monitor.sqlite") as store:
        out = list_alerts(store)[0].as_json(settings.data_dir)
    assert list(out) == ["id", "aoi", "class", "start", "end", "score", "status", "claims", "report"]
    assert out["start"] == "2024-10-13" and out["report"] is None
    assert all(set(c) == {"id", "verdict"} for c in out["claims"])
