from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.crs import CRS

from monitor.errors import InputDataError
from monitor.imagery.grid import Grid, ground_pixel_size
from monitor.imagery.scene import observed_mask, read_scene, write_scene


def _s2(tmp_path: Path, grid: Grid, dtype: str = "uint16", tags: dict[str, str] | None = None, order=None) -> Path:
    rng = np.random.default_rng(0)
    names = order or ["B02", "B03", "B04", "B08", "SCL", "dataMask"]
    bands = {}
    for n in names:
        if n == "SCL":
            bands[n] = np.full(grid.shape, 6)
        elif n == "dataMask":
            bands[n] = np.ones(grid.shape)
        else:
            bands[n] = rng.integers(100, 3000, grid.shape)
    bands["SCL"][:10, :] = 9
    bands["dataMask"][:, :4] = 0
    return write_scene(tmp_path / "s2.tif", grid, bands, {"SENSOR": "sentinel-2-l2a", **(tags or {})}, dtype)


def test_integer_bands_default_to_dn_over_10000(tmp_path, utm_grid):
    p = _s2(tmp_path, utm_grid, tags={"ACQUISITION_TIME": "2024-10-17T01:50:00Z"})
    with rasterio.open(p) as ds:
        raw = ds.read(3)
    s = read_scene(p)
    assert s.sensor == "sentinel-2-l2a"
    np.testing.assert_allclose(s.bands["B04"], raw / 10000.0, rtol=1e-6)
    assert s.acquired is not None and s.acquired.isoformat() == "2024-10-17T01:50:00+00:00"
    assert s.pixel_size_m == pytest.approx(10.0)


def test_reflectance_scale_tag_is_honoured_and_bands_found_by_description(tmp_path, utm_grid):
    order = ["dataMask", "B08", "SCL", "B04", "B03", "B02"]
    p = _s2(tmp_path, utm_grid, tags={"REFLECTANCE_SCALE": str(1 / 65535)}, order=order)
    with rasterio.open(p) as ds:
        raw_b04 = ds.read(4)
    s = read_scene(p)
    np.testing.assert_allclose(s.bands["B04"], raw_b04 / 65535.0, rtol=1e-6)
    assert s.acquired is None


def test_float_bands_are_reflectance_as_is(tmp_path, utm_grid):
    bands = {n: np.full(utm_grid.shape, 0.25, dtype="float32") for n in ("B04", "B03", "B02")}
    p = write_scene(tmp_path / "tc.tif", utm_grid, bands, {"ACQUISITION_DATE": "2025-06-04"}, "float32")
    s = read_scene(p)
    assert s.sensor == "sentinel-2-l2a"  # inferred from band names
    assert set(s.bands) == {"B02", "B03", "B04"}
    assert float(s.bands["B04"].mean()) == pytest.approx(0.25)
    assert s.observed_fraction == 1.0


def test_masks_combine_datamask_and_scl(tmp_path, utm_grid):
    s = read_scene(_s2(tmp_path, utm_grid))
    assert not s.valid[:10, :].any()
    assert not s.valid[:, :4].any()
    assert s.valid[20:, 10:].all()
    expected = observed_mask(utm_grid.shape, np.pad(np.ones((64, 60)), ((0, 0), (4, 0))), None)
    assert (s.valid <= expected).all()


def test_s1_db_units_are_converted_to_linear(tmp_path, utm_grid):
    vv = np.full(utm_grid.shape, -20.0, dtype="float32")
    p = write_scene(tmp_path / "s1.tif", utm_grid, {"VV": vv}, {"UNITS": "dB"}, "float32")
    s = read_scene(p)
    assert s.sensor == "sentinel-1-grd"
    assert float(s.bands["VV"].mean()) == pytest.approx(0.01, rel=1e-5)


def test_web_mercator_pixels_are_ground_metres():
    # 10 m Web-Mercator pixels at 44 N are about 7.2 m on the ground.
    y44 = 5_465_442.0
    size = ground_pixel_size(CRS.from_epsg(3857), Affine(10, 0, 1_000_000, 0, -10, y44 + 500), (100, 100))
    assert size == pytest.approx(10 * np.cos(np.radians(44.0)), rel=0.01)
    geo = ground_pixel_size(CRS.from_epsg(4326), Affine(1e-4, 0, 10, 0, -1e-4, 0.005), (100, 100))
    assert geo == pytest.approx(11.13, rel=0.02)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a tiff at all", "cannot open as a GeoTIFF"),
        (None, "lacks B04"),
        ("nocrs", "no coordinate reference system"),
        ("badsensor", "tag SENSOR: unknown sensor"),
        ("baddate", "ACQUISITION_TIME/DATE"),
    ],
)
def test_unusable_images_raise_input_data_error(tmp_path, utm_grid, content, message):
    p = tmp_path / "x.tif"
    arr = np.ones(utm_grid.shape, dtype="uint16")
    if isinstance(content, bytes):
        p.write_bytes(content)
    elif content is None:
        write_scene(p, utm_grid, {"B02": arr, "B03": arr}, {"SENSOR": "sentinel-2-l2a"}, "uint16")
    elif content == "nocrs":
        with rasterio.open(p, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint16") as ds:
            ds.write(np.ones((8, 8), dtype="uint16"), 1)
    elif content == "badsensor":
        write_scene(p, utm_grid, {"VV": arr}, {"SENSOR": "landsat"}, "uint16")
    else:
        write_scene(p, utm_grid, {"VV": arr}, {"ACQUISITION_TIME": "yesterday"}, "uint16")
    with pytest.raises(InputDataError, match=message) as info:
        read_scene(p)
    assert str(p) in str(info.value) and info.value.exit_code == 65


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path, utm_grid):
    bad = {"VV": np.full(utm_grid.shape, "x")}  # cannot be cast to float32: the write fails midway
    with pytest.raises(ValueError):
        write_scene(tmp_path / "s1.tif", utm_grid, bad, {}, "float32")
    assert list(tmp_path.iterdir()) == []


def test_missing_blue_band_is_estimated_and_flagged(tmp_path, utm_grid):
    rng = np.random.default_rng(3)
    green = rng.uniform(0.03, 0.2, utm_grid.shape).astype(np.float32)
    red, nir = green * 0.9, green * 1.4
    truth = np.float32(1.1411) * green - np.float32(0.1673) * red - np.float32(0.0937) * nir + np.float32(0.0049)
    p = write_scene(
        tmp_path / "noblue.tif",
        utm_grid,
        {"B03": green, "B04": red, "B08": nir},
        {"SENSOR": "sentinel-2-l2a", "MISSING_BANDS": "B02"},
        "float32",
    )
    scene = read_scene(p)
    assert scene.tags["ESTIMATED_BANDS"] == "B02"
    np.testing.assert_allclose(scene.bands["B02"], np.clip(truth, 0, None), atol=1e-5)
    full = read_scene(_s2(tmp_path, utm_grid))
    assert "ESTIMATED_BANDS" not in full.tags


def test_blue_estimate_is_close_on_a_real_port():
    from monitor.imagery.estimate import estimate_b02

    tif = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sen2ships" / "genoa.tif"
    if not tif.exists():
        pytest.skip("../shared/data/sen2ships is not beside this checkout")
    bands = read_scene(tif).bands
    guess = estimate_b02({k: v for k, v in bands.items() if k != "B02"})
    assert float(np.sqrt(np.mean((guess - bands["B02"]) ** 2))) < 0.02
