"""`monitor detect` keeps the JSON contract of interfaces.md on synthetic and real scenes."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_settings
from monitor.pipeline import make_source
from tests.conftest import SHARED

CONTRACT = {"image", "sensor", "crs", "acquired", "pixel_size_m", "observed_fraction", "counts", "detections"}
DET_KEYS = {"class", "score", "x", "y", "lon", "lat", "length_m", "width_m", "heading_deg"}
CLASSES = {"landing_ship", "vessel", "transport_aircraft", "aircraft"}


def _check_contract(out: dict) -> None:
    assert set(out) >= CONTRACT
    assert set(out["counts"]) == CLASSES
    for d in out["detections"]:
        assert set(d) == DET_KEYS
        assert d["class"] in CLASSES and 0.0 <= d["score"] <= 1.0
    for cls in CLASSES:
        assert out["counts"][cls] == sum(1 for d in out["detections"] if d["class"] == cls)


@pytest.fixture
def dunai_scene(config_path, tmp_path):
    settings = load_settings(config_path, env={})
    src = make_source(settings)
    aoi = settings.aois["dunai"]
    ref = next(r for r in src.discover(aoi, "sentinel-1-grd", aoi.start, src.end) if r.acquired.month == 10)
    return src.fetch(ref, aoi, tmp_path / f"{ref.scene_id}.tif")


def test_detect_json_on_a_synthetic_scene_with_and_without_aoi(config_path, dunai_scene):
    runner = CliRunner()
    res = runner.invoke(cli, ["detect", str(dunai_scene), "--json", "--config", str(config_path)])
    assert res.exit_code == 0, res.output
    whole = json.loads(res.output)
    _check_contract(whole)
    assert whole["sensor"] == "sentinel-1-grd" and whole["crs"] == "EPSG:32653"
    assert whole["acquired"].startswith("2024-10") and whole["acquired"].endswith("Z")
    assert whole["counts"]["landing_ship"] == 0  # never guessed without site context
    res = runner.invoke(cli, ["detect", str(dunai_scene), "--aoi", "dunai", "--json", "--config", str(config_path)])
    sited = json.loads(res.output)
    _check_contract(sited)
    assert sited["counts"]["transport_aircraft"] == 0
    table = runner.invoke(cli, ["detect", str(dunai_scene), "--config", str(config_path)])
    assert table.exit_code == 0 and "landing_ship" in table.output


@pytest.mark.skipif(not (SHARED / "data" / "sen2ships" / "hedland.tif").exists(), reason="shared data absent")
def test_detect_on_a_real_sen2ships_port(config_path, tmp_path):
    src = SHARED / "data" / "sen2ships" / "marseille.tif"
    res = CliRunner().invoke(cli, ["detect", str(src), "--json", "--config", str(config_path)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    _check_contract(out)
    assert out["crs"] == "EPSG:3857"
    assert out["pixel_size_m"] == pytest.approx(7.3, abs=0.3)  # 10 m Web-Mercator pixels at 43 N
    assert out["acquired"].startswith("2023-") and out["acquired"].endswith("T00:00:00Z")
    assert out["counts"]["vessel"] > 0
    # The scorer the blind tests use must read the output unchanged.
    shutil.copy(src.with_suffix(".geojson"), tmp_path / "marseille.geojson")
    (tmp_path / "marseille.pred.json").write_text(res.output)
    import subprocess
    import sys

    score = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_points.py"), str(tmp_path), "--classes", "landing_ship,vessel"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert score.stdout.startswith("marseille: boxes=18")
