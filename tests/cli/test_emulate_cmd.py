"""`monitor emulate` started by hand (a subprocess), then `monitor run` pointed at it as the README says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sentinelhub.download.sentinelhub_client import SentinelHubDownloadClient

from monitor.cli import cli
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--host", "0.0.0.0"], "only listens on loopback addresses"),
        (["--host", "192.168.1.5"], "only listens on loopback addresses"),
        (["--fault", "teapot"], "unknown fault 'teapot'"),
    ],
)
def test_emulate_refuses_non_loopback_hosts_and_bad_faults(args, needle):
    res = CliRunner().invoke(cli, ["emulate", "--port", "0", *args])
    assert res.exit_code == 2 and needle in res.output


@pytest.mark.slow
def test_a_run_against_an_emulator_started_by_hand(tmp_path, monkeypatch):
    monitor = Path(sys.executable).with_name("monitor")  # the installed console script, as a user runs it
    cmd = [str(monitor), "-v", "emulate", "--port", "0", "--fault", "503:1@process"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        exports = dict(proc.stdout.readline().removeprefix("export ").strip().split("=", 1) for _ in range(2))
        assert exports["SH_BASE_URL"].startswith("http://127.0.0.1:")
        for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("MONITOR_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("MONITOR_SOURCE", "sentinelhub")
        monkeypatch.setenv("MONITOR_DETECTOR", "classical")
        monkeypatch.setenv("SH_CLIENT_ID", "anyone")
        monkeypatch.setenv("SH_CLIENT_SECRET", "anything")
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
        for key, value in exports.items():
            monkeypatch.setenv(key, value)
        SentinelHubDownloadClient.clear_cache()
        res = CliRunner().invoke(cli, ["run", "--aoi", "sunan", "--since", "2024-10-14", "--until", "2024-10-14"])
        assert res.exit_code == 0, res.output
        assert "processing units:" in res.output and "sunan" in res.output
        counts = CliRunner().invoke(cli, ["counts", "--format", "json"])
        assert '"scene_id": "sunan_S2L2A_20241014T021725"' in counts.output
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
        SentinelHubDownloadClient.clear_cache()
    assert "POST /api/v1/process -> 503" in err and "POST /api/v1/process -> 200" in err
    assert "anything" not in err
