"""The no-AOI surface rule: water read from the image decides a peak's family."""

from __future__ import annotations

import dataclasses

import numpy as np

from monitor.config.models import CLASSES
from monitor.detect.cnn.heatmap import Peak
from monitor.detect.cnn.surface import image_water, unsited_families

THRESHOLDS = [0.25, 0.3, 0.35, 0.3]  # landing_ship, vessel, transport_aircraft, aircraft


def _bands(water: np.ndarray, with_nir: bool) -> dict[str, np.ndarray]:
    land = np.array([0.12, 0.15, 0.17, 0.25], np.float32)
    sea = np.array([0.05, 0.045, 0.03, 0.02], np.float32)
    out = {}
    for i, name in enumerate(("B02", "B03", "B04", "B08")):
        if name != "B08" or with_nir:
            out[name] = np.where(water, sea[i], land[i]).astype(np.float32)
    return out


def _peak(row: float, col: float, cls: str, score: float) -> Peak:
    return Peak(row, col, CLASSES.index(cls), score, 40.0, 35.0, 0.0)


def test_water_from_ndwi_and_from_true_colour_agree_on_a_simple_coast():
    water = np.zeros((40, 40), bool)
    water[:, 20:] = True
    for with_nir in (True, False):
        found = image_water(_bands(water, with_nir))
        assert found is not None
        assert (found[:, 23:]).all() and not found[:, :17].any()


def test_turbid_harbour_water_with_negative_ndwi_is_still_water():
    bands = {"B02": np.full((8, 8), 0.06, np.float32), "B03": np.full((8, 8), 0.05, np.float32)}
    bands["B04"] = np.full((8, 8), 0.05, np.float32)
    bands["B08"] = np.full((8, 8), 0.07, np.float32)  # NDWI -0.17, but dark in the near infrared
    found = image_water(bands)
    assert found is not None and found.all()


def test_no_water_mask_without_green():
    assert image_water({"VV": np.ones((4, 4), np.float32)}) is None


def test_a_vessel_on_a_dry_apron_becomes_an_aircraft_and_is_kept():
    # The case of issue 12: on an airport the network called airliners "vessel", and the no-AOI ship floor
    # then dropped them. With no water within reach the family is aircraft.
    dry = np.zeros((60, 60), bool)
    kept = unsited_families([_peak(30, 30, "vessel", 0.32)], dry, THRESHOLDS)
    assert [CLASSES[p.class_index] for p in kept] == ["transport_aircraft"]  # 40 m long
    short = dataclasses.replace(_peak(30, 30, "vessel", 0.32), length_m=25.0)
    assert [CLASSES[p.class_index] for p in unsited_families([short], dry, THRESHOLDS)] == ["aircraft"]


def test_an_aircraft_at_sea_becomes_a_ship_and_weak_peaks_are_dropped():
    sea = np.ones((60, 60), bool)
    peaks = [_peak(30, 30, "transport_aircraft", 0.4), _peak(10, 10, "aircraft", 0.2)]
    kept = unsited_families(peaks, sea, THRESHOLDS)
    assert [(CLASSES[p.class_index], p.row) for p in kept] == [("vessel", 30)]


def test_a_ship_at_a_quay_keeps_its_family_and_edges_are_judged_on_the_image_part():
    water = np.zeros((60, 60), bool)
    water[:, 33:] = True  # quay edge 3 px east of the peak
    kept = unsited_families([_peak(30, 30, "vessel", 0.5), _peak(0, 59, "vessel", 0.5)], water, THRESHOLDS)
    assert [CLASSES[p.class_index] for p in kept] == ["vessel", "vessel"]
