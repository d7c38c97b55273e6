"""End to end: `monitor run` on the synthetic October 2024 landing-ship transfer raises one alert with a report."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from monitor.cli import cli

pytestmark = pytest.mark.slow


def test_run_raises_the_october_alert_once_and_renders_its_report(config_path, monkeypatch):
    monkeypatch.setenv("MONITOR_DETECTOR", "classical")
    # Until early December: the record starts in September with three radar looks, so the radar reference of an
    # October run is filled from the first radar look after the 45 days such a run may span.
    args = ["run", "--config", str(config_path), "--aoi", "dunai", "--since", "2024-09-01", "--until", "2024-12-07"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "alerts: 1 new, 0 updated, 0 unchanged; 1 report(s) rendered" in first.output
    alerts = json.loads(CliRunner().invoke(cli, ["alerts", "--config", str(config_path), "--format", "json"]).output)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["aoi"] == "dunai" and alert["class"] == "landing_ship"
    assert "2024-10-08" <= alert["start"] <= "2024-10-21" and alert["end"] <= "2024-10-28"
    assert alert["report"] and alert["report"].endswith("review-r1.html")
    assert any(c["id"] == "cns-2024-10-17-ship" and c["verdict"] == "supported" for c in alert["claims"])
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0 and "alerts: 0 new, 0 updated, 1 unchanged; 0 report(s)" in second.output
    again = json.loads(CliRunner().invoke(cli, ["alerts", "--config", str(config_path), "--format", "json"]).output)
    assert again == alerts
