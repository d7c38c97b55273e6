"""Sorting real errors into causes, on a seeded two-hull port (one hull labelled at (40, 40), one not at (120, 40))."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config.models import AIRCRAFT_CLASSES, SHIP_CLASSES
from monitor.detect.base import Detection
from monitor.evaluate.diagnose import LOOSE_FLOOR, Diagnosis, diagnose_image, loosened
from monitor.imagery.scene import Scene, read_scene
from tests.conftest import PORT_GRID, write_labelled_port


def _at(row: float, col: float, score: float, cls: str = "vessel") -> Detection:
    x, y = PORT_GRID.transform * (col + 0.5, row + 0.5)
    return Detection(cls, score, x, y, 0.0, 0.0, 150.0, 40.0, 0.0, row, col)


@pytest.fixture
def port(tmp_path: Path) -> tuple[Scene, Path]:
    tif, labels = write_labelled_port(tmp_path)
    return read_scene(tif), labels


def test_a_miss_is_told_apart_by_the_loosened_candidates(port):
    scene, labels = port

    def miss(loose: list[Detection]) -> Diagnosis:
        return diagnose_image([], loose, scene, labels, SHIP_CLASSES, floor=0.35)

    assert miss([]).misses == {"unseen": 1}
    assert miss([_at(40, 40, 0.3)]).misses == {"below floor": 1}
    assert miss([_at(40, 40, 0.5)]).misses == {"dropped": 1}
    # A candidate elsewhere does not count for the box; the open-water hull has no land around it.
    assert miss([_at(120, 40, 0.9)]).misses == {"unseen": 1}
    assert miss([]).tags == {}


def test_a_found_box_is_no_miss_and_false_alarms_get_their_cause(port):
    scene, labels = port
    found = _at(40, 40, 0.8)
    beside = _at(40, 46, 0.6)  # 60 m east of the hull centre, 30 m past the box edge: outside its 10 m growth
    boat = _at(120, 40, 0.5)  # the unlabelled hull on open water
    crowd = [_at(120, 60, 0.5), _at(124, 64, 0.2), _at(116, 56, 0.2)]
    ops = [found, beside, boat, crowd[0]]
    d = diagnose_image(ops, [found, beside, boat, *crowd], scene, labels, SHIP_CLASSES, floor=0.35)
    assert d.misses == {}
    assert d.false_alarms == {"beside a label": 1, "alone": 1, "crowded": 1}
    # Only the scored family counts: an aircraft detection on this port is neither a hit nor a false alarm.
    assert diagnose_image([_at(120, 40, 0.9, "aircraft")], [], scene, labels, SHIP_CLASSES, 0.35).false_alarms == {}
    pooled = d + Diagnosis()
    assert pooled.false_alarms == d.false_alarms


def test_shore_and_inland_false_alarms_and_a_quay_side_miss(port):
    scene, labels = port
    land = {k: v.copy() for k, v in scene.bands.items()}
    for name, level in {"B03": 0.12, "B08": 0.3}.items():
        land[name][:, 60:] = level  # everything east of column 60 is land
        land[name][:, 36:38] = level  # and a quay just west of the labelled hull
    dry = Scene(scene.sensor, scene.grid, land, scene.valid)
    shore = _at(120, 62, 0.5)  # on the land edge
    inland = _at(80, 140, 0.5)
    d = diagnose_image([shore, inland], [], dry, labels, SHIP_CLASSES, floor=0.35)
    assert d.false_alarms == {"at a shore": 1, "inland": 1}
    assert d.misses == {"unseen": 1}
    assert d.tags == {"at quay": 1}
    # Aircraft have no shore: the same points are plain false alarms, and no quay tag is given.
    air = [_at(120, 62, 0.5, "aircraft"), _at(80, 140, 0.5, "aircraft")]
    a = diagnose_image(air, [], dry, labels, AIRCRAFT_CLASSES, floor=0.4)
    assert a.false_alarms == {"alone": 2}
    assert a.tags == {}


def test_the_loosened_detector_reports_from_the_floor_and_leaves_the_shipped_one_alone():
    from monitor.detect.cnn.detector import CnnDetector

    loose = loosened()
    model = loose.bundle.models["sentinel-2-l2a"]
    assert model.thresholds == [LOOSE_FLOOR] * len(model.thresholds)
    assert loose.bundle.card["sensors"]["sentinel-2-l2a"]["unsited"] == {"aircraft_min_score": LOOSE_FLOOR}
    shipped = CnnDetector()
    assert shipped.bundle.models["sentinel-2-l2a"].thresholds != model.thresholds
    assert "min_length_m" in shipped.bundle.card["sensors"]["sentinel-2-l2a"]["unsited"]
