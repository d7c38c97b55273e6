"""`monitor export` through click's runner: output, exit codes, and nothing half-written on bad input."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from filelock import FileLock

from monitor.cli import cli
from monitor.export.files import SiteLayout
from tests.export.conftest import build_site


@pytest.fixture
def site(tmp_path, monkeypatch):
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "MONITOR_SOURCE"):
        monkeypatch.delenv(var, raising=False)
    return build_site(tmp_path)


def _export(site, *args):
    return CliRunner().invoke(cli, ["export", "--config", str(site.config), *args])


def test_export_prints_what_it_wrote_and_quiet_prints_nothing(site):
    res = _export(site)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].split() == ["aoi", "scenes", "cogs", "written", "detections", "claims", "project"]
    assert lines[2].split()[:5] == ["dunai", "5", "10", "7", "5"]
    assert lines[2].endswith("qgis/dunai.qgz")
    quiet = CliRunner().invoke(cli, ["-q", "export", "--config", str(site.config), "--aoi", "dunai"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_a_date_window_rewrites_only_its_scenes(site):
    assert _export(site).exit_code == 0
    res = _export(site, "--since", "2024-10-17", "--until", "2024-10-17")
    assert res.exit_code == 0 and res.output.splitlines()[2].split()[:3] == ["dunai", "5", "2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-10-20", "--until", "2024-10-10"], "--since 2024-10-20 is after --until 2024-10-10"),
        (["--aoi", "nowhere"], "unknown AOI id 'nowhere'"),
        (["--since", "2024-02-30"], "'2024-02-30' is not a valid date"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(site, args, message):
    res = _export(site, *args)
    assert res.exit_code == 2 and message in res.output
    assert not (site.data_dir / "qgis").exists() and not (site.data_dir / "overlays").exists()
    assert not (site.data_dir / "monitor.lock").exists()


def test_a_held_lock_exits_75(site):
    with FileLock(str(site.data_dir / "monitor.lock")):
        res = _export(site)
    assert res.exit_code == 75 and "another monitor run holds the lock" in res.output


def test_an_unreadable_scene_exits_65_naming_it_after_writing_the_rest(site):
    broken = next((site.data_dir / "scenes").rglob(f"{site.scene_ids[0]}.tif"))
    broken.write_bytes(b"\x00" * 64)
    res = _export(site)
    assert res.exit_code == 65
    assert f"{broken}: scene unreadable, left out of the QGIS outputs (1 in all)" in res.output
    assert SiteLayout(site.data_dir, "dunai").project.exists()


def test_a_bad_claims_ledger_exits_65_and_writes_no_project(site, tmp_path):
    ledger = tmp_path / "claims.yaml"
    ledger.write_text(
        "- {id: xyz, site: dunai, date: someday, precision: day, kind: claim, statement: a ship came in,"
        " sources: [{name: somebody}]}\n",
        encoding="utf-8",
    )
    res = _export(site, "--claims", str(ledger))
    assert res.exit_code == 65 and str(ledger) in res.output and "someday" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not SiteLayout(site.data_dir, "dunai").project.exists()


def test_a_bad_config_exits_78(tmp_path):
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text("aois: []\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["export", "--config", str(cfg)])
    assert res.exit_code == 78
