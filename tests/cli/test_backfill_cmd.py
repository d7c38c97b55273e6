import json

from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store


def test_backfill_shows_progress_resumes_and_matches_run(config_path, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_DETECTOR", "classical")
    runner = CliRunner()
    cfg = ["--config", str(config_path)]
    first = runner.invoke(cli, ["backfill", *cfg, "--since", "2024-10-10", "--until", "2024-10-12", "--progress"])
    assert first.exit_code == 0, first.output
    assert "scenes:" in first.stderr and "100%" in first.stderr
    # a longer window later: only the new part is fetched, what is stored is reported as stored before
    second = runner.invoke(cli, ["backfill", *cfg, "--since", "2024-10-10", "--until", "2024-10-16", "--no-progress"])
    assert second.exit_code == 0 and "stored before" in second.stdout and "scenes:" not in second.stderr
    with Store(config_path.parent / "data" / "monitor.sqlite") as st:
        runs = st.conn.execute("SELECT command, status, n_scenes FROM runs ORDER BY id").fetchall()
    assert [(r["command"], r["status"]) for r in runs] == [("backfill", "ok"), ("backfill", "ok")]
    assert runs[0]["n_scenes"] > 0 and runs[1]["n_scenes"] > 0
    backfilled = runner.invoke(cli, ["counts", *cfg, "--format", "json"]).stdout

    other = tmp_path / "other"
    other.mkdir()
    cfg2 = other / "monitor.yaml"
    cfg2.write_text(config_path.read_text())
    res = runner.invoke(cli, ["-q", "run", "--config", str(cfg2), "--since", "2024-10-10", "--until", "2024-10-16"])
    assert res.exit_code == 0
    assert runner.invoke(cli, ["counts", "--config", str(cfg2), "--format", "json"]).stdout == backfilled
    assert len(json.loads(backfilled)) > 0


def test_backfill_needs_both_dates(config_path):
    res = CliRunner().invoke(cli, ["backfill", "--config", str(config_path), "--since", "2024-10-10"])
    assert res.exit_code == 2 and "--until" in res.output
