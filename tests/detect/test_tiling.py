"""Window-by-window detection over a file finds each object once, as one big window does."""

from __future__ import annotations

import numpy as np
from affine import Affine
from rasterio.crs import CRS

from monitor.detect.classical import ClassicalDetector
from monitor.detect.tiling import detect_file_windows
from monitor.imagery.grid import Grid
from monitor.imagery.scene import write_scene


def test_windows_match_a_single_read_and_count_seam_objects_once(tmp_path):
    rng = np.random.default_rng(11)
    grid = Grid(CRS.from_epsg(32653), Affine(10.0, 0, 500_000.0, 0, -10.0, 4_750_000.0), 700, 700)
    vv = rng.gamma(4.4, 0.02 / 4.4, grid.shape).astype("float32")
    ships = [(100, 100), (300, 350), (350, 300), (395, 200), (600, 600), (250, 640)]  # some across seams
    for r, c in ships:
        vv[r - 1 : r + 1, c - 5 : c + 6] = 3.0
    path = write_scene(tmp_path / "s1.tif", grid, {"VV": vv}, {"SENSOR": "sentinel-1-grd"}, "float32")
    det = ClassicalDetector()
    whole = detect_file_windows(path, det)
    windowed = detect_file_windows(path, det, window=320, overlap=96, single_max=0)
    assert len(whole.detections) == len(ships)
    assert sorted((round(d.row), round(d.col)) for d in windowed.detections) == sorted(
        (round(d.row), round(d.col)) for d in whole.detections
    )
    assert windowed.observed_fraction == whole.observed_fraction == 1.0
    assert windowed.sensor == "sentinel-1-grd"
