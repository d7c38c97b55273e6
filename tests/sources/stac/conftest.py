"""A STAC emulator on 127.0.0.1 per test (over one shared archive), the environment pointing at it, a config.

Each test gets its own server port: GDAL caches COG blocks by URL for the life of the process, so a fresh
port keeps one test's reads (or faults) from being answered by another test's cache.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.config.loader import default_config_path, load_settings
from monitor.sources.sentinelhub.emulator.library import SceneLibrary
from monitor.sources.stac.emulator import FaultPlan, StacEmulator, parse_stac_fault
from monitor.sources.stac.emulator.archive import StacArchive
from monitor.sources.synthetic import SyntheticSource
from tests.conftest import ROOT, write_config

# One Sentinel-2 and one Sentinel-1 pass over Dunai.
WINDOW = ["--aoi", "dunai", "--since", "2024-10-17", "--until", "2024-10-18"]

FAST = """  timeout_s: 1.0
  max_attempts: 3
  retry_sleep_s: 0.01
"""


def _archive(cross_zone: bool) -> StacArchive:
    settings = load_settings(default_config_path(), env={})
    assert settings.source.scenario is not None
    library = SceneLibrary(list(settings.aois.values()), SyntheticSource(settings.source.scenario))
    return StacArchive(library, settings.source.stac.gamma0_to_sigma0, cross_zone=cross_zone, cache_items=32)


@pytest.fixture(scope="session")
def archive() -> StacArchive:
    return _archive(cross_zone=False)


@pytest.fixture(scope="session")
def cross_archive() -> StacArchive:
    return _archive(cross_zone=True)


@dataclass
class StacSetup:
    """One test's view of its emulator: config file, data folder, CLI runner."""

    emu: StacEmulator
    config: Path
    data: Path
    runner: CliRunner

    def faults(self, *specs: str, slow_seconds: float = 2.0) -> None:
        self.emu.faults = FaultPlan([parse_stac_fault(s) for s in specs], slow_seconds=slow_seconds)

    def run(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["run", "--config", str(self.config), *args])

    def counts(self) -> str:
        res = self.runner.invoke(cli, ["counts", "--config", str(self.config), "--format", "json"])
        assert res.exit_code == 0, res.output
        return res.output

    def data_bytes(self) -> int:
        return sum(h.sent for h in self.emu.asset_hits(206))


def point_at(monkeypatch: pytest.MonkeyPatch, emu: StacEmulator) -> None:
    """The environment a user sets to run the stac source against an emulator."""
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MONITOR_SOURCE", "stac")
    monkeypatch.setenv("MONITOR_DETECTOR", "classical")
    monkeypatch.setenv("MONITOR_STAC_S2_URL", emu.api_url)
    monkeypatch.setenv("MONITOR_STAC_S1_URL", emu.api_url)
    monkeypatch.setenv("MONITOR_STAC_S1_TOKEN_URL", emu.token_url)
    monkeypatch.setenv("MONITOR_LOOPBACK_ONLY", "1")


def _setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archive: StacArchive) -> StacSetup:
    emu = StacEmulator(archive).start()
    point_at(monkeypatch, emu)
    cfg = write_config(tmp_path, FAST)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("kind: synthetic", "kind: stac"), encoding="utf-8")
    return StacSetup(emu, cfg, tmp_path / "data", CliRunner())


@pytest.fixture
def stac(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archive: StacArchive) -> StacSetup:
    setup = _setup(tmp_path, monkeypatch, archive)
    yield setup
    setup.emu.stop()


@pytest.fixture
def stac_cross(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cross_archive: StacArchive) -> StacSetup:
    setup = _setup(tmp_path, monkeypatch, cross_archive)
    yield setup
    setup.emu.stop()


def synthetic_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> tuple[str, Path]:
    """``monitor counts --format json`` of the synthetic source over the same window, and its data folder."""
    folder = tmp_path / "synthetic"
    folder.mkdir()
    cfg = write_config(folder)
    with monkeypatch.context() as m:
        m.setenv("MONITOR_SOURCE", "synthetic")
        runner = CliRunner()
        res = runner.invoke(cli, ["-q", "run", "--config", str(cfg), *args])
        assert res.exit_code == 0, res.output
        out = runner.invoke(cli, ["counts", "--config", str(cfg), "--format", "json"]).output
    assert json.loads(out), "the window must hold scenes with counts"
    return out, folder / "data"


__all__ = ("FAST", "ROOT", "WINDOW", "StacSetup", "point_at", "synthetic_counts")
