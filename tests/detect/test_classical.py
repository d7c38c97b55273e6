"""ClassicalDetector on small seeded synthetic scenes (UTM and Web Mercator), with and without a site layout."""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
import pytest
from affine import Affine
from pyproj import Transformer
from rasterio.crs import CRS

from monitor.config.models import AOIConfig, SitePolygon, SizeRule
from monitor.detect.classical import ClassicalDetector, ClassicalParams, cfar_threshold
from monitor.detect.measure import classify
from monitor.imagery.grid import Grid, site_masks
from monitor.imagery.scene import Scene

UTM = CRS.from_epsg(32653)
X0, Y0 = 279_500.0, 4_751_000.0  # about 132.30 E, 42.88 N (Dunai)
SIZE = 160
LAND_COL = 120  # columns from here on are land
PIER = (slice(20, 24), slice(85, LAND_COL))  # a pier sticking out of the shore into the water
# (row, col, heading): 11 x 2 px hulls, about 110 x 20 m
SHIPS = [(40.0, 30.0, 0.0), (80.0, 60.0, 45.0), (120.0, 35.0, 90.0), (130.0, 85.0, 135.0)]


def hull(shape: tuple[int, int], row: float, col: float, heading: float, length: float, width: float):
    """Pixels whose centre lies in a length x width px rectangle at heading (deg clockwise from north)."""
    rr, cc = np.mgrid[: shape[0], : shape[1]]
    north, east = -(rr - row), cc - col
    h = math.radians(heading)
    along = north * math.cos(h) + east * math.sin(h)
    across = -north * math.sin(h) + east * math.cos(h)
    return (np.abs(along) <= length / 2) & (np.abs(across) <= width / 2)


def cross(shape: tuple[int, int], row: int, col: int, arm: int):
    """A plus-shaped aircraft footprint with arms of 2*arm+1 px."""
    m = np.zeros(shape, dtype=bool)
    m[row - arm : row + arm + 1, col] = True
    m[row, col - arm : col + arm + 1] = True
    return m


def s2_scene(ships=SHIPS, grid: Grid | None = None, seed: int = 0, true_colour: bool = False) -> Scene:
    grid = grid or Grid(UTM, Affine(10.0, 0.0, X0, 0.0, -10.0, Y0), SIZE, SIZE)
    rng = np.random.default_rng(seed)
    shape = grid.shape
    land = np.zeros(shape, dtype=bool)
    land[:, LAND_COL * shape[1] // SIZE :] = True
    if shape == (SIZE, SIZE):
        land[PIER] = True
    water_ref = {"B02": 0.07, "B03": 0.05, "B04": 0.03, "B08": 0.02}
    land_ref = {"B02": 0.10, "B03": 0.12, "B04": 0.15, "B08": 0.30}
    bands = {}
    for b in water_ref:
        arr = np.where(land, land_ref[b], water_ref[b]) + rng.normal(0, 1, shape) * np.where(land, 0.03, 0.003)
        bands[b] = arr.astype(np.float32)
    for row, col, heading in ships:
        m = hull(shape, row, col, heading, 11.0, 2.0)
        for b in bands:
            bands[b][m] = 0.3 + rng.normal(0, 0.01, int(m.sum()))
    if true_colour:
        del bands["B08"]
    valid = np.ones(shape, dtype=bool)
    return Scene("sentinel-2-l2a", grid, bands, valid, dt.datetime(2024, 10, 1, tzinfo=dt.UTC))


def lonlat_ring(grid: Grid, r0: float, c0: float, r1: float, c1: float) -> list[tuple[float, float]]:
    """A pixel rectangle (rows r0..r1, cols c0..c1, edges) as a lon/lat ring."""
    tr = Transformer.from_crs(grid.crs.to_wkt(), "EPSG:4326", always_xy=True)
    corners = [(c0, r0), (c1, r0), (c1, r1), (c0, r1)]
    return [tuple(tr.transform(*(grid.transform @ (c, r)))) for c, r in corners]


def port_aoi(grid: Grid) -> AOIConfig:
    lon = [p[0] for p in lonlat_ring(grid, 0, 0, SIZE, SIZE)]
    lat = [p[1] for p in lonlat_ring(grid, 0, 0, SIZE, SIZE)]
    layout = [
        SitePolygon(name="bay", kind="water", coordinates=lonlat_ring(grid, 0, 0, SIZE, LAND_COL)),
        SitePolygon(name="naval_berths", kind="berth", role="naval", coordinates=lonlat_ring(grid, 24, 60, 60, 120)),
        SitePolygon(name="shore", kind="land", coordinates=lonlat_ring(grid, 0, LAND_COL, SIZE, SIZE)),
        SitePolygon(name="pier", kind="pier", coordinates=lonlat_ring(grid, 20, 85, 24, LAND_COL)),
    ]
    rules = [
        SizeRule(object_class="landing_ship", min_length_m=90, max_length_m=150, max_width_m=32, zones=["naval"]),
        SizeRule(object_class="vessel", min_length_m=15),
    ]
    return AOIConfig(
        id="testport", name="Test port", bbox=(min(lon), min(lat), max(lon), max(lat)), start=dt.date(2024, 1, 1),
        sensors=["sentinel-2-l2a", "sentinel-1-grd"], classes=["landing_ship", "vessel"], layout=layout,
        size_rules=rules,
    )  # fmt: skip


def nearest(dets, row: float, col: float):
    return min(dets, key=lambda d: (d.row - row) ** 2 + (d.col - col) ** 2)


def test_cfar_threshold_matches_the_gaussian_tail():
    assert cfar_threshold(10**-6.5) == pytest.approx(4.98, abs=0.01)
    assert cfar_threshold(1e-5) == pytest.approx(4.26, abs=0.01)


def test_s2_ships_found_with_size_and_heading_and_nothing_on_land():
    scene = s2_scene()
    dets = ClassicalDetector().detect(scene, None, None)
    assert len(dets) == len(SHIPS)
    for row, col, heading in SHIPS:
        d = nearest(dets, row, col)
        assert math.hypot(d.row - row, d.col - col) < 1.0
        assert d.object_class == "vessel"
        assert 90 <= d.length_m <= 135 and 15 <= d.width_m <= 40
        assert min(abs(d.heading_deg - heading), 180 - abs(d.heading_deg - heading)) < 15
        assert 0.5 <= d.score <= 1.0
        x, y = scene.grid.transform @ (d.col + 0.5, d.row + 0.5)
        assert (d.x, d.y) == pytest.approx((x, y))
        assert 132.29 < d.lon < 132.33 and 42.86 < d.lat < 42.89


def test_clouds_suppress_detections():
    scene = s2_scene()
    scene.valid[30:50, 20:40] = False  # covers the first ship
    for b in scene.bands.values():
        b[30:50, 20:40] = 0.6
    dets = ClassicalDetector().detect(scene, None, None)
    assert len(dets) == len(SHIPS) - 1
    assert all(math.hypot(d.row - 40, d.col - 30) > 10 for d in dets)


def test_true_colour_only_scene_works():
    dets = ClassicalDetector().detect(s2_scene(true_colour=True), None, None)
    assert len(dets) == len(SHIPS)
    assert all(d.col < LAND_COL - 3 for d in dets)


def mercator_scene(ships) -> Scene:
    # 10 m Mercator pixels at 44 N are about 7.2 m on the ground; hulls of 15 x 3 px are about 108 x 22 m.
    x0, y0 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(8.9, 44.4)
    grid = Grid(CRS.from_epsg(3857), Affine(10.0, 0.0, x0, 0.0, -10.0, y0), SIZE, SIZE)
    rng = np.random.default_rng(3)
    scene = s2_scene(ships=[], grid=grid)
    for row, col, heading in ships:
        m = hull(grid.shape, row, col, heading, 15.0, 3.0)
        for b in scene.bands.values():
            b[m] = 0.3 + rng.normal(0, 0.01, int(m.sum()))
    return scene


def test_web_mercator_7m_scene_is_resampled_and_reported_in_its_own_crs():
    ships = [(50.0, 40.0, 30.0), (110.0, 70.0, 100.0)]
    scene = mercator_scene(ships)
    dets = ClassicalDetector().detect(scene, None, None)
    assert len(dets) == 2
    for row, col, _ in ships:
        d = nearest(dets, row, col)
        assert math.hypot(d.row - row, d.col - col) < 1.5  # original pixel grid
        x, y = scene.grid.transform @ (col + 0.5, row + 0.5)
        assert math.hypot(d.x - x, d.y - y) < 20.0  # Mercator metres, original CRS
        assert 80 <= d.length_m <= 140  # ground metres, not Mercator metres


def test_site_masks_for_the_original_grid_are_rebuilt_after_resampling():
    scene = mercator_scene([(40.0, 90.0, 90.0), (110.0, 40.0, 0.0)])
    aoi = port_aoi(scene.grid)
    dets = ClassicalDetector().detect(scene, aoi, site_masks(aoi, scene.grid))
    assert sorted(d.object_class for d in dets) == ["landing_ship", "vessel"]
    assert nearest(dets, 40, 90).object_class == "landing_ship"


def test_site_layout_classes_landing_ships_at_naval_berths_and_finds_ships_at_the_pier():
    scene = s2_scene(ships=[(40.0, 30.0, 0.0), (24.5, 100.0, 90.0), (130.0, 85.0, 135.0)])
    aoi = port_aoi(scene.grid)
    masks = site_masks(aoi, scene.grid)
    dets = ClassicalDetector().detect(scene, aoi, masks)
    assert len(dets) == 3
    assert nearest(dets, 24.5, 100).object_class == "landing_ship"  # moored against the pier
    assert nearest(dets, 40, 30).object_class == "vessel"
    assert nearest(dets, 130, 85).object_class == "vessel"
    assert all(d.object_class in ("landing_ship", "vessel") for d in dets)


def test_no_aircraft_without_a_site():
    scene = s2_scene(ships=[])
    apron = (slice(60, 100), slice(125, 155))
    for b in scene.bands.values():
        b[apron] = 0.2
    for b in scene.bands.values():
        b[cross(scene.grid.shape, 80, 140, 2)] = 0.6
    assert ClassicalDetector().detect(scene, None, None) == []


def airport(seed: int = 0, sensor: str = "sentinel-2-l2a"):
    grid = Grid(UTM, Affine(10.0, 0.0, X0, 0.0, -10.0, Y0), 96, 96)
    rng = np.random.default_rng(seed)
    apron = np.zeros(grid.shape, dtype=bool)
    apron[20:76, 20:76] = True
    planes = cross(grid.shape, 35, 35, 2) | cross(grid.shape, 60, 60, 2)  # about 50 m: transport
    small = cross(grid.shape, 35, 62, 1)  # about 30 m: small aircraft
    if sensor == "sentinel-2-l2a":
        bands = {}
        for b in ("B02", "B03", "B04", "B08"):
            arr = np.where(apron, 0.20, 0.08) + rng.normal(0, 0.004, grid.shape)
            arr[planes | small] = 0.6
            bands[b] = arr.astype(np.float32)
    else:
        base = np.where(apron, 0.005, 0.05) * rng.gamma(4.4, 1 / 4.4, grid.shape)
        base[planes | small] = 1.0
        bands = {"VV": base.astype(np.float32), "VH": (0.2 * base).astype(np.float32)}
    scene = Scene(sensor, grid, bands, np.ones(grid.shape, dtype=bool))
    lon = [p[0] for p in lonlat_ring(grid, 0, 0, 96, 96)]
    lat = [p[1] for p in lonlat_ring(grid, 0, 0, 96, 96)]
    aoi = AOIConfig(
        id="testair", name="Test airport", bbox=(min(lon), min(lat), max(lon), max(lat)), start=dt.date(2024, 1, 1),
        sensors=["sentinel-2-l2a"], classes=["transport_aircraft", "aircraft"],
        layout=[
            SitePolygon(name="airfield", kind="land", coordinates=lonlat_ring(grid, 0, 0, 96, 96)),
            SitePolygon(name="main_apron", kind="apron", coordinates=lonlat_ring(grid, 20, 20, 76, 76)),
        ],
        size_rules=[
            SizeRule(object_class="transport_aircraft", min_length_m=38, max_length_m=95, zones=["apron"]),
            SizeRule(object_class="aircraft", min_length_m=15, max_length_m=38, zones=["apron"]),
        ],
    )  # fmt: skip
    return scene, aoi


@pytest.mark.parametrize("sensor", ["sentinel-2-l2a", "sentinel-1-grd"])
def test_aircraft_on_an_apron(sensor):
    scene, aoi = airport(sensor=sensor)
    dets = ClassicalDetector().detect(scene, aoi, None)
    assert len(dets) == 3
    for row, col in ((35, 35), (60, 60)):
        d = nearest(dets, row, col)
        assert math.hypot(d.row - row, d.col - col) < 1.0
        assert d.object_class == "transport_aircraft" and 40 <= d.length_m <= 60
    assert nearest(dets, 35, 62).object_class == "aircraft"


def s1_scene(ships=SHIPS, seed: int = 0) -> Scene:
    grid = Grid(UTM, Affine(10.0, 0.0, X0, 0.0, -10.0, Y0), SIZE, SIZE)
    rng = np.random.default_rng(seed)
    land = np.zeros(grid.shape, dtype=bool)
    land[:, LAND_COL:] = True
    land[PIER] = True
    vv = np.where(land, 0.15, 0.01) * rng.gamma(4.4, 1 / 4.4, grid.shape)
    for row, col, heading in ships:
        vv[hull(grid.shape, row, col, heading, 11.0, 2.0)] = 1.0
    bands = {"VV": vv.astype(np.float32), "VH": (0.25 * vv).astype(np.float32)}
    return Scene("sentinel-1-grd", grid, bands, np.ones(grid.shape, dtype=bool))


@pytest.mark.parametrize("with_site", [False, True])
def test_s1_cfar_finds_ships_and_ignores_land(with_site):
    scene = s1_scene()
    aoi = port_aoi(scene.grid) if with_site else None
    dets = ClassicalDetector().detect(scene, aoi, None)
    assert len(dets) == len(SHIPS)
    for row, col, _ in SHIPS:
        d = nearest(dets, row, col)
        assert math.hypot(d.row - row, d.col - col) < 1.0 and 80 <= d.length_m <= 140


def test_merged_hulls_are_split():
    # Two 11 px hulls bow to stern make one 23 px object; with 110 m the longest expected ship it is cut in two.
    scene = s2_scene(ships=[(80.0, 30.0, 90.0), (80.0, 42.0, 90.0)])
    for b in scene.bands.values():
        b[79:82, 24:48] = np.maximum(b[79:82, 24:48], 0.25)
    dets = ClassicalDetector(ClassicalParams(longest_ship_m=120.0)).detect(scene, None, None)
    assert len(dets) == 2
    assert all(80 <= d.length_m <= 150 for d in dets)


def test_classify_first_matching_rule_wins_within_its_family():
    rules = [
        SizeRule(object_class="landing_ship", min_length_m=90, max_length_m=150, zones=["naval"]),
        SizeRule(object_class="vessel", min_length_m=15),
        SizeRule(object_class="aircraft", min_length_m=15, max_length_m=38),
    ]
    ships = ("landing_ship", "vessel")
    assert classify(112, 20, {"naval_berths", "naval", "berth"}, rules, ships) == "landing_ship"
    assert classify(112, 20, {"bay", "water"}, rules, ships) == "vessel"
    assert classify(10, 5, {"naval"}, rules, ships) is None
    assert classify(30, 30, set(), rules, ("transport_aircraft", "aircraft")) == "aircraft"


def test_a_570_px_scene_is_fast():
    grid = Grid(UTM, Affine(10.0, 0.0, X0, 0.0, -10.0, Y0), 570, 570)
    scene = s2_scene(ships=[], grid=grid)
    det = ClassicalDetector()
    det.detect(scene, None, None)
    start = time.perf_counter()
    det.detect(scene, None, None)
    assert time.perf_counter() - start < 1.0  # about 0.1-0.2 s on a laptop core; slack for busy CI
