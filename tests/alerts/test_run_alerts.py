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
    # Two transfers (8-21 October, 5-18 November), two episodes: the quiet looks between them end the first.
    assert "alerts: 2 new, 0 updated, 0 unchanged; 2 report(s) rendered" in first.output
    alerts = json.loads(CliRunner().invoke(cli, ["alerts", "--config", str(config_path), "--format", "json"]).output)
    assert len(alerts) == 2
    october, november = sorted(alerts, key=lambda a: a["start"])
    for alert in alerts:
        assert alert["aoi"] == "dunai" and alert["class"] == "landing_ship"
        assert alert["report"] and alert["report"].endswith("review-r1.html")
    assert "2024-10-08" <= october["start"] <= "2024-10-21" and october["end"] <= "2024-10-28"
    assert "2024-11-05" <= november["start"] <= "2024-11-18" and november["end"] <= "2024-11-25"
    verdicts = {c["id"]: c for c in october["claims"]}
    assert verdicts["cns-2024-q4-two-ships"]["verdict"] == "supported"
    # Two clear looks hold the 17 October report (one optical with both ships, one radar with neither): on this
    # short record the permutation test cannot go below alpha, and the verdict says so instead of guessing.
    assert verdicts["cns-2024-10-17-ship"]["verdict"] in {"supported", "inconclusive"}
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0 and "alerts: 0 new, 0 updated, 2 unchanged; 0 report(s)" in second.output
    again = json.loads(CliRunner().invoke(cli, ["alerts", "--config", str(config_path), "--format", "json"]).output)
    assert again == alerts
