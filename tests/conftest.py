"""Shared fixtures: a throw-away project config whose data folder lives in tmp_path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from monitor.imagery.grid import Grid

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def write_config(tmp_path: Path, extra: str = "", aois: tuple[str, ...] = ("dunai", "sunan")) -> Path:
    """A monitor.yaml in tmp_path pointing at the project's AOIs and scenario, data in tmp_path/data."""
    lines = ["data_dir: data", "aois:"]
    lines += [f"  - {ROOT / 'configs' / 'aois' / (a + '.yaml')}" for a in aois]
    lines += ["source:", "  kind: synthetic", f"  scenario: {ROOT / 'configs' / 'scenarios' / 'default.yaml'}"]
    path = tmp_path / "monitor.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture
def config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "MONITOR_SOURCE"):
        monkeypatch.delenv(var, raising=False)
    return write_config(tmp_path)


@pytest.fixture
def utm_grid() -> Grid:
    """A 64 x 64 px, 10 m UTM 53N grid near Dunai."""
    return Grid(CRS.from_epsg(32653), Affine(10.0, 0.0, 527_000.0, 0.0, -10.0, 4_748_000.0), 64, 64)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


ACQ = dt.datetime(2024, 10, 17, 1, 50, 0, tzinfo=dt.UTC)
