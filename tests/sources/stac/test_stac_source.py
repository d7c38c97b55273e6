"""`monitor run` with the stac source against the emulator, through real pystac-client and GDAL over HTTP."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import rasterio

from monitor.config.loader import load_settings
from monitor.imagery.scene import read_scene
from monitor.pipeline import make_source
from tests.sources.stac.conftest import WINDOW, synthetic_counts

BOTH = ["--since", "2024-10-17", "--until", "2024-10-20"]


def test_counts_and_pixels_equal_the_synthetic_source(stac, tmp_path, monkeypatch):
    expected, synth_data = synthetic_counts(tmp_path, monkeypatch, BOTH)
    res = stac.run(*BOTH)
    assert res.exit_code == 0, res.output
    assert stac.counts() == expected
    assert {r["aoi"] for r in json.loads(expected)} == {"dunai", "sunan"}
    for ours in sorted((stac.data / "scenes").rglob("*.tif")):
        theirs = read_scene(synth_data / ours.relative_to(stac.data))
        scene = read_scene(ours)
        assert scene.bands.keys() == theirs.bands.keys()
        for name, arr in scene.bands.items():
            np.testing.assert_allclose(arr, theirs.bands[name], rtol=1e-6, atol=0)
        assert np.array_equal(scene.valid, theirs.valid)
        if scene.sensor == "sentinel-2-l2a":
            assert np.array_equal(scene.scl, theirs.scl)
    assert {h.status for h in stac.emu.asset_hits()} <= {200, 206}
    # Only the first item of each pass (in the AOI's own UTM zone) is needed: the other is never opened.
    assert not any("_1_L2A" in h.path or ("_rtc/" in h.path and "_52_" in h.path) for h in stac.emu.asset_hits())


def test_provenance_is_kept_with_the_scene_and_has_no_signature(stac):
    res = stac.run(*WINDOW)
    assert res.exit_code == 0, res.output
    (s1,) = (stac.data / "scenes" / "dunai" / "sentinel-1-grd").glob("*.tif")
    (s2,) = (stac.data / "scenes" / "dunai" / "sentinel-2-l2a").glob("*.tif")
    with rasterio.open(s1) as ds:
        tags = ds.tags()
    assets = json.loads(tags["STAC_ASSETS"])
    ((item, hrefs),) = assets.items()
    assert item.endswith("_rtc") and set(hrefs) == {"VV", "VH"}
    assert all(h.startswith(stac.emu.base_url) and "?" not in h and "sig=" not in h for h in hrefs.values())
    assert tags["SOURCE"] == "stac" and tags["STAC_COLLECTION"] == "sentinel-1-rtc"
    assert tags["BACKSCATTER"].startswith("SIGMA0_FROM_GAMMA0_RTC") and tags["UNITS"] == "linear"
    assert len(tags["STAC_ITEMS"].split(",")) == 2  # both items of the pass are named, one was read
    with rasterio.open(s2) as ds:
        assert ds.descriptions == ("B02", "B03", "B04", "B08", "B11", "SCL", "dataMask")
        tags = ds.tags()
    assert tags["REFLECTANCE_SCALE"] == "0.0001" and tags["STAC_COLLECTION"] == "sentinel-2-c1-l2a"
    assert "sig=" not in json.dumps(tags)


def test_rerun_reads_nothing_it_already_has(stac):
    assert stac.run(*WINDOW).exit_code == 0
    assets, searches = len(stac.emu.asset_hits()), stac.emu.count("/search")
    assert assets > 0 and searches == 2
    again = stac.run(*WINDOW)
    assert again.exit_code == 0, again.output
    assert len(stac.emu.asset_hits()) == assets  # no header, no block, no token is asked for again
    assert stac.emu.count("/search") == 2 * searches  # discovery is repeated, pixels are not


def test_dry_run_lists_items_and_bytes_and_reads_no_pixel(stac):
    res = stac.run("--dry-run", *WINDOW)
    assert res.exit_code == 0, res.output
    assert "est_bytes" in res.output and "requests" in res.output and "MB in range requests" in res.output
    assert not stac.data.exists()
    header_only = stac.emu.asset_hits(206)
    assert header_only and all(h.sent <= 32768 for h in header_only)
    rows = [line.split() for line in res.output.splitlines() if line.startswith("dunai")]
    estimates = {r[1]: (int(r[4]), int(r[5]), int(r[6])) for r in rows}
    assert estimates["sentinel-2-l2a"][:2] == (1, 6) and estimates["sentinel-1-grd"][:2] == (1, 2)
    stac.emu.hits.clear()
    assert stac.run(*WINDOW).exit_code == 0
    # The estimate is what the run then transfers, within the header read's rounding.
    estimated = sum(e[2] for e in estimates.values())
    assert abs(stac.data_bytes() - estimated) < 0.1 * estimated


def test_cloud_limit_is_applied_by_the_search_before_any_pixel(stac):
    settings = load_settings(stac.config)
    source = make_source(settings)
    aoi = settings.aois["dunai"]
    since, until = dt.date(2024, 10, 1), dt.date(2024, 10, 31)
    everything = source.discover(aoi.model_copy(update={"max_cloud": 1.0}), "sentinel-2-l2a", since, until)
    clear = source.discover(aoi.model_copy(update={"max_cloud": 0.2}), "sentinel-2-l2a", since, until)
    assert len(everything) > len(clear) > 0
    assert all(r.cloud_cover is not None and r.cloud_cover <= 0.2 for r in clear)
    assert not stac.emu.asset_hits()


def test_an_aoi_across_a_utm_zone_edge_is_merged_from_both_zones(stac_cross, tmp_path, monkeypatch):
    _, synth_data = synthetic_counts(tmp_path, monkeypatch, WINDOW)
    res = stac_cross.run(*WINDOW)
    assert res.exit_code == 0, res.output
    read = {h.path.split("/")[3] for h in stac_cross.emu.asset_hits(206)}
    assert len(read) == 4  # both items of both passes
    for ours in (stac_cross.data / "scenes").rglob("*.tif"):
        scene, theirs = read_scene(ours), read_scene(synth_data / ours.relative_to(stac_cross.data))
        assert scene.grid == theirs.grid
        # Every pixel with data in the synthetic scene has data here too: the western 40 % came from the
        # neighbouring zone's item, resampled twice (by the emulator and back), so a few pixels shift.
        assert scene.valid.mean() >= 0.99 * theirs.valid.mean()
        east = slice(int(scene.grid.width * 0.4) + 1, None)
        first = next(iter(scene.bands))
        np.testing.assert_allclose(scene.bands[first][:, east], theirs.bands[first][:, east], rtol=1e-6)
        west = slice(0, int(scene.grid.width * 0.4))
        same = np.isclose(scene.bands[first][:, west], theirs.bands[first][:, west], rtol=1e-6)
        assert same.mean() > 0.5
