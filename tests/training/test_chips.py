"""Synthetic and real training chips: shapes, labels on drawn objects, determinism, band drops, augmentation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from monitor.config.models import CLASSES
from monitor.training.chip import CLASS_INDEX, Chip
from monitor.training.real_chips import HELD_OUT_PORTS, TRAIN_PORTS, augment, real_chips
from monitor.training.synth import chips as synth_chips
from monitor.training.synth.chips import synthetic_chip
from monitor.training.targets import TargetObject

SEN2SHIPS = Path(__file__).resolve().parents[3] / "shared" / "data" / "sen2ships"
S2, S1 = "sentinel-2-l2a", "sentinel-1-grd"


def _check_shapes(chip: Chip, size: int) -> None:
    assert chip.valid.shape == (size, size) and chip.valid.dtype == bool
    for arr in chip.bands.values():
        assert arr.shape == (size, size) and arr.dtype == np.float32
        assert np.isfinite(arr).all() and (arr >= 0).all()
    if chip.ignore is not None:
        assert chip.ignore.shape == (size, size) and chip.ignore.dtype == bool
    for o in chip.objects:
        assert 0 <= o.row < size and 0 <= o.col < size
        assert 0 <= o.heading_deg < 180 and o.length_m > 0 and o.width_m > 0
        assert 0 <= o.class_index < len(CLASSES)
    assert chip.size_known and chip.origin.startswith("synthetic")


def test_shapes_and_dtypes() -> None:
    rng = np.random.default_rng(0)
    for sensor in (S2, S1):
        for _ in range(15):
            chip = synthetic_chip(rng, sensor)
            assert chip.sensor == sensor
            _check_shapes(chip, 96)
    _check_shapes(synthetic_chip(rng, S2, size=64), 64)


def test_sensor_bands() -> None:
    rng = np.random.default_rng(1)
    seen = set()
    for _ in range(40):
        seen.add(tuple(synthetic_chip(rng, S2).bands))
    assert ("B02", "B03", "B04") in seen
    assert ("B02", "B03", "B04", "B08") in seen
    assert ("B02", "B03", "B04", "B08", "B11") in seen
    for _ in range(5):
        chip = synthetic_chip(rng, S1)
        assert set(chip.bands) == {"VV", "VH"}
        assert chip.valid.all()
        assert float(np.median(chip.bands["VH"])) < float(np.median(chip.bands["VV"]))


def test_deterministic_for_a_seed() -> None:
    for sensor in (S2, S1):
        a = synthetic_chip(np.random.default_rng(42), sensor)
        b = synthetic_chip(np.random.default_rng(42), sensor)
        assert a.objects == b.objects
        assert set(a.bands) == set(b.bands)
        for name in a.bands:
            np.testing.assert_array_equal(a.bands[name], b.bands[name])
        np.testing.assert_array_equal(a.valid, b.valid)


def test_open_water_ships_are_bright_in_nir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synth_chips, "S2_SCENES", {"open": 1.0})
    monkeypatch.setattr(synth_chips, "S2_DROP", {"true_colour": 0.0, "no_b11": 0.0})
    rng = np.random.default_rng(3)
    hits, total = 0, 0
    for _ in range(25):
        chip = synthetic_chip(rng, S2)
        nir = chip.bands["B08"]
        water = float(np.median(nir[chip.valid])) if chip.valid.any() else 0.0
        for o in chip.objects:
            r, c = int(o.row), int(o.col)
            if o.length_m < 50 or not chip.valid[r, c]:
                continue
            total += 1
            hits += float(nir[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2].max()) > water + 0.02
    assert total >= 10
    assert hits >= 0.9 * total


def test_every_class_appears() -> None:
    rng = np.random.default_rng(5)
    counts = np.zeros(len(CLASSES), int)
    for i in range(200):
        for o in synthetic_chip(rng, S2 if i % 2 else S1).objects:
            counts[o.class_index] += 1
    assert (counts > 0).all(), counts
    assert counts[CLASS_INDEX["landing_ship"]] >= 10 and counts[CLASS_INDEX["transport_aircraft"]] >= 10


def _marked_chip(row: float, col: float, heading: float) -> Chip:
    """A 40 x 60 chip with a bright pixel at the object centre and a dimmer one 10 px along its heading."""
    band = np.zeros((40, 60), np.float32)
    band[int(row), int(col)] = 1.0
    rad = math.radians(heading)
    band[int(row - 10 * math.cos(rad)), int(col + 10 * math.sin(rad))] = 0.5
    obj = TargetObject(row, col, 1, 100.0, 15.0, heading)
    return Chip(S2, {"B02": band, "B08": band.copy()}, np.ones_like(band, bool), [obj], np.zeros_like(band, bool))


def test_augment_keeps_labels_on_objects() -> None:
    rng = np.random.default_rng(7)
    shapes = set()
    for _ in range(40):
        chip = augment(_marked_chip(12.5, 20.5, 30.0), rng)
        band = chip.bands["B08"]
        shapes.add(band.shape)
        assert chip.valid.shape == band.shape and chip.ignore is not None and chip.ignore.shape == band.shape
        (o,) = chip.objects
        assert band[int(o.row), int(o.col)] == 1.0
        rad = math.radians(o.heading_deg)
        ends = [(o.row - s * 10 * math.cos(rad), o.col + s * 10 * math.sin(rad)) for s in (-1, 1)]
        assert any(band[math.floor(r), math.floor(c)] == 0.5 for r, c in ends)
    assert shapes == {(40, 60), (60, 40)}


def test_port_lists_are_disjoint() -> None:
    assert len(TRAIN_PORTS) == 4 and len(HELD_OUT_PORTS) == 4
    assert not set(TRAIN_PORTS) & set(HELD_OUT_PORTS)


@pytest.mark.skipif(not (SEN2SHIPS / "casablanca.tif").exists(), reason="sen2ships data not present")
def test_real_chips_from_a_training_port() -> None:
    rng = np.random.default_rng(0)
    chips = real_chips(SEN2SHIPS / "casablanca.tif", SEN2SHIPS / "casablanca.geojson", rng, n_random=3)
    assert len(chips) == 15 + 3
    vessel = CLASS_INDEX["vessel"]
    for chip in chips[:15]:
        assert chip.objects, "a chip cut around a labelled ship holds it"
    for chip in chips:
        assert set(chip.bands) == {"B02", "B03", "B04", "B08", "B11"}
        assert not chip.size_known and chip.ignore is None and chip.origin == "casablanca"
        for arr in chip.bands.values():
            assert arr.shape == (96, 96) and arr.dtype == np.float32
        for o in chip.objects:
            assert o.class_index == vessel and 0 <= o.row < 96 and 0 <= o.col < 96
            assert o.heading_deg in (0.0, 90.0) and o.length_m >= o.width_m > 0
    # Labelled boxes hold ships: brighter in NIR than the chip's darkest half (the water).
    brighter = [
        float(c.bands["B08"][int(o.row) - 1 : int(o.row) + 2, int(o.col) - 1 : int(o.col) + 2].max())
        > float(np.median(c.bands["B08"])) for c in chips[:15] for o in c.objects[:1]
    ]  # fmt: skip
    assert np.mean(brighter) > 0.8
