"""Scoring against ground truth: distance matching and the reporting floor's don't-care objects."""

from __future__ import annotations

from monitor.detect.base import Detection
from monitor.evaluate.matching import TruthObject, match, score_scenes


def _det(x: float, y: float, cls: str = "vessel", score: float = 0.9) -> Detection:
    return Detection(cls, score, x, y, 0.0, 0.0, 100.0, 15.0, 0.0, 0.0, 0.0)


def test_greedy_matching_within_the_radius_or_half_length():
    truths = [TruthObject("vessel", 0.0, 0.0, 120.0), TruthObject("vessel", 500.0, 0.0, 40.0)]
    assert match([_det(55.0, 0.0), _det(535.0, 0.0)], truths) == (1, 1, 1)
    assert match([_det(10.0, 0.0, score=0.5), _det(5.0, 0.0, score=0.9)], truths[:1]) == (1, 1, 0)


def test_objects_under_the_floor_are_dont_care():
    truth = [
        TruthObject("vessel", 0.0, 0.0, 110.0),
        TruthObject("vessel", 300.0, 0.0, 15.0),  # a small boat: under the 30 m floor
        TruthObject("vessel", 600.0, 0.0, 18.0),
        TruthObject("aircraft", 900.0, 0.0, 10.0),  # a light aircraft: under the 15 m floor
    ]
    dets = [_det(0.0, 5.0), _det(300.0, 10.0), _det(1200.0, 0.0), _det(900.0, 0.0, "aircraft")]
    scores = score_scenes([(dets, truth)], ["vessel", "aircraft"])
    ship = scores["vessel"]
    assert (ship.tp, ship.fp, ship.fn) == (1, 1, 0)  # the hit on the 15 m boat is no false alarm, the miss no miss
    assert ship.abs_count_error == [1]
    plane = scores["aircraft"]
    assert (plane.tp, plane.fp, plane.fn, plane.abs_count_error) == (0, 0, 0, [0])
