"""COG writing: valid for rio-cogeo, tiled, with overviews resampled the right way for each layer type."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import ColorInterp
from rio_cogeo.cogeo import cog_info, cog_validate

from monitor.export.cog import IMAGERY, PALETTED, write_cog
from monitor.export.palette import detection_colormap
from monitor.imagery.grid import Grid

RGBA = [ColorInterp.red, ColorInterp.green, ColorInterp.blue, ColorInterp.alpha]


@pytest.fixture
def grid() -> Grid:
    """600 x 520 px: over one 256 px tile, so the COG driver must build overviews."""
    return Grid(CRS.from_epsg(32653), Affine(10.0, 0.0, 279_000.0, 0.0, -10.0, 4_754_000.0), 600, 520)


def _assert_valid(path):
    valid, errors, warnings = cog_validate(path, quiet=True)
    assert valid and errors == [] and warnings == []


def test_rgba_quicklook_is_a_valid_cog_with_alpha_and_averaged_overviews(tmp_path, grid, rng):
    data = rng.integers(0, 256, (4, *grid.shape), dtype=np.uint8)
    data[3] = 255
    data[3, :, :40] = 0
    path = write_cog(tmp_path / "q.tif", data, grid, IMAGERY, RGBA, tags={"SCENE_ID": "x"})
    _assert_valid(path)
    info = cog_info(path)
    assert info.COG and info.Compression.upper() == "DEFLATE"
    with rasterio.open(path) as ds:
        assert list(ds.colorinterp) == RGBA
        assert ds.nodata is None  # alpha, not nodata
        assert ds.block_shapes[0] == (256, 256)
        assert ds.overviews(1) == [2, 4]
        assert ds.tags()["OVERVIEW_RESAMPLING"] == "AVERAGE" and ds.tags()["SCENE_ID"] == "x"
        assert ds.crs == grid.crs and ds.transform == grid.transform
        assert np.array_equal(ds.read(), data)
        over = ds.read(1, out_shape=(grid.height // 2, grid.width // 2))
    blocks = data[0].reshape(grid.height // 2, 2, grid.width // 2, 2).astype(float).mean(axis=(1, 3))
    # Averaged, not picked, where opaque; GDAL zeroes colour under alpha 0 (the first 40 columns, 20 here).
    assert np.abs(over[:, 20:].astype(float) - blocks[:, 20:]).max() <= 1.0
    assert not over[:, :20].any()


def test_paletted_class_raster_keeps_codes_exact_in_overviews(tmp_path, grid):
    codes = np.zeros((1, *grid.shape), np.uint8)
    codes[0, 100:103, 50:61] = 19
    codes[0, 101:104, 60:70] = 26
    codes[0, 400:401, 300:301] = 33
    path = write_cog(tmp_path / "d.tif", codes, grid, PALETTED, [ColorInterp.palette], 0, detection_colormap())
    _assert_valid(path)
    with rasterio.open(path) as ds:
        assert ds.nodata == 0 and ds.colorinterp == (ColorInterp.palette,)
        assert ds.colormap(1)[19] == detection_colormap()[19]
        assert ds.tags()["OVERVIEW_RESAMPLING"] == "NEAREST"
        assert ds.overviews(1) == [2, 4]
        for factor in (2, 4):
            over = ds.read(1, out_shape=(grid.height // factor, grid.width // factor))
            assert set(np.unique(over)) <= {0, 19, 26, 33}  # no blended codes
        assert np.array_equal(ds.read(), codes)


def test_small_raster_needs_no_overviews_and_is_still_valid(tmp_path):
    small = Grid(CRS.from_epsg(4326), Affine(0.0001, 0, 132.3, 0, -0.0001, 42.9), 40, 50)
    path = write_cog(tmp_path / "s.tif", np.ones((1, 40, 50), np.uint8), small, PALETTED, [ColorInterp.palette], 0)
    _assert_valid(path)


def test_a_bad_call_writes_nothing_and_keeps_the_previous_file(tmp_path, grid):
    target = tmp_path / "q.tif"
    good = np.zeros((4, *grid.shape), np.uint8)
    write_cog(target, good, grid, IMAGERY, RGBA)
    before = target.read_bytes()
    with pytest.raises(ValueError, match="does not match the grid"):
        write_cog(target, np.zeros((4, 10, 10), np.uint8), grid, IMAGERY, RGBA)
    with pytest.raises(ValueError, match="colour interpretations"):
        write_cog(target, good, grid, IMAGERY, RGBA[:3])
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["q.tif"]


def test_the_same_pixels_give_the_same_bytes(tmp_path, grid, rng):
    data = rng.integers(0, 256, (4, *grid.shape), dtype=np.uint8)
    a = write_cog(tmp_path / "a.tif", data, grid, IMAGERY, RGBA).read_bytes()
    b = write_cog(tmp_path / "b.tif", data, grid, IMAGERY, RGBA).read_bytes()
    assert a == b
