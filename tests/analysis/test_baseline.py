"""The count-model baseline: Jeffreys rate, exposure, sensor separation, start-of-record fill, exclusions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from monitor.analysis.baseline import expectations, predictive
from monitor.analysis.spread import dispersion, record_dispersion
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


FLEET = [4, 3, 5, 4, 4, 3, 5, 4, 4, 5, 3, 4] * 3


def test_dispersion_claims_a_steady_fleet_only_as_far_as_the_looks_show_it():
    ones = [1.0] * len(FLEET)
    point = float(np.var(FLEET, ddof=1)) / ((0.5 + sum(FLEET)) / len(FLEET))
    many = dispersion(FLEET, ones)
    assert point < many < 1.0
    assert many < dispersion(FLEET[:8], ones[:8]) <= 1.0  # fewer looks, less certainty, nearer Poisson
    assert dispersion([4] * 12, [1.0] * 12) == pytest.approx(0.25)  # never more regular than the floor
    assert dispersion([0] * 10 + [1], [1.0] * 11) == 1.0  # sparse counts cannot show a fleet
    assert dispersion([0, 6, 1, 7, 0, 8], [1.0] * 6) > 2.0


def test_an_underdispersed_predictive_is_a_proper_distribution_that_extra_objects_shift():
    e = predictive(FLEET, [1.0] * len(FLEET), exposure=1.0, index=0.4)
    assert e.underdispersed and e.var < e.mean
    y = np.arange(60)
    quiet = np.exp(e.logpmf(y))
    assert quiet.sum() == pytest.approx(1.0, abs=1e-6)
    assert (y * quiet).sum() == pytest.approx(e.mean, rel=1e-3)
    assert ((y - e.mean) ** 2 * quiet).sum() == pytest.approx(e.var, rel=1e-2)
    raised = np.exp(e.logpmf(y, 2.0))  # two extra objects, each there or not
    assert raised.sum() == pytest.approx(1.0, abs=1e-6)
    assert (y * raised).sum() == pytest.approx(e.mean + 2.0, rel=1e-3)
    assert ((y - e.mean - 2.0) ** 2 * raised).sum() == pytest.approx(e.var + 2.0, rel=1e-2)
    poisson = predictive(FLEET, [1.0] * len(FLEET), exposure=1.0, index=1.0)
    assert not poisson.underdispersed
    assert e.z(7) > poisson.z(7) + 0.5
    lo, hi = e.band(0.9)
    assert poisson.band(0.9)[0] <= lo <= e.mean <= hi <= poisson.band(0.9)[1]
    rng = np.random.default_rng(1)
    draws = np.array([e.sample(rng) for _ in range(3000)])
    assert abs(draws.mean() - e.mean) < 0.1 and abs(draws.var() - e.var) < 0.25


def test_the_sensor_spread_comes_from_the_whole_record_less_excluded_looks():
    fleet = [2, 5, 7, 4, 3, 6, 5, 4, 3, 6, 4, 5] * 3
    looks = [look(d, S2, 0) for d in range(0, 200, 5)]
    looks += [look(6 * i + 2, S1, c) for i, c in enumerate(fleet)]
    looks.sort(key=lambda lk: lk.acquired)
    index = record_dispersion(looks)
    assert index[S2] == 1.0 and 0.25 < index[S1] < 1.0
    loud = {lk.scene_id for lk in looks if lk.sensor == S1 and lk.count in (2, 7)}
    assert record_dispersion(looks, excluded=loud)[S1] < index[S1]
