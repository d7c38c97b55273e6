"""Hard negatives: false vessels on a labelled port become training chips of their own."""

from __future__ import annotations

import numpy as np

from monitor.detect.classical import ClassicalDetector
from monitor.imagery.scene import read_scene
from monitor.training.mining import false_alarms
from monitor.training.real_chips import real_chips
from tests.conftest import PORT_GRID, PORT_HULLS, write_labelled_port


def test_only_the_unlabelled_hull_is_a_false_alarm(tmp_path):
    tif, labels = write_labelled_port(tmp_path)
    found = ClassicalDetector().detect(read_scene(tif), None, None)
    assert len(found) == 2  # the detector sees both hulls
    points = false_alarms(ClassicalDetector(), tif, labels)
    assert len(points) == 1
    col, row = ~PORT_GRID.transform * points[0]
    assert abs(row - PORT_HULLS[1][0]) < 3 and abs(col - PORT_HULLS[1][1]) < 3


def test_each_hard_negative_gets_a_chip_around_it(tmp_path):
    tif, labels = write_labelled_port(tmp_path)
    points = false_alarms(ClassicalDetector(), tif, labels)
    plain = real_chips(tif, labels, np.random.default_rng(0), size=48, n_random=2)
    mined = real_chips(tif, labels, np.random.default_rng(0), size=48, n_random=2, hard=points)
    assert len(mined) == len(plain) + 1
    # The labelled ship's chip is cut exactly as without hard negatives (same draws), so old pools reproduce.
    np.testing.assert_array_equal(mined[0].bands["B08"], plain[0].bands["B08"])
    assert len(mined[0].objects) == 1
    hard_chip = mined[1]
    assert hard_chip.bands["B08"].max() > 0.25  # the unlabelled hull lies in it
    assert hard_chip.objects == []  # and it is background there
