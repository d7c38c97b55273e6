import datetime as dt
import json

from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_settings
from monitor.ops.status import site_status
from monitor.store import Store
from monitor.store.runlog import STALE_RUN_ERROR, close_stale_runs, record_run_sites


def _run(store, aois, status, error=None, finished="2025-01-02T06:20:00Z"):
    run_id = store.start_run("run", "synthetic")
    since = {(a, "sentinel-2-l2a"): dt.date(2025, 1, 1) for a in aois}
    record_run_sites(store, run_id, since, dt.date(2025, 1, 2), {}, {})
    store.finish_run(run_id, status, 0, error)
    store.conn.execute("UPDATE runs SET finished=? WHERE id=?", (finished, run_id))
    return run_id


def test_status_shows_last_success_staleness_and_the_last_error(config_path):
    settings = load_settings(config_path, env={})
    now = dt.datetime(2025, 1, 2, 12, 0, tzinfo=dt.UTC)
    with Store(settings.data_dir / "monitor.sqlite") as store:
        _run(store, ["dunai", "sunan"], "ok")
        _run(store, ["sunan"], "failed", "sentinel hub unreachable", finished="2025-01-02T07:00:00Z")
        rows = {r.aoi: r for r in site_status(settings, store, now)}
        assert not rows["dunai"].stale and rows["dunai"].last_error is None
        assert rows["sunan"].last_error == "sentinel hub unreachable"
        assert rows["dunai"].age == dt.timedelta(hours=5, minutes=40)
        later = {r.aoi: r for r in site_status(settings, store, now + dt.timedelta(days=2))}
        assert later["dunai"].stale and later["sunan"].stale
        _run(store, ["sunan"], "ok", finished="2025-01-02T08:00:00Z")
        assert {r.aoi: r for r in site_status(settings, store, now)}["sunan"].last_error is None


def test_a_run_killed_mid_way_is_closed_as_interrupted_by_the_next(config_path):
    settings = load_settings(config_path, env={})
    with Store(settings.data_dir / "monitor.sqlite") as store:
        run_id = store.start_run("run", "synthetic")
        record_run_sites(store, run_id, {("dunai", "sentinel-1-grd"): dt.date(2025, 1, 1)}, None, {}, {})
        assert close_stale_runs(store) == 1
        row = store.conn.execute("SELECT status, error FROM runs WHERE id=?", (run_id,)).fetchone()
        assert (row["status"], row["error"]) == ("interrupted", STALE_RUN_ERROR)
        assert site_status(settings, store)[0].last_error == STALE_RUN_ERROR


def test_status_command_before_any_run_and_the_check_exit_code(config_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["status", "--config", str(config_path)])
    assert res.exit_code == 0 and "never" in res.output and "STALE" in res.output
    res = runner.invoke(cli, ["status", "--config", str(config_path), "--format", "json", "--check"])
    assert res.exit_code == 75
    rows = json.loads(res.stdout)
    assert [r["aoi"] for r in rows] == ["dunai", "sunan"] and all(r["stale"] for r in rows)


def test_json_logs_put_one_object_per_line_on_stderr(config_path):
    res = CliRunner().invoke(cli, ["--log-format", "json", "run", "--config", str(config_path), "--aoi", "nowhere"])
    assert res.exit_code == 2 and res.stdout == ""
    line = json.loads(res.stderr.strip().splitlines()[-1])
    assert line["level"] == "error" and line["exit_code"] == 2 and "nowhere" in line["message"]


def test_json_logs_from_the_environment(config_path, monkeypatch):
    monkeypatch.setenv("MONITOR_LOG_FORMAT", "json")
    res = CliRunner().invoke(cli, ["counts", "--config", str(config_path), "--aoi", "nowhere"])
    assert res.exit_code == 2 and json.loads(res.stderr)["exit_code"] == 2
