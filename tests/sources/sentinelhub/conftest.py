"""The Sentinel Hub emulator on 127.0.0.1 for the whole session, reset before each test, and a config for it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sentinelhub.download.sentinelhub_client import SentinelHubDownloadClient

from monitor.cli import cli
from monitor.config.loader import default_config_path, load_settings
from monitor.sources.sentinelhub.emulator import Emulator, FaultPlan, TokenBook, build_emulator, parse_fault
from tests.conftest import ROOT

CLIENT_ID = "monitor-test-client-5c1d"
SECRET = "s3cr3t-do-not-leak-8f2a9b"
# One Sentinel-2 and one Sentinel-1 pass over Dunai.
WINDOW = ["--aoi", "dunai", "--since", "2024-10-17", "--until", "2024-10-18"]

FAST = """  timeout_s: 1.0
  max_attempts: 3
  retry_sleep_s: 0.01
  max_rate_limit_retries: 4
"""


@pytest.fixture(scope="session")
def emulator() -> Emulator:
    emu = build_emulator(load_settings(default_config_path(), env={})).start()
    yield emu
    emu.stop()


@dataclass
class ShSetup:
    """One test's view of the emulator: its config file, data folder and a CLI runner."""

    emu: Emulator
    config: Path
    data: Path
    runner: CliRunner

    def faults(self, *specs: str, slow_seconds: float = 2.0) -> None:
        self.emu.faults = FaultPlan([parse_fault(s) for s in specs], slow_seconds=slow_seconds, retry_after_ms=20)

    def run(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["run", "--config", str(self.config), *args])

    def counts(self) -> list[dict[str, object]]:
        res = self.runner.invoke(cli, ["counts", "--config", str(self.config), "--format", "json"])
        assert res.exit_code == 0, res.output
        return json.loads(res.output)


def write_sh_config(tmp_path: Path, extra: str = "", aois: tuple[str, ...] = ("dunai", "sunan")) -> Path:
    lines = ["data_dir: data", "aois:"]
    lines += [f"  - {ROOT / 'configs' / 'aois' / (a + '.yaml')}" for a in aois]
    lines += ["source:", "  kind: sentinelhub", f"  scenario: {ROOT / 'configs' / 'scenarios' / 'default.yaml'}"]
    path = tmp_path / "monitor.yaml"
    path.write_text("\n".join(lines) + "\n" + FAST + extra, encoding="utf-8")
    return path


@pytest.fixture
def sh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> ShSetup:
    """Environment pointing the sentinelhub source at the emulator; faults, tokens and the request log reset."""
    assert emulator.wait_idle(), "a previous test left a request in flight"
    emulator.faults = FaultPlan()
    emulator.tokens = TokenBook(CLIENT_ID, SECRET)
    with emulator.lock:
        emulator.hits.clear()
    SentinelHubDownloadClient.clear_cache()
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "SH_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MONITOR_SOURCE", "sentinelhub")
    monkeypatch.setenv("MONITOR_DETECTOR", "classical")
    monkeypatch.setenv("SH_BASE_URL", emulator.base_url)
    monkeypatch.setenv("SH_TOKEN_URL", emulator.token_url)
    monkeypatch.setenv("SH_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SH_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    yield ShSetup(emulator, write_sh_config(tmp_path), tmp_path / "data", CliRunner())
    emulator.wait_idle()
    SentinelHubDownloadClient.clear_cache()
