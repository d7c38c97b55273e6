"""Image-measured object sizes (monitor/detect/hull.py), per-sensor size rules, and the CNN's sited sizing."""

from __future__ import annotations

import numpy as np
import pytest

from monitor.config.models import SizeRule
from monitor.detect.background import away_from_gaps
from monitor.detect.cnn.detector import CnnDetector
from monitor.detect.hull import object_sizes
from monitor.detect.measure import classify
from monitor.imagery.grid import site_masks
from tests.detect.test_classical import hull, port_aoi, s2_scene

# (row, col, heading, length px, width px): a 110 m landing-ship-sized hull and a 60 m patrol boat.
BIG, SMALL = (40.0, 30.0, 0.0, 11.0, 2.0), (100.0, 40.0, 90.0, 6.0, 1.0)


def _scene():
    scene = s2_scene(ships=[])
    rng = np.random.default_rng(5)
    for row, col, heading, length, width in (BIG, SMALL):
        m = hull(scene.grid.shape, row, col, heading, length, width)
        for b in scene.bands.values():
            b[m] = 0.3 + rng.normal(0, 0.01, int(m.sum()))
    return scene


def test_hulls_are_measured_from_the_pixels_around_each_point():
    scene = _scene()
    masks = site_masks(port_aoi(scene.grid), scene.grid)
    # Peaks one pixel off the hull centre (as a network's peak may be) still find their hull; open water does not.
    big, small, empty = object_sizes(scene, masks, [(41, 30), (100, 41), (140, 20)])
    assert big is not None and small is not None and empty is None
    assert big[0] == pytest.approx(110.0, abs=15.0) and big[1] < 35.0
    assert small[0] == pytest.approx(60.0, abs=15.0)
    assert object_sizes(scene, masks, []) == []


def test_a_point_between_two_hulls_takes_the_nearer_one():
    scene = _scene()
    masks = site_masks(port_aoi(scene.grid), scene.grid)
    # Row 100 holds the 6 px boat from col 37 to 43; a point at col 45 is nearer to it than to anything else.
    (size,) = object_sizes(scene, masks, [(100, 45)])
    assert size is not None and size[0] == pytest.approx(60.0, abs=15.0)


def test_size_rules_can_be_limited_to_one_sensor():
    rules = [
        SizeRule(object_class="landing_ship", min_length_m=90, zones=["naval"], sensors=["sentinel-2-l2a"]),
        SizeRule(object_class="landing_ship", min_length_m=110, zones=["naval"], sensors=["sentinel-1-grd"]),
        SizeRule(object_class="vessel", min_length_m=15),
    ]
    family = ("landing_ship", "vessel")
    assert classify(100.0, 20.0, {"naval"}, rules, family, "sentinel-2-l2a") == "landing_ship"
    assert classify(100.0, 20.0, {"naval"}, rules, family, "sentinel-1-grd") == "vessel"
    assert classify(120.0, 20.0, {"naval"}, rules, family, "sentinel-1-grd") == "landing_ship"
    # Without a sensor only rules naming none apply.
    assert classify(120.0, 20.0, {"naval"}, rules, family) == "vessel"


def test_gaps_give_up_a_rim_of_valid_pixels():
    valid = np.ones((20, 20), dtype=bool)
    valid[:, 15:] = False
    clear = away_from_gaps(valid, 3)
    assert clear[:, :12].all() and not clear[:, 12:].any()


def test_cnn_sizing_is_part_of_its_version_and_measures_sited_hulls_from_the_image():
    image, network = CnnDetector(second_look=False), CnnDetector(sizing="network", second_look=False)
    assert image.version == network.version + "+hull"
    scene = _scene()
    aoi = port_aoi(scene.grid)
    masks = site_masks(aoi, scene.grid)
    # Without a site both give the same objects; with one, the hulls' sizes come from the pixels.
    assert image.detect(scene, None, None) == network.detect(scene, None, None)

    def length_at(dets, row, col):
        return min(dets, key=lambda d: (d.row - row) ** 2 + (d.col - col) ** 2).length_m

    sited = image.detect(scene, aoi, masks)
    assert length_at(sited, BIG[0], BIG[1]) == pytest.approx(110.0, abs=15.0)
    assert length_at(sited, SMALL[0], SMALL[1]) == pytest.approx(60.0, abs=15.0)


def test_the_site_surface_overrules_the_networks_family():
    from monitor.detect.cnn.heatmap import Peak
    from tests.detect.test_classical import airport

    scene, aoi = airport()
    masks = site_masks(aoi, scene.grid)
    thresholds = [0.15, 0.35, 0.25, 0.35]  # landing_ship, vessel, transport_aircraft, aircraft
    peaks = [
        Peak(35.5, 35.5, 1, 0.30, 50.0, 40.0, 0.0),  # "vessel" on the apron: an aircraft, transport threshold
        Peak(60.5, 60.5, 1, 0.20, 50.0, 40.0, 0.0),  # too weak even for the most permissive aircraft class
        Peak(90.5, 90.5, 1, 0.30, 50.0, 10.0, 0.0),  # off the apron: the network's family stands, at its floor
        Peak(95.5, 95.5, 1, 0.10, 50.0, 10.0, 0.0),  # under every ship threshold
        Peak(40.5, 62.5, 3, 0.40, 30.0, 28.0, 0.0),  # an aircraft on the apron stays one
    ]
    kept = CnnDetector._surface_families(peaks, masks, thresholds)
    assert [(p.row, p.class_index) for p in kept] == [(35.5, 2), (90.5, 1), (40.5, 3)]


def test_a_sited_object_is_held_to_the_threshold_of_the_class_its_size_rules_give_it():
    from monitor.config.models import CLASSES
    from monitor.detect.cnn.inputs import to_input
    from monitor.detect.cnn.tiles import predict

    scene = s2_scene(ships=[])
    rng = np.random.default_rng(5)
    # A 110 m hull on the naval berth (a landing ship by the rules) and a 60 m boat in the bay (a vessel).
    for row, col, heading, length, width in ((42.0, 90.0, 0.0, 11.0, 2.0), SMALL):
        m = hull(scene.grid.shape, row, col, heading, length, width)
        for b in scene.bands.values():
            b[m] = 0.3 + rng.normal(0, 0.01, int(m.sum()))
    aoi = port_aoi(scene.grid)
    masks = site_masks(aoi, scene.grid)
    det = CnnDetector()
    model = det.bundle.models["sentinel-2-l2a"]
    raw = predict(det._nets[scene.sensor], to_input(scene.sensor, scene.bands), [0.01] * len(CLASSES), tile=256)
    ship = max((p for p in raw if abs(p.row - 42) < 4 and abs(p.col - 90) < 4), key=lambda p: p.score)
    boat = max((p for p in raw if abs(p.row - 100) < 4 and abs(p.col - 40) < 4), key=lambda p: p.score)
    saved = list(model.thresholds)
    try:
        # Whatever class the network names, the hull passes the landing-ship threshold and fails the vessel one.
        model.thresholds = [ship.score - 0.05 if c == "landing_ship" else min(ship.score + 0.05, 0.99) for c in CLASSES]
        dets = det.detect(scene, aoi, masks)
        assert [d.object_class for d in dets if abs(d.row - 42) < 4 and abs(d.col - 90) < 4] == ["landing_ship"]
        # A boat the rules call a vessel is held to the vessel threshold, even under a lower landing-ship one.
        model.thresholds = [boat.score - 0.05 if c == "landing_ship" else min(boat.score + 0.05, 0.99) for c in CLASSES]
        dets = det.detect(scene, aoi, masks)
        assert not [d for d in dets if abs(d.row - 100) < 4 and abs(d.col - 40) < 4]
    finally:
        model.thresholds = saved


def test_a_hull_as_wide_as_two_counts_as_a_rafted_pair():
    from monitor.detect.measure import matching_rule, rafted_pair

    rules = [
        SizeRule(object_class="landing_ship", min_length_m=90, max_width_m=50, pair_min_width_m=30, zones=["naval"]),
        SizeRule(object_class="vessel", min_length_m=15),
    ]
    family = ("landing_ship", "vessel")
    single = matching_rule(112.0, 18.0, {"naval"}, rules, family)
    pair = matching_rule(112.0, 36.0, {"naval"}, rules, family)
    assert single is pair is rules[0] and pair.pair_min_width_m is not None
    assert 18.0 < pair.pair_min_width_m <= 36.0
    # A north-south pair 36 m wide: the two hulls lie 0.9 px either side of the middle, east and west.
    (r0, c0), (r1, c1) = rafted_pair(50.0, 50.0, 0.0, 36.0, 10.0)
    assert (r0, r1) == pytest.approx((50.0, 50.0)) and (c0, c1) == pytest.approx((49.1, 50.9))
    (r0, c0), (r1, c1) = rafted_pair(50.0, 50.0, 90.0, 36.0, 10.0)
    assert (c0, c1) == pytest.approx((50.0, 50.0), abs=1e-9) and (r0, r1) == pytest.approx((49.1, 50.9))


def test_the_classical_detector_reports_a_rafted_pair_at_the_naval_berth_as_two_landing_ships():
    from monitor.detect.classical import ClassicalDetector

    scene = s2_scene(ships=[])
    rng = np.random.default_rng(9)
    for col in (90.0, 92.5):  # two 110 x 20 m hulls side by side at the naval berth (rows 24-60, cols 60-120)
        m = hull(scene.grid.shape, 42.0, col, 0.0, 11.0, 2.0)
        for b in scene.bands.values():
            b[m] = 0.3 + rng.normal(0, 0.01, int(m.sum()))
    aoi = port_aoi(scene.grid)
    rules = [
        SizeRule(object_class="landing_ship", min_length_m=90, max_width_m=60, pair_min_width_m=30, zones=["naval"]),
        SizeRule(object_class="vessel", min_length_m=15),
    ]
    dets = ClassicalDetector().detect(scene, aoi.model_copy(update={"size_rules": rules}), None)
    ships = [d for d in dets if d.object_class == "landing_ship"]
    assert len(ships) == 2
    assert abs(ships[0].col - ships[1].col) > 1.0 and all(d.width_m < 30.0 for d in ships)
    plain = ClassicalDetector().detect(scene, aoi, None)
    assert len([d for d in plain if d.object_class == "landing_ship"]) <= 1
