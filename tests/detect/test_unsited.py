"""The no-AOI path (``monitor detect FILE``, the blind tests) on airports: aircraft are found and stay aircraft.

Issue 12: on a real airport image with 30 airliners parked at a terminal (``ac000``) the detector reported
nothing. The network called many of them ``vessel``, and the no-AOI ship floor then dropped those. A peak with
no water around it is now an aircraft (:mod:`monitor.detect.cnn.surface`), and the shipped weights learnt real
terminals (:mod:`monitor.training.synth.terminal`).
"""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from monitor.config.models import AIRCRAFT_CLASSES
from monitor.detect.cnn.detector import CnnDetector
from monitor.evaluate.real import score_image
from monitor.imagery.grid import Grid
from monitor.imagery.scene import Scene, read_scene
from monitor.training.synth.terminal import terminal_scene
from tests.conftest import SHARED

# The shipped weights find 48 of 72 (seeds 11-14 of the grainy terminal scenes; the previous bundle 40) and 15 of
# ac000's 30; the bundle before issue 12 found 3 of 64 of the older scenes and none of ac000's, calling some of
# them vessel.
MIN_SYNTHETIC_RECALL = 0.6
MIN_AC000_HITS = 10
WEIGHTS = None  # the shipped bundle
AC000 = SHARED / "data" / "aircraft-dev" / "ac000"


@pytest.fixture(scope="module")
def detector() -> CnnDetector:
    return CnnDetector(WEIGHTS)


def _terminal(seed: int) -> tuple[Scene, list[tuple[float, float]]]:
    img, planes, _ = terminal_scene(np.random.default_rng(seed), 96)
    grid = Grid(CRS.from_epsg(32652), Affine(10.0, 0.0, 500_000.0, 0.0, -10.0, 4_300_000.0), 96, 96)
    bands = {name: img[i] for i, name in enumerate(("B02", "B03", "B04"))}
    scene = Scene("sentinel-2-l2a", grid, bands, np.ones((96, 96), bool))
    big = [
        (p.y / 10.0, p.x / 10.0)
        for p in planes
        if max(p.length, p.span) >= 35 and 3 <= p.y / 10 < 93 and 3 <= p.x / 10 < 93
    ]
    return scene, big


def test_no_ship_is_reported_on_a_dry_airport_and_most_airliners_are_found(detector):
    found = total = 0
    for seed in (11, 12, 13, 14):
        scene, truth = _terminal(seed)
        dets = detector.detect(scene, None, None)
        assert all(d.object_class in AIRCRAFT_CLASSES for d in dets)
        total += len(truth)
        found += sum(any(abs(d.row - r) <= 3 and abs(d.col - c) <= 3 for d in dets) for r, c in truth)
    assert total > 20
    assert found / total >= MIN_SYNTHETIC_RECALL


def test_the_real_terminal_of_issue_12_is_counted(detector):
    if not AC000.with_suffix(".tif").exists():
        pytest.skip("../shared/data/aircraft-dev is not beside this checkout")
    dets = detector.detect(read_scene(AC000.with_suffix(".tif")), None, None)
    assert not [d for d in dets if d.object_class not in AIRCRAFT_CLASSES]
    score = score_image(dets, AC000.with_suffix(".geojson"), AIRCRAFT_CLASSES)
    assert score.tp >= MIN_AC000_HITS
