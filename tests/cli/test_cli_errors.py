"""Exit codes and one-line errors of the CLI, through click's runner."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.imagery.scene import write_scene
from tests.conftest import ROOT


@pytest.fixture
def runner():
    return CliRunner()


def test_help_and_version(runner):
    res = runner.invoke(cli, ["--help"])
    assert res.exit_code == 0 and "run" in res.output and "detect" in res.output
    assert runner.invoke(cli, ["--version"]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "--since", "2025-02-30"], "'2025-02-30' is not a valid date"),
        (["run", "--until", "25-01-01"], "not a valid date"),
        (["run", "--since", "2025-03-01", "--until", "2025-02-01"], "--since 2025-03-01 is after --until 2025-02-01"),
        (["run", "--aoi", "paris"], "unknown AOI id 'paris'"),
        (["counts", "--format", "xml"], "Invalid value for '--format'"),
        (["detect", "no-such-file.tif"], "does not exist"),
        (["detect"], "Missing argument"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_exit_2(runner, config_path, args, needle):
    cmd = args[:1] + (["--config", str(config_path)] if args[0] in ("run", "counts") else []) + args[1:]
    res = runner.invoke(cli, cmd)
    assert res.exit_code == 2, res.output
    assert needle in res.output
    assert not (config_path.parent / "data").exists()


def test_bad_config_exits_78_and_writes_nothing(runner, tmp_path):
    aoi = (ROOT / "configs" / "aois" / "sunan.yaml").read_text().replace("max_cloud: 0.8", "max_cloud: 7")
    (tmp_path / "sunan.yaml").write_text(aoi)
    cfg = tmp_path / "monitor.yaml"
    scenario = ROOT / "configs" / "scenarios" / "default.yaml"
    cfg.write_text(f"data_dir: out\naois: [sunan.yaml]\nsource: {{scenario: {scenario}}}\n")
    res = runner.invoke(cli, ["run", "--config", str(cfg)])
    assert res.exit_code == 78
    line = res.output.strip()
    assert "\n" not in line
    assert "sunan.yaml" in line and "max_cloud" in line and "7" in line
    assert not (tmp_path / "out").exists()


def test_unreadable_image_exits_65(runner, tmp_path, config_path):
    bad = tmp_path / "broken.tif"
    bad.write_bytes(b"II*\x00garbage")
    res = runner.invoke(cli, ["detect", str(bad), "--config", str(config_path)])
    assert res.exit_code == 65
    assert "broken.tif" in res.output and "cannot open as a GeoTIFF" in res.output


def test_image_without_needed_bands_exits_65(runner, tmp_path, config_path, utm_grid):
    p = write_scene(tmp_path / "nir.tif", utm_grid, {"B08": np.ones(utm_grid.shape)}, {}, "uint16")
    res = runner.invoke(cli, ["detect", str(p), "--config", str(config_path)])
    assert res.exit_code == 65 and "band descriptions" in res.output


def test_counts_on_an_empty_store(runner, config_path):
    res = runner.invoke(cli, ["counts", "--config", str(config_path), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.output) == []
    res = runner.invoke(cli, ["counts", "--config", str(config_path), "--format", "csv"])
    assert res.output.startswith("aoi,sensor,acquired,scene_id,class,count,observed_fraction,model")
