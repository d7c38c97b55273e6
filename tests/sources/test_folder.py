"""The folder source: GeoTIFFs a user already has, in any CRS, indexed from headers and cut to each AOI."""

from __future__ import annotations

import datetime as dt

import numpy as np
import rasterio
from affine import Affine
from click.testing import CliRunner
from rasterio.crs import CRS

from monitor.cli import cli
from monitor.config.loader import default_config_path, load_settings
from monitor.imagery.grid import Grid
from monitor.imagery.scene import write_scene
from monitor.sources.base import SceneRef, make_scene_id
from monitor.sources.folder import FolderSource
from monitor.sources.synthetic import SyntheticSource
from tests.conftest import ROOT, write_config

AOIS = load_settings(default_config_path(), env={}).aois
S2_WHEN = dt.datetime(2024, 10, 17, 1, 50, 39, tzinfo=dt.UTC)


def _user_tree(root):
    """A synthetic Dunai scene, a true-colour-only file in EPSG:4326, and files that are not scenes."""
    synthetic = SyntheticSource(ROOT / "configs" / "scenarios" / "default.yaml")
    ref = SceneRef("dunai", "sentinel-2-l2a", S2_WHEN, make_scene_id("dunai", "sentinel-2-l2a", S2_WHEN))
    (root / "2024" / "october").mkdir(parents=True)
    synthetic.fetch(ref, AOIS["dunai"], root / "2024" / "october" / "dunai_s2.tif")
    x0, y0, x1, y1 = AOIS["sunan"].bbox
    grid = Grid(CRS.from_epsg(4326), Affine((x1 - x0) / 80, 0, x0 - 0.01, 0, -(y1 - y0) / 80, y1 + 0.01), 90, 90)
    rgb = {b: np.full(grid.shape, 800, dtype=np.uint16) for b in ("B02", "B03", "B04")}
    write_scene(root / "sunan_rgb.TIF", grid, rgb, {"ACQUISITION_DATE": "20241014"}, "uint16")
    write_scene(root / "undated.tif", grid, rgb, {}, "uint16")
    (root / "notes.tif").write_text("not an image")
    far = Grid(CRS.from_epsg(4326), Affine(0.001, 0, 10.0, 0, -0.001, 50.0), 20, 20)
    write_scene(
        root / "elsewhere.tif",
        far,
        {"VV": np.ones(far.shape, np.float32)},
        {"ACQUISITION_TIME": "2024-10-15T09:00:00Z"},
        "float32",
    )


def test_index_and_discovery(tmp_path, caplog):
    _user_tree(tmp_path)
    source = FolderSource(tmp_path, "cfg")
    assert {p.path.name for p in source.index()} == {"dunai_s2.tif", "sunan_rgb.TIF", "elsewhere.tif"}
    assert "undated.tif: skipped, tag ACQUISITION_TIME/DATE" in caplog.text and "notes.tif: skipped" in caplog.text
    window = (dt.date(2024, 10, 1), dt.date(2024, 10, 31))
    (dunai,) = source.discover(AOIS["dunai"], "sentinel-2-l2a", *window)
    assert dunai.scene_id == "dunai_S2L2A_20241017T015039" and dunai.cloud_cover is not None
    (sunan,) = source.discover(AOIS["sunan"], "sentinel-2-l2a", *window)
    assert sunan.acquired == dt.datetime(2024, 10, 14, tzinfo=dt.UTC)
    assert source.discover(AOIS["dunai"], "sentinel-1-grd", *window) == []
    assert source.discover(AOIS["dunai"], "sentinel-2-l2a", dt.date(2024, 10, 18), dt.date(2024, 10, 31)) == []

    out = source.fetch(sunan, AOIS["sunan"], tmp_path / "archive" / "x.tif")
    with rasterio.open(out) as ds:
        assert ds.descriptions == ("B02", "B03", "B04") and ds.crs.to_epsg() == 4326
        assert ds.width < 90 and ds.height < 90 and ds.tags()["SOURCE"] == "folder"


def test_folder_run_counts_equal_the_synthetic_scene_it_holds(tmp_path, monkeypatch):
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MONITOR_DETECTOR", "classical")
    runner = CliRunner()
    window = ["--since", "2024-10-14", "--until", "2024-10-17"]

    monkeypatch.setenv("MONITOR_SOURCE", "synthetic")
    (tmp_path / "syn").mkdir()
    syn = write_config(tmp_path / "syn", aois=("dunai",))
    assert runner.invoke(cli, ["-q", "run", "--config", str(syn), "--aoi", "dunai", *window]).exit_code == 0
    expected = [r for r in _counts(runner, syn) if r["sensor"] == "sentinel-2-l2a"]
    assert expected

    tree = tmp_path / "tree"
    _user_tree(tree)
    (tmp_path / "fol").mkdir()
    fol = write_config(tmp_path / "fol", extra="", aois=("dunai", "sunan"))
    fol.write_text(fol.read_text().replace("  kind: synthetic", f"  kind: folder\n  folder: {tree}"))
    monkeypatch.delenv("MONITOR_SOURCE")
    res = runner.invoke(cli, ["run", "--config", str(fol), *window])
    assert res.exit_code == 0, res.output
    rows = _counts(runner, fol)
    assert [r for r in rows if r["aoi"] == "dunai"] == expected
    assert {r["scene_id"] for r in rows if r["aoi"] == "sunan"} == {"sunan_S2L2A_20241014T000000"}


def test_missing_folder_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_SOURCE", "folder")
    cfg = write_config(tmp_path)
    res = CliRunner().invoke(cli, ["run", "--config", str(cfg)])
    assert res.exit_code == 78 and "source.folder: not an existing folder" in res.output


def _counts(runner, cfg):
    import json

    res = runner.invoke(cli, ["counts", "--config", str(cfg), "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)
