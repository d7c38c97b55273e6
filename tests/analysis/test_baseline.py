"""The count-model baseline: Jeffreys rate, exposure, sensor separation, start-of-record fill, exclusions."""

from __future__ import annotations

import math

import pytest

from monitor.analysis.baseline import expectations, predictive
from monitor.config.models import BaselineConfig
from tests.series_helpers import S1, S2, look, quiet_series

CFG = BaselineConfig(window_days=60, min_observations=4, min_observed_fraction=0.5)


def test_all_zero_reference_gives_small_positive_rate_and_large_score_for_two():
    e = predictive([0] * 8, [1.0] * 8, exposure=1.0)
    assert e.rate == pytest.approx(0.5 / 8)
    assert abs(e.z(0)) < 0.2
    assert e.z(2) > 2.5
    assert e.band(0.9) == (0.0, 1.0)


def test_partial_view_expects_proportionally_fewer_objects():
    full = predictive([4, 5, 3, 4], [1.0] * 4, exposure=1.0)
    half = predictive([4, 5, 3, 4], [1.0] * 4, exposure=0.5)
    assert half.mean == pytest.approx(full.mean / 2)
    assert half.z(2) < full.z(2) + 1e-9 or half.z(4) > full.z(4)
    assert half.z(4) > full.z(4)


def test_overdispersed_reference_widens_the_band():
    steady = predictive([4, 4, 4, 4, 4, 4], [1.0] * 6, exposure=1.0)
    busy = predictive([0, 8, 1, 7, 2, 6], [1.0] * 6, exposure=1.0)
    assert busy.var > steady.var * 2
    assert busy.z(9) < steady.z(9)


def test_extra_objects_make_high_counts_likelier():
    e = predictive([0, 1, 0, 0, 1, 0], [1.0] * 6, exposure=1.0)
    assert e.logpmf(3, 2.0)[()] > e.logpmf(3)[()]
    assert e.logpmf(0, 2.0)[()] < e.logpmf(0)[()]


def test_each_sensor_has_its_own_baseline():
    looks = [look(d, S1, 3) for d in range(0, 60, 6)] + [look(d + 1, S2, 0) for d in range(0, 60, 5)]
    looks.sort(key=lambda lk: lk.acquired)
    exps = expectations(looks, CFG)
    s1 = [e.rate for lk, e in zip(looks, exps, strict=True) if e and lk.sensor == S1]
    s2 = [e.rate for lk, e in zip(looks, exps, strict=True) if e and lk.sensor == S2]
    assert min(s1) > 2.5 and max(s2) < 0.2


def test_start_of_record_is_filled_from_later_looks_and_flagged():
    looks = quiet_series(days=120)
    exps = expectations(looks, CFG)
    first = exps[0]
    assert first is not None and first.filled and first.n == CFG.min_observations
    assert exps[-1] is not None and not exps[-1].filled


def test_cloudy_looks_are_never_reference_and_excluded_looks_are_left_out():
    looks = [look(d, S2, 9 if d == 10 else 0, f=0.2 if d == 10 else 1.0) for d in range(0, 100, 5)]
    exps = expectations(looks, CFG)
    assert all(e is not None and e.rate < 0.2 for e in exps[3:])
    loud = [look(d, S2, 9 if d == 10 else 0) for d in range(0, 100, 5)]
    with_loud = expectations(loud, CFG)
    without = expectations(loud, CFG, excluded={loud[2].scene_id})
    assert with_loud[5] is not None and without[5] is not None
    assert with_loud[5].rate > 1.0 > without[5].rate


def test_a_look_that_saw_nothing_has_no_expectation():
    looks = [look(d, S2, 0) for d in range(0, 50, 5)] + [look(51, S2, 0, f=0.0)]
    assert expectations(looks, CFG)[-1] is None
    assert math.isnan(looks[-1].full_view)
