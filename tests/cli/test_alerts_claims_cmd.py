"""``monitor alerts`` and ``monitor claims`` through click's runner: output contracts and exit codes."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from monitor.alerts.update import load_ledger, update_alerts
from monitor.cli import cli
from monitor.config.loader import load_settings
from monitor.store.db import Store
from tests.conftest import ROOT, write_config
from tests.series_helpers import tiny_store

ALERT = "dunai-landing_ship-20241013"


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "MONITOR_SOURCE", "MONITOR_DETECTOR"):
        monkeypatch.delenv(var, raising=False)
    shutil.copy(ROOT / "seeds" / "claims.yaml", tmp_path / "claims.yaml")
    path = write_config(tmp_path, "analysis:\n  claims: claims.yaml\n  reports: false\ndetector:\n  kind: classical\n")
    settings = load_settings(path, env={})
    settings.data_dir.mkdir()
    tiny_store(settings.data_dir, model="classical-1")
    with Store(settings.data_dir / "monitor.sqlite") as store:
        update_alerts(settings, store, "classical-1", load_ledger(settings))
    return path


def _run(*args):
    return CliRunner().invoke(cli, list(args))


def test_alerts_json_and_table(cfg):
    res = _run("alerts", "--config", str(cfg), "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [r["id"] for r in rows] == [ALERT]
    assert rows[0]["status"] == "new" and rows[0]["report"] is None
    assert _run("alerts", "--config", str(cfg), "--aoi", "sunan", "--format", "json").output.strip() == "[]"
    table = _run("alerts", "--config", str(cfg))
    assert table.exit_code == 0 and ALERT in table.output and "cns-2024-10-17-ship:supported" in table.output


def test_alert_status_commands_and_their_errors(cfg):
    res = _run("alerts", "review", ALERT, "--config", str(cfg), "--note", "checked the chips")
    assert res.exit_code == 0 and res.output.strip() == f"{ALERT}: reviewed"
    assert _run("alerts", "dismiss", ALERT, "--config", str(cfg)).exit_code == 0
    rows = json.loads(_run("alerts", "--config", str(cfg), "--format", "json").output)
    assert rows[0]["status"] == "dismissed"
    assert _run("alerts", "reopen", ALERT, "--config", str(cfg)).exit_code == 0
    bad = _run("alerts", "review", "no-such-alert", "--config", str(cfg))
    assert bad.exit_code == 2 and "no such alert 'no-such-alert'" in bad.output
    assert _run("alerts", "--config", str(cfg), "--format", "xml").exit_code == 2
    missing = _run("alerts", "report", "no-such-alert", "--config", str(cfg))
    assert missing.exit_code == 2 and "no such alert" in missing.output


def test_claims_list_gives_a_verdict_and_reasons_per_claim(cfg):
    res = _run("claims", "--config", str(cfg), "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert len(rows) == 11
    assert all(r["verdict"] in ("supported", "contradicted", "inconclusive") and r["reasons"] for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["cns-2024-10-17-ship"]["verdict"] == "supported"
    assert by_id["article-2025-04-memorial"]["verdict"] == "inconclusive"
    table = _run("claims", "--config", str(cfg))
    assert table.exit_code == 0 and "nis-2024-10-transfer" in table.output


def test_claims_add_validates_and_appends(cfg):
    ledger = cfg.parent / "claims.yaml"
    before = ledger.read_text()
    common = [
        "claims",
        "add",
        "--config",
        str(cfg),
        "--id",
        "test-2025-08-ship",
        "--precision",
        "month",
        "--statement",
        "Another landing ship was reported at Dunai.",
        "--source",
        "An outlet",
    ]
    bad_date = _run(*common, "--date", "2025-08-03")
    assert bad_date.exit_code == 2 and "date" in bad_date.output and "2025-08-03" in bad_date.output
    bad_signal = _run(*common, "--date", "2025-08", "--signal", "ufo_sighting")
    assert bad_signal.exit_code == 2 and "unknown signal 'ufo_sighting'" in bad_signal.output
    wrong_site = _run(*common, "--date", "2025-08", "--signal", "transport_sorties", "--site", "dunai")
    assert wrong_site.exit_code == 2 and "concerns ['sunan']" in wrong_site.output
    assert ledger.read_text() == before
    ok = _run(*common, "--date", "2025-08", "--site", "dunai", "--signal", "landing_ship_port_call")
    assert ok.exit_code == 0, ok.output
    assert ledger.read_text().startswith(before) and "test-2025-08-ship" in ledger.read_text()
    again = _run(*common, "--date", "2025-08")
    assert again.exit_code == 65 and "already exists" in again.output


def test_a_bad_claims_file_exits_65_on_one_line_and_run_writes_nothing(tmp_path, monkeypatch):
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "MONITOR_SOURCE"):
        monkeypatch.delenv(var, raising=False)
    text = (ROOT / "seeds" / "claims.yaml").read_text().replace("date: 2024-Q4", "date: 2024-Q5")
    (tmp_path / "claims.yaml").write_text(text)
    cfg = write_config(tmp_path, "analysis:\n  claims: claims.yaml\n")
    for args in (["claims"], ["run", "--since", "2024-10-01", "--until", "2024-10-02"]):
        res = _run(*args, "--config", str(cfg))
        assert res.exit_code == 65, res.output
        line = res.output.strip()
        assert "\n" not in line
        assert "claims.yaml" in line and "(id cns-2024-q4-two-ships).date" in line and "2024-Q5" in line
    assert not (tmp_path / "data").exists()
