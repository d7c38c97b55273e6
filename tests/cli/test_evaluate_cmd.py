"""`monitor evaluate` reports real airports and ports first, scored like the blind tests, then synthetic scenes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from affine import Affine
from click.testing import CliRunner
from rasterio.crs import CRS

from monitor.cli import cli
from monitor.imagery.grid import Grid
from monitor.imagery.scene import write_scene
from monitor.training.synth.terminal import terminal_scene


def airport_folder(root: Path, seeds: tuple[int, ...] = (1, 2)) -> Path:
    """Terminal scenes written like the development airports: true colour float32, boxes in the image CRS."""
    root.mkdir(parents=True, exist_ok=True)
    grid = Grid(CRS.from_epsg(32652), Affine(10.0, 0.0, 500_000.0, 0.0, -10.0, 4_300_000.0), 64, 64)
    for seed in seeds:
        img, planes, _ = terminal_scene(np.random.default_rng(seed), 64)
        bands = {name: img[i] for i, name in enumerate(("B02", "B03", "B04"))}
        tags = {"SENSOR": "sentinel-2-l2a", "ACQUISITION_DATE": "2025-06-04"}
        write_scene(root / f"ap{seed}.tif", grid, bands, tags, "float32")
        feats = []
        for p in planes:
            half = max(p.length, p.span) / 2
            x0, y0 = 500_000.0 + p.x - half, 4_300_000.0 - p.y - half
            ring = [[x0, y0], [x0 + 2 * half, y0], [x0 + 2 * half, y0 + 2 * half], [x0, y0 + 2 * half], [x0, y0]]
            inside = 0 <= p.y < 640 and 0 <= p.x < 640
            props = {"class": "aircraft", "size_m": 2 * half, "dontcare": 2 * half < 35 or not inside}
            feats.append(
                {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}
            )
        (root / f"ap{seed}.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return root


def test_evaluate_reports_real_airports_per_image_and_in_total(config_path, tmp_path):
    folder = airport_folder(tmp_path / "airports")
    empty = tmp_path / "ports"
    empty.mkdir()
    args = ["evaluate", "--config", str(config_path), "--every", "0", "--detector", "classical"]
    args += ["--aircraft-dir", str(folder), "--real-dir", str(empty)]
    res = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert [r["airport"] for r in out["airports"]] == ["ap1", "ap2"]
    assert out["synthetic"] == [] and out["ports"] == []
    for row in out["airports"]:
        assert row["tp"] + row["fn"] == row["boxes"] and row["tp"] + row["fp"] == row["predictions"]
    table = CliRunner().invoke(cli, args)
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].startswith("Real airports") and any("TOTAL" in line for line in lines)
