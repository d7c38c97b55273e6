"""`monitor run` with the sentinelhub source against the emulator: same counts as synthetic, PU, budget, splits."""

from __future__ import annotations

import sqlite3

import pytest
import rasterio
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config.loader import load_settings
from monitor.imagery.grid import aoi_grid
from monitor.sources.sentinelhub.collections import SENSOR_SPECS
from monitor.sources.sentinelhub.pu import estimate_pu
from tests.conftest import ROOT, write_config
from tests.sources.sentinelhub.conftest import WINDOW, write_sh_config


def _synthetic_counts(tmp_path, monkeypatch, args, detector="classical"):
    folder = tmp_path / "synthetic"
    folder.mkdir()
    cfg = write_config(folder)
    monkeypatch.setenv("MONITOR_SOURCE", "synthetic")
    monkeypatch.setenv("MONITOR_DETECTOR", detector)
    runner = CliRunner()
    res = runner.invoke(cli, ["-q", "run", "--config", str(cfg), *args])
    assert res.exit_code == 0, res.output
    out = runner.invoke(cli, ["counts", "--config", str(cfg), "--format", "json"]).output
    monkeypatch.setenv("MONITOR_SOURCE", "sentinelhub")
    return out


def _ledger(sh):
    with sqlite3.connect(sh.data / "monitor.sqlite") as c:
        return c.execute(
            "SELECT scene_id, part, pu_estimate, pu_spent, status, run_id FROM requests ORDER BY id"
        ).fetchall()


@pytest.mark.slow
def test_cnn_counts_through_the_emulator_equal_the_synthetic_source(sh, tmp_path, monkeypatch):
    window = ["--since", "2024-10-14", "--until", "2024-10-20"]
    expected = _synthetic_counts(tmp_path, monkeypatch, window, detector="cnn")
    monkeypatch.setenv("MONITOR_DETECTOR", "cnn")
    res = sh.run(*window)
    assert res.exit_code == 0, res.output
    got = sh.runner.invoke(cli, ["counts", "--config", str(sh.config), "--format", "json"]).output
    assert got == expected and len(sh.counts()) > 0
    assert all(not r["model"].startswith("classical") for r in sh.counts())
    assert {r["aoi"] for r in sh.counts()} == {"dunai", "sunan"}
    scene = next((sh.data / "scenes" / "dunai" / "sentinel-2-l2a").glob("*.tif"))
    with rasterio.open(scene) as ds:
        assert ds.descriptions == ("B02", "B03", "B04", "B08", "B11", "SCL", "dataMask")
        tags = ds.tags()
    assert tags["SENSOR"] == "sentinel-2-l2a" and tags["REFLECTANCE_SCALE"] == "0.0001"
    assert tags["SCENE_ID"] == scene.stem and tags["ACQUISITION_TIME"].endswith("Z")
    assert {h.host.split(":")[0] for h in sh.emu.hits} == {"127.0.0.1"}


def test_rerun_requests_nothing_it_already_has_and_pu_is_recorded(sh):
    first = sh.run(*WINDOW)
    assert first.exit_code == 0, first.output
    assert sh.emu.count("/process", 200) == 2
    rows = _ledger(sh)
    assert [r[4] for r in rows] == ["ok", "ok"] and all(r[1] == "1/1" for r in rows)
    charged = [h.pu for h in sh.emu.hits if "/process" in h.path]
    assert [r[3] for r in rows] == pytest.approx(charged, rel=1e-5)
    assert [r[2] for r in rows] == pytest.approx(charged, rel=1e-5)  # estimate and charge follow the same rules
    assert f"{sum(charged):.2f} this run" in first.output

    again = sh.run(*WINDOW)
    assert again.exit_code == 0, again.output
    assert sh.emu.count("/process") == 2 and len(_ledger(sh)) == 2
    assert sh.emu.count("/search") == 4  # discovery is repeated, pixels are not


def test_large_aoi_is_split_into_tiles_and_mosaicked_exactly(sh, tmp_path, monkeypatch):
    expected = _synthetic_counts(tmp_path, monkeypatch, WINDOW)
    sh.config = write_sh_config(tmp_path, "  tile_px: 200\n")
    res = sh.run(*WINDOW)
    assert res.exit_code == 0, res.output
    assert sh.runner.invoke(cli, ["counts", "--config", str(sh.config), "--format", "json"]).output == expected
    parts = [r[1] for r in _ledger(sh)]
    assert parts[:9] == [f"{i}/9" for i in range(1, 10)] and len(parts) == 18
    assert sh.emu.count("/process", 200) == 18


def test_dry_run_lists_requests_and_estimated_pu_and_writes_nothing(sh):
    res = sh.run("--dry-run", *WINDOW)
    assert res.exit_code == 0, res.output
    grid = aoi_grid(load_settings(sh.config).aois["dunai"])
    s2 = estimate_pu(grid.width, grid.height, SENSOR_SPECS["sentinel-2-l2a"])
    s1 = estimate_pu(grid.width, grid.height, SENSOR_SPECS["sentinel-1-grd"])
    assert f"{s2:.2f}" in res.output and f"{s1:.2f}" in res.output and "est_pu" in res.output
    assert f"about {s1 + s2:.2f} PU" in res.output
    assert sh.emu.count("/process") == 0 and not sh.data.exists()


def test_budget_stops_pulls_before_it_is_exceeded_and_a_bigger_budget_resumes(sh, tmp_path):
    sh.config = write_sh_config(tmp_path, "  monthly_pu_budget: 3.0\n")
    res = sh.run(*WINDOW)
    assert res.exit_code == 75
    assert "source.monthly_pu_budget" in res.output and "pulls stopped before the budget is exceeded" in res.output
    rows = _ledger(sh)
    assert len(rows) == 1 and sum(r[3] for r in rows) <= 3.0
    assert len(sh.counts()) == 2  # the Sentinel-2 scene that fitted is stored (two classes)
    assert not list((sh.data / "scenes" / "dunai").glob("sentinel-1-grd/*.tif"))
    sh.config = write_sh_config(tmp_path, "  monthly_pu_budget: 10.0\n")
    assert sh.run(*WINDOW).exit_code == 0
    assert len(sh.counts()) == 4 and sh.emu.count("/process") == 2


def test_missing_credentials_exit_69(sh, monkeypatch):
    monkeypatch.delenv("SH_CLIENT_SECRET")
    res = sh.run(*WINDOW)
    assert res.exit_code == 69 and "SH_CLIENT_SECRET is not set" in res.output
    monkeypatch.delenv("SH_CLIENT_ID")
    res = sh.run(*WINDOW)
    assert res.exit_code == 69 and "set SH_CLIENT_ID and SH_CLIENT_SECRET, or source.profile" in res.output
    assert sh.emu.hits == []


def test_credentials_from_an_shconfig_profile(sh, tmp_path, monkeypatch):
    from tests.sources.sentinelhub.conftest import CLIENT_ID, SECRET

    monkeypatch.delenv("SH_CLIENT_ID")
    monkeypatch.delenv("SH_CLIENT_SECRET")
    sh.config = write_sh_config(tmp_path, "  profile: monitor-test\n")
    res = sh.run("--dry-run", *WINDOW)
    assert res.exit_code == 78 and "no SHConfig file" in res.output
    toml = tmp_path / "xdg" / "sentinelhub" / "config.toml"
    toml.parent.mkdir(parents=True)
    toml.write_text(f'[monitor-test]\nsh_client_id = "{CLIENT_ID}"\nsh_client_secret = "{SECRET}"\n')
    res = sh.run("--dry-run", *WINDOW)
    assert res.exit_code == 0, res.output
    sh.config = write_sh_config(tmp_path, "  profile: nobody\n")
    res = sh.run("--dry-run", *WINDOW)
    assert res.exit_code == 78 and "source.profile: no such profile" in res.output


@pytest.mark.parametrize(
    ("var", "url", "needle"),
    [
        ("SH_BASE_URL", "http://example.com", "plain http is only allowed for a loopback emulator"),
        ("SH_TOKEN_URL", "ftp://127.0.0.1/token", "not an http(s) URL"),
    ],
)
def test_bad_urls_are_config_errors(sh, monkeypatch, var, url, needle):
    monkeypatch.setenv(var, url)
    res = sh.run(*WINDOW)
    assert res.exit_code == 78 and needle in res.output and sh.emu.hits == []


def test_site_cloud_rule_skips_or_keeps_a_scene_clouded_over_the_site(sh, tmp_path):
    aoi = (ROOT / "configs" / "aois" / "dunai.yaml").read_text()
    rule = tmp_path / "dunai.yaml"
    rule.write_text(aoi.replace("max_cloud: 0.8\n", "max_cloud: 0.8\nsite_cloud: {max_fraction: 0.2, action: skip}\n"))
    sh.config.write_text(sh.config.read_text().replace(str(ROOT / "configs" / "aois" / "dunai.yaml"), str(rule)))
    window = ["--aoi", "dunai", "--since", "2024-11-01", "--until", "2024-11-01"]
    res = sh.run(*window)
    assert res.exit_code == 0, res.output
    assert sh.counts() == []
    with sqlite3.connect(sh.data / "monitor.sqlite") as c:
        (reason,) = c.execute("SELECT reason FROM skipped_scenes").fetchone()
    assert "site cloud fraction" in reason
    assert sh.run(*window).exit_code == 0 and sh.emu.count("/process") == 1  # not planned again

    rule.write_text(aoi.replace("max_cloud: 0.8\n", "max_cloud: 0.8\nsite_cloud: {max_fraction: 0.2, action: keep}\n"))
    for db in sh.data.glob("monitor.sqlite*"):
        db.unlink()
    assert sh.run(*window).exit_code == 0
    rows = sh.counts()
    assert rows and all(r["observed_fraction"] < 0.8 for r in rows)
    assert sh.emu.count("/process") == 1  # the archived scene was reused, not pulled again
