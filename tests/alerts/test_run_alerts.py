"""End to end: `monitor run` on the synthetic autumn 2024 landing-ship transfers raises their alerts with reports."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from monitor.cli import cli

pytestmark = pytest.mark.slow


def test_run_raises_the_autumn_alerts_once_and_renders_their_reports(config_path, monkeypatch):
    # The shipped CNN (the default detector): with image-measured hull sizes it counts the quiet naval berths
    # at zero landing ships, so the October pair stands out (the classical baseline's S2 false hull in late
    # September hides it).
    monkeypatch.setenv("MONITOR_DETECTOR", "cnn")
    # Until early December: the record starts in September with three radar looks, so the radar reference of an
    # October run is filled from the first radar look after the 45 days such a run may span.
    args = ["run", "--config", str(config_path), "--aoi", "dunai", "--since", "2024-09-01", "--until", "2024-12-07"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    # Two transfers (8-21 October, 5-18 November): one or two episodes, since with only a few quiet looks between
    # them the scan may find the whole operation the stronger run (on this short record it does; on the full
    # default record they are two alerts, README "Alerts: evaluation").
    line = next(ln for ln in first.output.splitlines() if ln.startswith("alerts: "))
    alerts = json.loads(CliRunner().invoke(cli, ["alerts", "--config", str(config_path), "--format", "json"]).output)
    assert line.startswith(f"alerts: {len(alerts)} new, 0 updated, 0 unchanged; {len(alerts)} report(s) rendered")
    assert 1 <= len(alerts) <= 2
    alerts.sort(key=lambda a: a["start"])
    october = alerts[0]
    for alert in alerts:
        assert alert["aoi"] == "dunai" and alert["class"] == "landing_ship"
        assert alert["report"] and alert["report"].endswith("review-r1.html")
        assert alert["start"] >= "2024-10-08" and alert["end"] <= "2024-11-25"
    assert october["start"] <= "2024-10-21"
    assert any(a["start"] <= "2024-11-18" and a["end"] >= "2024-11-05" for a in alerts)
    verdicts = {c["id"]: c for c in october["claims"]}
    assert verdicts["cns-2024-q4-two-ships"]["verdict"] == "supported"
    # Two clear looks hold the 17 October report (one optical with both ships, one radar with neither): on this
    # short record the permutation test cannot go below alpha, and the verdict says so instead of guessing.
    assert verdicts["cns-2024-10-17-ship"]["verdict"] in {"supported", "inconclusive"}
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0 and f"alerts: 0 new, 0 updated, {len(alerts)} unchanged; 0 report(s)" in second.output
    again = json.loads(CliRunner().invoke(cli, ["alerts", "--config", str(config_path), "--format", "json"]).output)
    assert sorted(again, key=lambda a: a["start"]) == alerts
