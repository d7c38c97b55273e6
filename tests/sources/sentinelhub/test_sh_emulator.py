"""The emulator against the real sentinelhub-py client: token, Catalog paging and filters, Process answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from oauthlib.oauth2.rfc6749.errors import InvalidClientError
from sentinelhub.api.catalog import SentinelHubCatalog
from sentinelhub.api.process import SentinelHubRequest
from sentinelhub.config import SHConfig
from sentinelhub.constants import CRS, MimeType
from sentinelhub.data_collections import DataCollection, ServiceUrl
from sentinelhub.download.sentinelhub_client import SentinelHubDownloadClient
from sentinelhub.exceptions import DownloadFailedException
from sentinelhub.geometry import BBox

from monitor.config.loader import default_config_path, load_settings
from monitor.imagery.grid import aoi_grid
from monitor.sources.sentinelhub.collections import SENSOR_SPECS, collection_for
from monitor.sources.sentinelhub.pu import estimate_pu
from monitor.sources.synthetic import SyntheticSource
from tests.conftest import ROOT
from tests.sources.sentinelhub.conftest import CLIENT_ID, SECRET

DUNAI = load_settings(default_config_path(), env={}).aois["dunai"]
S2_WHEN = dt.datetime(2024, 10, 17, 1, 50, 39, tzinfo=dt.UTC)
S1_WHEN = dt.datetime(2024, 10, 18, 9, 13, 14, tzinfo=dt.UTC)


def _config(sh, secret: str = SECRET) -> SHConfig:
    return SHConfig(
        use_defaults=True,
        sh_client_id=CLIENT_ID,
        sh_client_secret=secret,
        sh_base_url=sh.emu.base_url,
        sh_token_url=sh.emu.token_url,
        download_sleep_time=0.01,
        max_retries=5,
    )


def _request(sh, sensor, when, size=None, evalscript=None, responses=None):
    cfg = _config(sh)
    spec = SENSOR_SPECS[sensor]
    grid = aoi_grid(DUNAI)
    width, height = size or (grid.width, grid.height)
    x0, y1 = grid.transform.c, grid.transform.f
    bbox = BBox((x0, y1 - 10 * height, x0 + 10 * width, y1), crs=CRS(grid.crs.to_epsg()))
    ids = responses or spec.responses
    return SentinelHubRequest(
        evalscript=evalscript or spec.evalscript,
        input_data=[
            SentinelHubRequest.input_data(
                data_collection=collection_for(sensor, cfg.sh_base_url),
                time_interval=(when - dt.timedelta(minutes=5), when + dt.timedelta(minutes=5)),
                other_args={"processing": spec.processing} if spec.processing else None,
            )
        ],
        responses=[
            SentinelHubRequest.output_response(r, MimeType.JSON if r == "userdata" else MimeType.TIFF) for r in ids
        ],
        bbox=bbox,
        size=(width, height),
        config=cfg,
    )


def test_token_and_bad_secret(sh):
    items = list(
        SentinelHubCatalog(config=_config(sh)).search(
            collection_for("sentinel-2-l2a", sh.emu.base_url),
            bbox=BBox(DUNAI.bbox, crs=CRS.WGS84),
            time=("2024-10-01", "2024-10-31"),
        )
    )
    assert items and sh.emu.tokens.issued == 1
    SentinelHubDownloadClient.clear_cache()
    with pytest.raises(InvalidClientError):
        SentinelHubCatalog(config=_config(sh, secret="wrong")).get_collections()


def test_catalog_pages_through_next_tokens(sh):
    collection = collection_for("sentinel-2-l2a", sh.emu.base_url)
    catalog = SentinelHubCatalog(config=_config(sh))
    box, time = BBox(DUNAI.bbox, crs=CRS.WGS84), ("2024-10-01", "2024-10-20")
    everything = list(catalog.search(collection, bbox=box, time=time, limit=100))
    before = sh.emu.count("/search")
    paged = list(catalog.search(collection, bbox=box, time=time, limit=2))
    assert [f["id"] for f in paged] == [f["id"] for f in everything]
    assert len(everything) >= 6 and len(everything) % 2 == 0  # two granules per pass
    assert sh.emu.count("/search") - before == len(everything) // 2 + (1 if len(everything) % 2 else 0)
    assert list(catalog.search(collection, bbox=box, time=("2019-01-01", "2019-01-31"))) == []
    october = ("2024-10-01", "2024-10-31")
    clear = list(catalog.search(collection, bbox=box, time=october, filter="eo:cloud_cover < 30"))
    cloudy = list(catalog.search(collection, bbox=box, time=october, filter="eo:cloud_cover >= 30"))
    assert all(f["properties"]["eo:cloud_cover"] < 30 for f in clear) and len(clear) >= 8
    assert [f["properties"]["datetime"][:10] for f in cloudy] == ["2024-10-22", "2024-10-22"]


def test_sentinel1_cql2_filter_is_applied(sh):
    catalog = SentinelHubCatalog(config=_config(sh))
    box, time = BBox(DUNAI.bbox, crs=CRS.WGS84), ("2024-10-01", "2024-10-31")
    iw = list(catalog.search(collection_for("sentinel-1-grd", sh.emu.base_url), bbox=box, time=time))
    assert iw and all(f["properties"]["sar:instrument_mode"] == "IW" for f in iw)
    descending = DataCollection.SENTINEL1_IW_DES.define_from("TEST_S1_DES", service_url=sh.emu.base_url)
    assert list(catalog.search(descending, bbox=box, time=time)) == []


def test_process_answers_equal_the_synthetic_render(sh):
    synthetic = SyntheticSource(ROOT / "configs" / "scenarios" / "default.yaml")
    _, _, _, s2 = synthetic.render(DUNAI, "sentinel-2-l2a", S2_WHEN)
    tar = _request(sh, "sentinel-2-l2a", S2_WHEN).get_data()[0]
    assert set(tar) == {"bands.tif", "SCL.tif", "dataMask.tif", "userdata.json"}
    assert tar["bands.tif"].dtype == np.uint16 and tar["SCL.tif"].dtype == np.uint8
    np.testing.assert_array_equal(tar["bands.tif"][:, :, 2], s2.bands["B04"])
    np.testing.assert_array_equal(tar["SCL.tif"], s2.bands["SCL"])
    assert tar["userdata.json"] == {"norm_factor": 0.0001}

    _, _, _, s1 = synthetic.render(DUNAI, "sentinel-1-grd", S1_WHEN)
    single = _request(sh, "sentinel-1-grd", S1_WHEN).get_data(decode_data=False)[0]
    assert single.headers["Content-Type"] == "image/tiff"
    arr = single.decode()
    assert arr.dtype == np.float32 and arr.shape[2] == 3
    np.testing.assert_array_equal(arr[:, :, 0], s1.bands["VV"])
    grid = aoi_grid(DUNAI)
    assert float(single.headers["x-processingunits-spent"]) == pytest.approx(
        estimate_pu(grid.width, grid.height, SENSOR_SPECS["sentinel-1-grd"]), rel=1e-5
    )


def test_process_rejects_bad_evalscripts_and_oversized_outputs(sh):
    bad = SENSOR_SPECS["sentinel-2-l2a"].evalscript.replace('"B11"', '"B05"').replace("s.B11", "s.B05")
    with pytest.raises(DownloadFailedException, match="RENDERER_EXCEPTION"):
        _request(sh, "sentinel-2-l2a", S2_WHEN, evalscript=bad).get_data()
    with pytest.raises(DownloadFailedException, match="between 1 and 2500"):
        _request(sh, "sentinel-1-grd", S1_WHEN, size=(2501, 10)).get_data()


def test_rate_limit_and_server_errors_are_retried_by_the_client(sh):
    sh.faults("429:2", "503:1")
    with pytest.warns(Warning, match="rate limit"):
        data = _request(sh, "sentinel-1-grd", S1_WHEN).get_data()
    assert data[0].shape[2] == 3
    assert sh.emu.count("/process", 429) == 2 and sh.emu.count("/process", 503) == 1


def test_cached_answer_needs_no_second_request(sh, tmp_path):
    req = _request(sh, "sentinel-1-grd", S1_WHEN)
    req.data_folder = str(tmp_path / "cache")
    req.get_data(save_data=True)
    again = _request(sh, "sentinel-1-grd", S1_WHEN)
    again.data_folder = str(tmp_path / "cache")
    again.get_data(save_data=True)
    assert sh.emu.count("/process") == 1
    again.get_data(save_data=True, redownload=True)
    assert sh.emu.count("/process") == 2
    assert {h.host.split(":")[0] for h in sh.emu.hits} == {"127.0.0.1"}


def test_stock_collection_would_leave_the_machine_and_is_stopped(sh):
    req = SentinelHubRequest(
        evalscript=SENSOR_SPECS["sentinel-1-grd"].evalscript,
        input_data=[
            SentinelHubRequest.input_data(DataCollection.SENTINEL1_IW, time_interval=("2024-10-18", "2024-10-18"))
        ],
        responses=[SentinelHubRequest.output_response("default", MimeType.TIFF)],
        bbox=BBox(DUNAI.bbox, crs=CRS.WGS84),
        size=(10, 10),
        config=_config(sh),
    )
    # The stock collection carries the public service's URL (named here only through sentinelhub-py's constant).
    assert req.download_list[0].url.startswith(ServiceUrl.MAIN) and not ServiceUrl.MAIN.startswith("http://127.")
    with pytest.raises(AssertionError, match="only loopback"):
        req.get_data()
