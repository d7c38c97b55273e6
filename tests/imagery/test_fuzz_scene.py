"""Imagery fuzzing: odd but possible GeoTIFFs (bands, dtypes, tags, CRSs, NaNs, sizes) and plain garbage through
``monitor detect``: a result or a clear one-line error with exit 65, never a traceback.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import rasterio
from affine import Affine
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from monitor.cli import cli

BANDS = ["B02", "B03", "B04", "B08", "B11", "SCL", "dataMask", "VV", "VH", "", "B02 ", "junk"]
TAGS = {
    "SENSOR": ["sentinel-2-l2a", "sentinel-1-grd", "landsat", ""],
    "ACQUISITION_TIME": ["2024-10-17T02:05:31Z", "2024-13-45T99:00:00Z", "yesterday", ""],
    "ACQUISITION_DATE": ["2024-10-17", "17/10/2024"],
    "REFLECTANCE_SCALE": ["0.0001", "abc", "-1", "nan", "0", "1e308"],
    "UNITS": ["dB", "linear", "furlongs"],
}
CRSS = ["EPSG:32653", "EPSG:4326", "EPSG:3857", "EPSG:32601", None]
# Derandomized by default so CI is reproducible, and without shrinking (it can take minutes; the failing
# example is printed as drawn). MONITOR_FUZZ_EXAMPLES=N explores N fresh random examples instead.
_EXPLORE = int(os.environ.get("MONITOR_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_EXPLORE or 80,
    derandomize=not _EXPLORE,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@st.composite
def geotiffs(draw):
    h, w = draw(st.integers(1, 48)), draw(st.integers(1, 48))
    base = draw(st.sampled_from([["B02", "B03", "B04"], ["B04", "B03", "B02", "SCL"], ["VV", "VH"], ["VH"], []]))
    names = base + [draw(st.sampled_from(BANDS)) for _ in range(draw(st.integers(0 if base else 1, 2)))]
    count = len(names)
    dtype = draw(st.sampled_from(["uint8", "uint16", "int16", "float32", "float64"]))
    crs = draw(st.sampled_from(CRSS))
    size = draw(st.sampled_from([10.0, 0.5, 2000.0, 1e-4, 1e-9]))
    x0, y0 = (132.3, 42.9) if crs == "EPSG:4326" else (527_000.0, 4_748_000.0)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    info = np.iinfo(dtype) if dtype.startswith(("u", "i")) else None
    if info is not None:
        data = rng.integers(info.min, info.max, size=(count, h, w), endpoint=True, dtype=dtype)
    else:
        data = rng.normal(0.2, draw(st.sampled_from([0.1, 1e3, 1e30])), size=(count, h, w)).astype(dtype)
        if draw(st.booleans()):
            data[..., : max(1, w // 3)] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return {
        "data": data,
        "crs": crs,
        "transform": Affine(size, 0, x0, 0, -size, y0),
        "names": names,
        "tags": {k: draw(st.sampled_from(v)) for k, v in TAGS.items() if draw(st.booleans())},
    }


OUTCOMES: list = []
CODES: list = []


def _detect(path, *extra):
    res = CliRunner().invoke(cli, ["detect", str(path), "--json", *extra])
    CODES.append(res.exit_code)
    assert res.exit_code in (0, 65), res.output
    assert "Traceback" not in res.output
    if res.exit_code == 65:
        lines = res.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("monitor: error: ") and str(path) in lines[0], res.output
    else:
        out = json.loads(res.stdout)
        assert 0.0 <= out["observed_fraction"] <= 1.0 and all(v >= 0 for v in out["counts"].values())


@pytest.mark.slow
@FUZZ
@given(spec=geotiffs(), with_aoi=st.booleans())
def test_odd_geotiffs_give_a_result_or_a_clear_error(tmp_path_factory, monkeypatch, spec, with_aoi):
    monkeypatch.setenv("MONITOR_DETECTOR", os.environ.get("MONITOR_FUZZ_DETECTOR", "classical"))
    path = tmp_path_factory.mktemp("img") / "scene.tif"
    data = spec["data"]
    profile = {"driver": "GTiff", "count": data.shape[0], "height": data.shape[1], "width": data.shape[2]}
    profile |= {"dtype": data.dtype.name, "crs": spec["crs"], "transform": spec["transform"]}
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data)
        for i, name in enumerate(spec["names"], start=1):
            if name:
                ds.set_band_description(i, name)
        ds.update_tags(**spec["tags"])
    _detect(path, *(["--aoi", "dunai"] if with_aoi else []))
    OUTCOMES.append(spec["names"])


@pytest.mark.slow
@FUZZ
@given(blob=st.binary(max_size=600), prefix=st.sampled_from([b"", b"II*\x00", b"MM\x00*"]))
def test_garbage_files_give_a_clear_error(tmp_path_factory, monkeypatch, blob, prefix):
    monkeypatch.setenv("MONITOR_DETECTOR", os.environ.get("MONITOR_FUZZ_DETECTOR", "classical"))
    path = tmp_path_factory.mktemp("junk") / "scene.tif"
    path.write_bytes(prefix + blob)
    _detect(path)


def test_zz_fuzzing_reached_both_outcomes():
    if len(CODES) < 20:
        pytest.skip("the fuzz tests did not run in this session")
    assert CODES.count(0) >= 5 and CODES.count(65) >= 5, CODES
