from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from shapely.geometry import Polygon

from monitor.config import load_settings
from monitor.config.loader import default_config_path
from monitor.config.models import AOIConfig, SensorName
from monitor.errors import ConfigError
from monitor.imagery import aoi_grid, read_scene, site_masks
from monitor.imagery.scene import SCL_INVALID
from monitor.sources.base import SceneRef, make_scene_id
from monitor.sources.synthetic import (
    CATALOGUE,
    PlacedObject,
    SyntheticSource,
    load_scenario,
    objects_at,
    truth_path,
)
from monitor.sources.synthetic.atmosphere import scene_conditions
from monitor.sources.synthetic.scenario import planned
from tests.conftest import ROOT

SCENARIO = ROOT / "configs" / "scenarios" / "default.yaml"


@pytest.fixture(scope="module")
def aois() -> dict[str, AOIConfig]:
    return load_settings(default_config_path(), env={}).aois


@pytest.fixture(scope="module")
def source() -> SyntheticSource:
    return SyntheticSource(SCENARIO)


def _one(source: SyntheticSource, aoi: AOIConfig, sensor: SensorName, day: dt.date, days: int = 5) -> SceneRef:
    refs = source.discover(aoi, sensor, day, day + dt.timedelta(days=days - 1))
    assert refs, f"no {sensor} look over {aoi.id} from {day}"
    return refs[0]


def _footprint(obj: PlacedObject) -> Polygon:
    x, y, h = obj.x, obj.y, math.radians(obj.heading_deg)
    ax, ay = math.sin(h), math.cos(h)
    hl, hw = obj.length_m / 2, obj.width_m / 2
    signs = ((1, 1), (1, -1), (-1, -1), (-1, 1))
    return Polygon([(x + a * hl * ax + b * hw * ay, y + a * hl * ay - b * hw * ax) for a, b in signs])


def test_fetch_is_deterministic(tmp_path: Path, aois: dict[str, AOIConfig], source: SyntheticSource):
    ref = _one(source, aois["dunai"], "sentinel-2-l2a", dt.date(2024, 10, 10))
    first = source.fetch(ref, aois["dunai"], tmp_path / "a.tif")
    second = SyntheticSource(SCENARIO).fetch(ref, aois["dunai"], tmp_path / "b.tif")
    with rasterio.open(first) as a, rasterio.open(second) as b:
        assert a.read().tobytes() == b.read().tobytes()
        assert a.tags() == b.tags()
    assert json.loads(truth_path(first).read_text()) == json.loads(truth_path(second).read_text())


def test_s2_reads_back_with_scale_sensor_and_masks(tmp_path: Path, aois: dict[str, AOIConfig], source: SyntheticSource):
    aoi = aois["dunai"]
    ref = _one(source, aoi, "sentinel-2-l2a", dt.date(2024, 10, 10))
    path = source.fetch(ref, aoi, tmp_path)
    assert path == tmp_path / f"{ref.scene_id}.tif"
    scene = read_scene(path)
    assert scene.sensor == "sentinel-2-l2a"
    assert scene.acquired == ref.acquired
    assert scene.scene_id == ref.scene_id == make_scene_id("dunai", "sentinel-2-l2a", ref.acquired)
    assert scene.tags["SOURCE"] == "synthetic" and scene.tags["SCENARIO"] == "default"
    assert scene.tags["ACQUISITION_TIME"].endswith("Z")
    assert set(scene.bands) == {"B02", "B03", "B04", "B08", "B11"}
    assert scene.pixel_size_m == pytest.approx(10.0)
    water = site_masks(aoi, scene.grid).kinds("water") & scene.valid
    assert 0.02 < float(np.median(scene.bands["B02"][water])) < 0.09
    assert float(np.median(scene.bands["B08"][water])) < 0.05
    with rasterio.open(path) as ds:
        names = list(ds.descriptions)
        scl = ds.read(names.index("SCL") + 1)
        data = ds.read(names.index("dataMask") + 1)
    np.testing.assert_array_equal(scene.valid, (data > 0) & ~np.isin(scl, SCL_INVALID))
    truth = json.loads(truth_path(path).read_text())
    assert truth["observed_fraction"] == pytest.approx(scene.observed_fraction, abs=1e-3)


def test_s1_reads_back_dark_water_bright_ships(tmp_path: Path, aois: dict[str, AOIConfig], source: SyntheticSource):
    aoi = aois["dunai"]
    ref = _one(source, aoi, "sentinel-1-grd", dt.date(2024, 10, 8), days=12)
    assert ref.cloud_cover == 0.0
    path = source.fetch(ref, aoi, tmp_path / "s1.tif")
    scene = read_scene(path)
    assert scene.sensor == "sentinel-1-grd" and set(scene.bands) == {"VV", "VH"}
    masks = site_masks(aoi, scene.grid)
    vv = scene.bands["VV"]
    water, land = masks.kinds("water") & scene.valid, masks.kinds("land") & scene.valid
    assert float(np.median(vv[water])) < 0.05 < float(np.median(vv[land]))
    truth = json.loads(truth_path(path).read_text())
    ships = [o for o in truth["objects"] if o["length_m"] >= 90 and o["visible"]]
    assert ships
    for obj in ships:
        col, row = ~scene.grid.transform @ (obj["x"], obj["y"])
        window = vv[int(row) - 2 : int(row) + 3, int(col) - 2 : int(col) + 3]
        assert float(window.max()) > 0.3


def test_objects_lie_in_their_zones_and_never_overlap(aois: dict[str, AOIConfig]):
    scenario = load_scenario(SCENARIO, list(aois.values()))
    days = [
        dt.date(2024, 9, 3),
        dt.date(2024, 10, 12),
        dt.date(2024, 11, 12),
        dt.date(2025, 5, 10),
        dt.date(2025, 6, 4),
    ]
    for aoi in aois.values():
        masks = site_masks(aoi, aoi_grid(aoi))
        for day in days:
            when = dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC)
            objects = objects_at(scenario, aoi, masks, when)
            assert len(objects) == sum(p.count for p in planned(scenario, aoi.id, day))
            shapes = []
            for obj in objects:
                r, c = math.floor(obj.row), math.floor(obj.col)
                assert masks.named(obj.zone)[r, c], (aoi.id, day, obj)
                assert not masks.kinds("land", "building", "pier", "quay")[r, c]
                assert (masks.water if obj.domain == "ship" else masks.airside)[r, c]
                assert 0.0 <= obj.heading_deg < 180.0
                shapes.append(_footprint(obj))
            for i, a in enumerate(shapes):
                assert all(not a.intersects(b) for b in shapes[i + 1 :]), (aoi.id, day)


def test_truth_counts_replay_the_scenario(tmp_path: Path, aois: dict[str, AOIConfig], source: SyntheticSource):
    aoi = aois["dunai"]
    ref = _one(source, aoi, "sentinel-2-l2a", dt.date(2024, 10, 10))
    truth = json.loads(truth_path(source.fetch(ref, aoi, tmp_path / "x.tif")).read_text())
    plans = planned(source.scenario, "dunai", ref.acquired.date())
    expected = {k: 0 for k in truth["counts"]}
    for plan in plans:
        expected[CATALOGUE[plan.entry.type].object_class] += plan.count
    assert truth["counts"] == expected
    assert truth["counts"]["landing_ship"] == 2
    assert truth["events"] == ["troop_transfer_oct2024"]
    assert {o["type"] for o in truth["objects"] if o["class"] == "landing_ship"} == {"ropucha", "alligator"}
    quiet = objects_at(source.scenario, aoi, site_masks(aoi, aoi_grid(aoi)), dt.datetime(2024, 9, 20, tzinfo=dt.UTC))
    assert not [o for o in quiet if o.object_class == "landing_ship"]
    surge = planned(source.scenario, "sunan", dt.date(2025, 6, 4))
    assert sum(p.count for p in surge if p.origin == "transport_surge_jun2025") == 3


def test_revisit_cadence_and_pass_times(aois: dict[str, AOIConfig], source: SyntheticSource):
    dunai, sunan = aois["dunai"], aois["sunan"]

    def gaps(refs: list[SceneRef]) -> set[int]:
        return {(b.acquired.date() - a.acquired.date()).days for a, b in itertools.pairwise(refs)}

    s2 = source.discover(dunai, "sentinel-2-l2a", dt.date(2024, 8, 1), dt.date(2024, 11, 30))
    assert s2[0].acquired.date() >= source.scenario.start and gaps(s2) == {5}
    assert all(r.cloud_cover is not None and 0.0 <= r.cloud_cover <= 1.0 for r in s2)
    assert all(dt.time(1, 35) < r.acquired.time() < dt.time(2, 5) for r in s2)
    sunan_s2 = source.discover(sunan, "sentinel-2-l2a", dt.date(2024, 9, 1), dt.date(2024, 10, 30))
    assert all(dt.time(2, 5) < r.acquired.time() < dt.time(2, 35) for r in sunan_s2)
    assert gaps(source.discover(dunai, "sentinel-1-grd", dt.date(2024, 9, 1), dt.date(2025, 3, 31))) == {12}
    assert gaps(source.discover(sunan, "sentinel-1-grd", dt.date(2025, 4, 12), dt.date(2025, 7, 31))) == {6}
    s1 = source.discover(sunan, "sentinel-1-grd", dt.date(2025, 4, 12), dt.date(2025, 5, 31))
    assert all(dt.time(9, 20) < r.acquired.time() < dt.time(10, 0) for r in s1)
    assert {r.meta["platform"] for r in s1} == {"S1A", "S1C"}
    assert source.discover(dunai, "sentinel-2-l2a", dt.date(2025, 8, 1), dt.date(2025, 9, 1)) == []


def test_bad_scenarios_name_file_field_and_value(tmp_path: Path, aois: dict[str, AOIConfig]):
    bad_type = tmp_path / "bad_type.yaml"
    bad_type.write_text(
        "name: t\nstart: 2024-09-01\nend: 2024-09-30\naois:\n  dunai:\n"
        "    background:\n      - {type: ropuch, count: [1, 2], zone: naval_berths}\n"
    )
    with pytest.raises(ConfigError) as err:
        SyntheticSource(bad_type)
    assert str(bad_type) in str(err.value) and "aois.dunai.background.0.type" in str(err.value)
    assert "'ropuch'" in str(err.value)

    bad_zone = tmp_path / "bad_zone.yaml"
    bad_zone.write_text(
        "name: t\nstart: 2024-09-01\nend: 2024-09-30\naois:\n  dunai:\n    events:\n"
        "      - {name: e, start: 2024-09-02, end: 2024-09-03, note: n,\n"
        "         entries: [{type: ropucha, count: 1, zone: runway}]}\n"
    )
    src = SyntheticSource(bad_zone)
    with pytest.raises(ConfigError) as err:
        src.discover(aois["dunai"], "sentinel-2-l2a", dt.date(2024, 9, 1), dt.date(2024, 9, 30))
    msg = str(err.value)
    assert str(bad_zone) in msg and "aois.dunai.events.0.entries.0.zone" in msg and "'runway'" in msg

    wrong_surface = tmp_path / "wrong_surface.yaml"
    wrong_surface.write_text(
        "name: t\nstart: 2024-09-01\nend: 2024-09-30\naois:\n  sunan:\n"
        "    background:\n      - {type: tug, count: 1, zone: terminal_apron}\n"
    )
    with pytest.raises(ConfigError, match=r"aois\.sunan\.background\.0\.zone.*'terminal_apron'"):
        load_scenario(wrong_surface, [aois["sunan"]])

    reversed_count = tmp_path / "reversed.yaml"
    reversed_count.write_text(
        "name: t\nstart: 2024-09-01\nend: 2024-09-30\naois:\n  dunai:\n"
        "    background:\n      - {type: tug, count: [3, 1], zone: bay}\n"
    )
    with pytest.raises(ConfigError, match=r"aois\.dunai\.background\.0"):
        load_scenario(reversed_count)


def test_cloudy_scene_has_lower_observed_fraction(tmp_path: Path, aois: dict[str, AOIConfig], source: SyntheticSource):
    aoi = aois["sunan"]
    refs = source.discover(aoi, "sentinel-2-l2a", dt.date(2025, 3, 1), dt.date(2025, 7, 31))
    conditions = {r.scene_id: scene_conditions(aoi, r.sensor, r.acquired, source.scene_seed) for r in refs}
    clear = next(
        r for r in refs if (c := conditions[r.scene_id]).cloud_cover < 0.02 and c.cirrus == 0.0 and c.swath_edge == 0.0
    )
    cloudy = next(r for r in refs if (r.cloud_cover or 0.0) >= 0.9)
    clear_scene = read_scene(source.fetch(clear, aoi, tmp_path))
    cloudy_path = source.fetch(cloudy, aoi, tmp_path)
    cloudy_scene = read_scene(cloudy_path)
    assert clear_scene.observed_fraction > 0.9
    assert cloudy_scene.observed_fraction < clear_scene.observed_fraction - 0.5
    truth = json.loads(truth_path(cloudy_path).read_text())
    assert truth["cloud_fraction"] == pytest.approx(cloudy.cloud_cover, abs=0.1)
    hidden = [o for o in truth["objects"] if not o["visible"]]
    assert len(hidden) >= len(truth["objects"]) // 2


def test_aoi_outside_the_scenario_renders_empty_and_rafted_ships_pair_up(tmp_path: Path, aois: dict[str, AOIConfig]):
    path = tmp_path / "only_dunai.yaml"
    path.write_text(
        "name: pairs\nstart: 2024-09-01\nend: 2024-09-30\nseed: 3\naois:\n  dunai:\n"
        "    background:\n      - {type: ropucha, count: 2, zone: naval_berths, rafted: true}\n"
    )
    src = SyntheticSource(path, seed=1)
    ref = _one(src, aois["sunan"], "sentinel-1-grd", dt.date(2024, 9, 1), days=12)
    truth = json.loads(truth_path(src.fetch(ref, aois["sunan"], tmp_path)).read_text())
    assert truth["objects"] == [] and sum(truth["counts"].values()) == 0

    masks = site_masks(aois["dunai"], aoi_grid(aois["dunai"]))
    a, b = objects_at(src.scenario, aois["dunai"], masks, dt.datetime(2024, 9, 5, tzinfo=dt.UTC), seed=1)
    assert a.heading_deg == b.heading_deg
    gap = shapely.distance(_footprint(a), _footprint(b))
    assert 1.0 < gap < 5.0
