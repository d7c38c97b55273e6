"""The sentinelhub source's parts on their own: PU rules, tiling, pass merging, settings, filters, ledger."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from monitor.config.models import SourceConfig
from monitor.errors import ConfigError, TransientError
from monitor.imagery.grid import Grid
from monitor.sources.sentinelhub.catalog import group_passes
from monitor.sources.sentinelhub.collections import SENSOR_SPECS, SensorSpec, collection_for
from monitor.sources.sentinelhub.emulator.cql2 import CqlError, matches, parse_cql2
from monitor.sources.sentinelhub.emulator.evalscript import EvalscriptError, parse_evalscript
from monitor.sources.sentinelhub.emulator.faults import parse_fault
from monitor.sources.sentinelhub.emulator.process import charge
from monitor.sources.sentinelhub.pu import estimate_pu, pu_from_headers
from monitor.sources.sentinelhub.settings import Credentials, is_loopback, redact, resolve_endpoints
from monitor.sources.sentinelhub.tiles import mosaic, split_grid
from monitor.store.db import Store
from monitor.store.requests import BudgetExceededError, RequestLedger, month_of


def test_pu_estimate_follows_the_published_rules():
    # The Sentinel Hub FAQ example: 2000 x 2000 px, 2 bands, 16 bit, orthorectified = 20.34 PU.
    faq = SensorSpec(
        "sentinel-1-grd", "", ("default",), {}, charged_bands=2, float32=False, orthorectify=True, dtype="uint16"
    )
    assert estimate_pu(2000, 2000, faq) == pytest.approx(20.34, abs=0.01)
    assert estimate_pu(10, 10, SENSOR_SPECS["sentinel-2-l2a"]) == pytest.approx(0.01 * 6 / 3)
    assert estimate_pu(512, 512, SENSOR_SPECS["sentinel-1-grd"]) == pytest.approx(2 / 3 * 2 * 2)
    for sensor, spec in SENSOR_SPECS.items():  # the emulator's independent reading of the evalscript agrees
        script = parse_evalscript(spec.evalscript)
        assert charge(569, 568, script, sensor == "sentinel-1-grd") == pytest.approx(estimate_pu(569, 568, spec))
    assert pu_from_headers({"X-ProcessingUnits-Spent": "1.5"}) == 1.5
    assert pu_from_headers({"content-type": "image/tiff"}) is None


def test_collections_always_carry_the_configured_url():
    s2 = collection_for("sentinel-2-l2a", "http://127.0.0.1:9")
    assert s2.service_url == "http://127.0.0.1:9" and s2.api_id == "sentinel-2-l2a"
    assert collection_for("sentinel-2-l2a", "http://127.0.0.1:9") is s2
    assert collection_for("sentinel-2-l2a", "https://sh.dataspace.copernicus.eu").service_url.endswith("copernicus.eu")


def test_split_and_mosaic_reproduce_the_grid_exactly():
    grid = Grid(CRS.from_epsg(32653), Affine(10.0, 0.0, 500_000.0, 0.0, -10.0, 4_750_000.0), 2501, 60)
    tiles = split_grid(grid, 2500)
    assert [(t.height, t.width) for t in tiles] == [(1251, 60), (1250, 60)]
    assert tiles[0].bounds[1] == tiles[1].bounds[3] and tiles[0].label == "1/2"
    assert split_grid(grid, 2501)[0].bounds == grid.bounds
    data = np.arange(2501 * 60, dtype=np.uint16).reshape(2501, 60)
    small = split_grid(grid, 700)
    parts = [(t, {"B": data[t.row : t.row + t.height, t.col : t.col + t.width]}) for t in small]
    np.testing.assert_array_equal(mosaic(grid, parts)["B"], data)
    assert max(max(t.height, t.width) for t in small) <= 700 and len(small) == 4


def test_items_of_one_pass_are_merged_keeping_the_earliest_time_and_worst_cloud():
    def item(ident, when, cc):
        return {"id": ident, "properties": {"datetime": when, "eo:cloud_cover": cc, "platform": "sentinel-2a"}}

    passes = group_passes(
        [
            item("b", "2024-10-17T01:50:43.000Z", 30.0),
            item("a", "2024-10-17T01:50:39.120Z", 10.0),
            item("c", "2024-10-22T01:51:11Z", 99.0),
        ]
    )
    assert [p.when for p in passes] == [
        dt.datetime(2024, 10, 17, 1, 50, 39, 120000, tzinfo=dt.UTC),
        dt.datetime(2024, 10, 22, 1, 51, 11, tzinfo=dt.UTC),
    ]
    assert passes[0].ids == ("a", "b") and passes[0].cloud_cover == pytest.approx(0.3)
    ref = passes[0].ref(type("A", (), {"id": "dunai"})(), "sentinel-2-l2a")
    assert ref.scene_id == "dunai_S2L2A_20241017T015039" and ref.meta["items"] == "a,b"


def test_endpoints_presets_and_overrides():
    assert resolve_endpoints(SourceConfig(preset="cdse"), "x").base_url == "https://sh.dataspace.copernicus.eu"
    assert "identity.dataspace.copernicus.eu" in resolve_endpoints(SourceConfig(preset="cdse"), "x").token_url
    own = resolve_endpoints(SourceConfig(base_url="http://127.0.0.1:8765/", token_url="http://localhost:1/t"), "x")
    assert own.base_url == "http://127.0.0.1:8765" and own.loopback
    assert not resolve_endpoints(SourceConfig(), "x").loopback
    with pytest.raises(ConfigError, match="plain http"):
        resolve_endpoints(SourceConfig(base_url="http://10.0.0.1"), "cfg.yaml")
    assert is_loopback("127.0.0.2") and is_loopback("::1") and not is_loopback("example.org")


def test_credentials_are_masked_and_redacted():
    creds = Credentials("my-id-123", "my-secret-456", "environment")
    assert "my-secret" not in repr(creds) and "my-id" not in str(creds)
    assert redact("token for my-id-123 with\nmy-secret-456 failed", creds) == "token for *** with *** failed"


def test_cql2_subset():
    flt = parse_cql2("sar:instrument_mode='IW' AND s1:polarization='DV' and eo:cloud_cover <= 30.5")
    assert matches(flt, {"sar:instrument_mode": "IW", "s1:polarization": "DV", "eo:cloud_cover": 30.5})
    assert not matches(flt, {"sar:instrument_mode": "EW", "s1:polarization": "DV", "eo:cloud_cover": 1})
    assert not matches(flt, {"sar:instrument_mode": "IW", "s1:polarization": "DV"})
    assert parse_cql2("") == []
    for bad in ("a = 1 OR b = 2", "a LIKE 'x%'", "= 3"):
        with pytest.raises(CqlError):
            parse_cql2(bad)


@pytest.mark.parametrize(
    ("script", "needle"),
    [
        ("function setup() {}", "VERSION=3"),
        (
            '//VERSION=3\nfunction setup(){return {input: ["B04"], output: {bands: 1}};}\n'
            "function evaluatePixel(s){return [2.5 * s.B04];}",
            "only returns input samples",
        ),
        (
            '//VERSION=3\nfunction setup(){return {input: ["B04"], output: {bands: 2, sampleType: "UINT8"}};}\n'
            "function evaluatePixel(s){return [s.B04];}",
            "declares 2 bands",
        ),
        (
            '//VERSION=3\nfunction setup(){return {input: ["B04"], output: {bands: 1, sampleType: "INT64"}};}\n'
            "function evaluatePixel(s){return [s.B04];}",
            "sampleType",
        ),
    ],
)
def test_evalscript_errors(script, needle):
    with pytest.raises(EvalscriptError, match=needle):
        parse_evalscript(script)


def test_fault_specs():
    fault = parse_fault("429:3@process")
    assert (fault.kind, fault.remaining, fault.scope, str(fault)) == ("429", 3, "process", "429:3@process")
    assert parse_fault("503:always").remaining is None and parse_fault("corrupt").remaining == 1
    assert parse_fault("slow:2@token").scope == "token"
    for bad in ("teapot", "expire:always", "429:0", "corrupt@catalog", "429@token"):
        with pytest.raises(ValueError):
            parse_fault(bad)


def test_ledger_reserves_settles_and_enforces_the_budget(tmp_path):
    db = tmp_path / "monitor.sqlite"
    Store(db).close()
    ledger = RequestLedger(db, "sentinelhub", budget=5.0)
    ledger.run_id = None
    a = ledger.reserve("process", "s1", "1/1", 10, 10, 2.0)
    assert ledger.month_spent() == pytest.approx(2.0)  # pending counts its estimate
    ledger.settle(a, 1.5)
    b = ledger.reserve("process", "s2", "1/1", 10, 10, 2.0)
    ledger.settle(b, None, error="boom")  # failed requests are not charged
    c = ledger.reserve("process", "s3", "1/1", 10, 10, 3.5)
    ledger.settle(c, None)  # no header: the estimate stands
    assert ledger.month_spent() == pytest.approx(5.0)
    with pytest.raises(BudgetExceededError, match="pulls stopped before the budget is exceeded") as err:
        ledger.reserve("process", "s4", "1/1", 10, 10, 0.01)
    assert isinstance(err.value, TransientError) and err.value.exit_code == 75
    assert ledger.month_spent("1999-01") == 0.0 and len(month_of()) == 7
    assert RequestLedger(tmp_path / "none.sqlite", "sentinelhub", 1.0).month_spent() == 0.0
