"""Parts of the stac source: asset metadata, endpoints and their guard, GDAL settings, emulator faults."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config.loader import load_settings
from monitor.errors import ConfigError, TransientError
from monitor.sources.stac.assets import find_assets, unsigned
from monitor.sources.stac.emulator import parse_stac_fault
from monitor.sources.stac.settings import PRESETS, gdal_options, guard_href, resolve_stac
from tests.conftest import write_config


def _s2_item(**raster):
    band = {"nodata": 0, "data_type": "uint16", **raster}
    assets = {
        "red": {"href": "https://x.test/T/B04.tif", "type": "image/tiff; application=geotiff", "raster:bands": [band]},
        "nir": {
            "href": "https://x.test/T/B08.tif",
            "type": "image/tiff",
            "eo:bands": [{"name": "B8", "common_name": "nir"}],
            "raster:bands": [band],
        },
        "thumbnail": {"href": "https://x.test/T/thumb.jpg", "type": "image/jpeg"},
        "visual": {"href": "https://x.test/T/TCI.tif", "type": "image/tiff", "eo:bands": [{"name": "red"}] * 3},
    }
    return {"id": "S2B_T53TMN_20241017_0_L2A", "assets": assets}


def test_scale_offset_and_nodata_come_from_the_item_not_from_a_baseline():
    got = find_assets(_s2_item(scale=0.0001, offset=-0.1), "sentinel-2-l2a")
    assert set(got) == {"B04", "B08"}  # common name and eo:bands name; the 3-band visual and the JPEG are ignored
    assert (got["B04"].scale, got["B04"].offset, got["B04"].nodata) == (0.0001, -0.1, 0.0)
    older = find_assets(_s2_item(scale=0.0001, offset=0.0), "sentinel-2-l2a")
    assert older["B08"].offset == 0.0


def test_collection_item_assets_fill_what_the_item_leaves_out():
    item = {"id": "S1A_rtc", "assets": {"vv": {"href": "https://x.test/vv.tif", "type": "image/tiff"}}}
    assert find_assets(item, "sentinel-1-grd")["VV"].nodata is None
    defaults = {"vv": {"raster:bands": [{"nodata": -32768, "data_type": "float32"}]}}
    assert find_assets(item, "sentinel-1-grd", defaults)["VV"].nodata == -32768.0
    with pytest.raises(TransientError, match="no asset holds any of B02"):
        find_assets(item, "sentinel-2-l2a")


def test_provenance_hrefs_lose_their_signature():
    assert unsigned("https://a.blob.test/c/x/vv.tif?st=1&se=2&sig=abc") == "https://a.blob.test/c/x/vv.tif"


def _settings(tmp_path, extra=""):
    cfg = write_config(tmp_path, extra)
    return load_settings(cfg, env={"MONITOR_SOURCE": "stac"})


def test_presets_overrides_and_the_token_url_that_follows_the_api(tmp_path):
    src = _settings(tmp_path).source
    s1 = resolve_stac(src, "sentinel-1-grd", "cfg")
    assert (s1.url, s1.collection, s1.token_url) == PRESETS["sentinel-1-grd"]
    assert resolve_stac(src, "sentinel-2-l2a", "cfg").collection == "sentinel-2-c1-l2a"
    moved = _settings(tmp_path, "  stac:\n    s1:\n      url: http://127.0.0.1:9/stac\n      collection: s1-rtc-x\n")
    s1 = resolve_stac(moved.source, "sentinel-1-grd", "cfg")
    # Another API without a token URL reads unsigned: the public token service is never asked for it.
    assert (s1.url, s1.collection, s1.token_url) == ("http://127.0.0.1:9/stac", "s1-rtc-x", None)
    env = load_settings(
        write_config(tmp_path),
        env={"MONITOR_SOURCE": "stac", "MONITOR_STAC_S2_URL": "http://127.0.0.1:7/v1/", "MONITOR_STAC_S1_URL": ""},
    )
    assert resolve_stac(env.source, "sentinel-2-l2a", "cfg").url == "http://127.0.0.1:7/v1"


def test_plain_http_to_a_remote_api_is_refused(tmp_path):
    moved = _settings(tmp_path, "  stac:\n    s2:\n      url: http://earth-search.example/v1\n")
    with pytest.raises(ConfigError, match=r"source.stac.s2.url: plain http is only allowed for a loopback"):
        resolve_stac(moved.source, "sentinel-2-l2a", str(tmp_path / "monitor.yaml"))


def test_the_loopback_guard_refuses_the_public_presets(tmp_path, monkeypatch):
    for var in ("MONITOR_STAC_S2_URL", "MONITOR_STAC_S1_URL", "MONITOR_STAC_S1_TOKEN_URL", "MONITOR_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MONITOR_LOOPBACK_ONLY", "1")
    monkeypatch.setenv("MONITOR_SOURCE", "stac")
    cfg = write_config(tmp_path)
    res = CliRunner().invoke(cli, ["run", "--config", str(cfg), "--aoi", "dunai"])
    assert res.exit_code == 78
    assert f"MONITOR_LOOPBACK_ONLY is set: {cfg}: source.stac.s2.url" in res.output
    assert "'earth-search.aws.element84.com'" in res.output and not (tmp_path / "data").exists()
    assert guard_href("http://127.0.0.1:1/a.tif", "x") == "http://127.0.0.1:1/a.tif"
    with pytest.raises(ConfigError, match=r"asset B04 points at 'x\.test'"):
        guard_href("https://x.test/a.tif", "asset B04")


def test_gdal_is_bounded_in_time_and_never_lists_folders(tmp_path):
    src = _settings(tmp_path, "  timeout_s: 20\n  max_attempts: 3\n  retry_sleep_s: 2\n").source
    opts = gdal_options(src)
    assert opts["GDAL_DISABLE_READDIR_ON_OPEN"] == "EMPTY_DIR" and ".tif" in str(
        opts["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"]
    )
    assert (opts["GDAL_HTTP_TIMEOUT"], opts["GDAL_HTTP_MAX_RETRY"], opts["GDAL_HTTP_RETRY_DELAY"]) == (20, 2, 2.0)
    assert opts["GDAL_HTTP_LOW_SPEED_TIME"] == 20 and opts["GDAL_HTTP_LOW_SPEED_LIMIT"] > 0


def test_emulator_fault_specs():
    assert str(parse_stac_fault("cut")) == "cut:1@asset"
    assert str(parse_stac_fault("503:always@search")) == "503:always@search"
    with pytest.raises(ValueError, match="slow applies to @search"):
        parse_stac_fault("slow@asset")
    with pytest.raises(ValueError, match="unknown fault"):
        parse_stac_fault("429")


def test_emulate_refuses_a_bad_fault(tmp_path):
    res = CliRunner().invoke(cli, ["emulate", "--stac", "--config", str(write_config(tmp_path)), "--fault", "nope"])
    assert res.exit_code == 2 and "unknown fault 'nope'" in res.output
