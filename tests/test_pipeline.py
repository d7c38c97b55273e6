"""The whole loop, offline: synthetic source -> scene archive -> detector -> SQLite, through the CLI."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_settings
from monitor.pipeline import run
from monitor.store import Store

WINDOW = ["--since", "2024-10-10", "--until", "2024-10-24"]


def _counts_json(runner, cfg):
    res = runner.invoke(cli, ["counts", "--config", str(cfg), "--format", "json"])
    assert res.exit_code == 0, res.output
    return res.output


def test_run_stores_counts_and_a_rerun_does_no_new_work(config_path):
    runner = CliRunner()
    first = runner.invoke(cli, ["run", "--config", str(config_path), *WINDOW])
    assert first.exit_code == 0, first.output
    assert "dunai" in first.output and "sunan" in first.output and "max landing_ship" in first.output
    rows = json.loads(_counts_json(runner, config_path))
    assert {r["aoi"] for r in rows} == {"dunai", "sunan"}
    assert {r["sensor"] for r in rows} == {"sentinel-2-l2a", "sentinel-1-grd"}
    assert [(r["aoi"], r["acquired"], r["sensor"], r["class"]) for r in rows] == sorted(
        (r["aoi"], r["acquired"], r["sensor"], r["class"]) for r in rows
    )
    dunai_classes = {r["class"] for r in rows if r["aoi"] == "dunai"}
    assert dunai_classes == {"landing_ship", "vessel"}
    assert all(0.0 <= r["observed_fraction"] <= 1.0 for r in rows)
    before = _counts_json(runner, config_path)

    settings = load_settings(config_path, env={})
    again = run(settings, since=None, until=None, dry_run=True)
    planned_in_window = [j for j in again.jobs if "2024-10-10" <= j.ref.acquired.date().isoformat() <= "2024-10-24"]
    assert planned_in_window == []

    second = run(settings, since=dt.date(2024, 10, 10), until=dt.date(2024, 10, 24))
    assert second.n_processed == 0
    assert sum(second.discovered.values()) > 0
    assert _counts_json(runner, config_path) == before
    with Store(settings.data_dir / "monitor.sqlite") as st:
        runs = st.conn.execute("SELECT status, n_scenes FROM runs ORDER BY id").fetchall()
    assert [r["status"] for r in runs] == ["ok", "ok"] and runs[1]["n_scenes"] == 0


def test_landing_ships_are_seen_during_the_october_2024_transfer(config_path):
    settings = load_settings(config_path, env={})
    run(settings, ["dunai"], dt.date(2024, 10, 10), dt.date(2024, 10, 20))
    with Store(settings.data_dir / "monitor.sqlite") as st:
        rows = st.counts(["dunai"])
        scenes = st.conn.execute("SELECT scene_id, path FROM scenes").fetchall()
        dets = st.detections(scenes[0]["scene_id"])
    seen = max(r.count for r in rows if r.object_class == "landing_ship" and r.observed_fraction > 0.5)
    assert seen >= 1
    assert all(r["footprint"].startswith("POLYGON") for r in dets)
    assert all((settings.data_dir / "scenes").exists() for _ in scenes)


def test_dry_run_writes_nothing(config_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["run", "--config", str(config_path), "--dry-run", *WINDOW])
    assert res.exit_code == 0
    assert "dunai_S2L2A_2024101" in res.output
    assert not (config_path.parent / "data" / "monitor.sqlite").exists()
    assert not (config_path.parent / "data" / "scenes").exists()


def test_quiet_run_prints_nothing(config_path):
    res = CliRunner().invoke(cli, ["-q", "run", "--config", str(config_path), "--aoi", "sunan", *WINDOW])
    assert res.exit_code == 0 and res.output == ""


def test_a_second_run_while_one_holds_the_lock_exits_75(config_path):
    from filelock import FileLock

    data = config_path.parent / "data"
    data.mkdir()
    with FileLock(str(data / "monitor.lock")):
        res = CliRunner().invoke(cli, ["run", "--config", str(config_path), *WINDOW])
    assert res.exit_code == 75
    assert "another monitor run holds the lock" in res.output
