"""to_resolution: scenes off 10 m are warped in their own CRS, scenes close to 10 m are left alone."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from pyproj import Transformer
from rasterio.crs import CRS

from monitor.imagery.grid import Grid
from monitor.imagery.resample import resample_grid, to_resolution
from monitor.imagery.scene import Scene, read_scene, write_scene

UTM = CRS.from_epsg(32653)


def scene_on(grid: Grid, seed: int = 0, scl: bool = False) -> Scene:
    rng = np.random.default_rng(seed)
    bands = {b: rng.uniform(0.02, 0.06, grid.shape).astype(np.float32) for b in ("B02", "B03", "B04", "B08")}
    return Scene(
        "sentinel-2-l2a",
        grid,
        bands,
        np.ones(grid.shape, dtype=bool),
        scl=np.full(grid.shape, 6, dtype=np.uint8) if scl else None,
    )


def mercator_grid(lon: float = 8.9, lat: float = 44.4, size: int = 140) -> Grid:
    x0, y0 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lon, lat)
    return Grid(CRS.from_epsg(3857), Affine(10.0, 0.0, x0, 0.0, -10.0, y0), size, size)


@pytest.mark.parametrize("pixel", [10.0, 9.5, 10.9])
def test_scene_within_tolerance_is_returned_as_is(pixel):
    scene = scene_on(Grid(UTM, Affine(pixel, 0.0, 279_500.0, 0.0, -pixel, 4_751_000.0), 64, 64))
    out, factor = to_resolution(scene)
    assert out is scene and factor == 1.0


def test_web_mercator_7m_scene_is_coarsened_in_its_own_crs():
    grid = mercator_grid()
    scene = scene_on(grid, scl=True)
    assert scene.pixel_size_m == pytest.approx(7.14, abs=0.05)
    scene.bands["B08"][60:63, 40:43] = 0.5  # a bright 3 x 3 px target
    scene.valid[100:120, 100:120] = False  # a cloud
    scene.scl[100:120, 100:120] = 9  # type: ignore[index]
    out, factor = to_resolution(scene)
    assert factor == pytest.approx(10.0 / scene.pixel_size_m, rel=1e-6)
    assert out.grid.crs == grid.crs
    assert out.pixel_size_m == pytest.approx(10.0, rel=0.01)
    assert out.grid.transform.c == grid.transform.c and out.grid.transform.f == grid.transform.f
    side = int(np.ceil(140 / factor))  # partial edge pixels are kept
    assert out.grid.shape == (side, side)
    ob, nb = grid.bounds, out.grid.bounds
    assert nb[0] == ob[0] and nb[3] == ob[3] and nb[2] >= ob[2] and nb[1] <= ob[1]
    # The bright target stays at the same CRS coordinates.
    r, c = np.unravel_index(np.argmax(out.bands["B08"]), out.grid.shape)
    x, y = out.grid.transform @ (c + 0.5, r + 0.5)
    tx, ty = grid.transform @ (41.5, 61.5)
    assert abs(x - tx) < 15 and abs(y - ty) < 15
    # Averaging keeps the mean reflectance, and the cloud stays invalid with its SCL class.
    inside = out.valid
    assert float(out.bands["B02"][inside].mean()) == pytest.approx(float(scene.bands["B02"].mean()), abs=2e-3)
    cx, cy = grid.transform @ (110, 110)
    cc, cr = ~out.grid.transform @ (cx, cy)
    assert not out.valid[int(cr), int(cc)] and out.scl is not None and out.scl[int(cr), int(cc)] == 9
    assert out.valid.mean() > 0.9 and set(np.unique(out.scl)) <= {0, 6, 9}
    assert not out.valid[out.scl == 0].any()  # beyond the source's edge: no data
    assert out.sensor == scene.sensor and set(out.bands) == set(scene.bands)


def test_coarse_scene_is_refined_bilinearly():
    scene = scene_on(Grid(UTM, Affine(20.0, 0.0, 279_500.0, 0.0, -20.0, 4_751_000.0), 32, 32))
    out, factor = to_resolution(scene)
    assert factor == pytest.approx(0.5)
    assert out.grid.shape == (64, 64) and out.pixel_size_m == pytest.approx(10.0)
    assert out.bands["B03"].min() >= scene.bands["B03"].min() - 1e-6
    assert out.bands["B03"].max() <= scene.bands["B03"].max() + 1e-6


def test_resample_grid_keeps_origin_and_covers_the_extent():
    grid = Grid(UTM, Affine(7.0, 0.0, 100.0, 0.0, -7.0, 900.0), 50, 30)
    out = resample_grid(grid, 10.0 / 7.0)
    assert out.transform.a == pytest.approx(10.0) and out.transform.e == pytest.approx(-10.0)
    assert (out.transform.c, out.transform.f) == (100.0, 900.0)
    assert out.shape == (35, 21)


def test_written_uint16_mercator_file_round_trips(tmp_path):
    grid = mercator_grid(size=96)
    rng = np.random.default_rng(5)
    bands = {b: rng.integers(1000, 4000, grid.shape) for b in ("B02", "B03", "B04")}
    path = write_scene(tmp_path / "tc.tif", grid, bands, {"REFLECTANCE_SCALE": str(1 / 65535)}, "uint16")
    out, factor = to_resolution(read_scene(path))
    assert factor > 1.3 and out.grid.crs == grid.crs
    assert set(out.bands) == {"B02", "B03", "B04"}
    assert 1000 / 65535 <= float(out.bands["B04"][out.valid].mean()) <= 4000 / 65535
