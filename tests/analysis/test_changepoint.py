"""The fused likelihood-ratio scan: finds real episodes, ignores lone artefacts, lets radar bridge clouds, reads
resident fleets, and its null calibration."""

from __future__ import annotations

import numpy as np

from monitor.analysis.calibrate import null_maxima
from monitor.analysis.changepoint import candidates, reference
from monitor.analysis.series import Look
from monitor.analysis.site import analyse_class
from monitor.config.loader import load_settings
from monitor.config.models import AlertRule
from tests.series_helpers import S1, S2, T0, fleet_series, quiet_series, with_event


def _dunai(config_path, **rule):
    aoi = load_settings(config_path, env={}).aois["dunai"]
    rules = [AlertRule.model_validate({"class": "landing_ship", **rule})]
    return aoi.model_copy(update={"alerts": rules})


def _episodes(config_path, looks, **rule):
    ca = analyse_class(looks, _dunai(config_path, **rule), "landing_ship", "m")
    return ca, [(ca.looks[e.first].acquired.date(), ca.looks[e.last].acquired.date(), e) for e in ca.episodes]


def test_a_two_week_rise_of_two_objects_is_one_episode(config_path):
    looks = with_event(quiet_series(seed=1), 60, 74, extra=2)
    ca, eps = _episodes(config_path, looks)
    assert len(eps) == 1
    start, end, ep = eps[0]
    assert (start - looks[0].acquired.date()).days >= 59 and (end - looks[0].acquired.date()).days <= 75
    assert 1.0 <= ep.excess <= 3.0 and ep.excess_low <= ep.excess <= ep.excess_high
    assert ep.elevated >= 2 and ep.llr >= 5.0
    inside = [k for k in ep.members]
    assert all(ca.expectations[k] is not None and ca.expectations[k].rate < 0.5 for k in inside)


def test_quiet_records_raise_nothing(config_path):
    for seed in range(5):
        assert _episodes(config_path, quiet_series(seed=seed))[1] == []


def test_a_lone_radar_artefact_does_not_persist(config_path):
    looks = quiet_series(seed=2)
    k = next(i for i, lk in enumerate(looks) if lk.sensor == S1 and lk.acquired.day > 10 and lk.acquired.month == 11)
    looks[k] = Look(looks[k].scene_id, S1, looks[k].acquired, 3, 1.0, True)
    assert _episodes(config_path, looks)[1] == []


def test_radar_fills_a_cloudy_gap(config_path):
    looks = quiet_series(seed=3)
    cloudy = [
        Look(lk.scene_id, lk.sensor, lk.acquired, 0, 0.1, False)
        if lk.sensor == S2 and 55 <= (lk.acquired - looks[0].acquired).days <= 80
        else lk
        for lk in looks
    ]
    event = with_event(cloudy, 58, 78, extra=2, sensors=(S1,))
    eps = _episodes(config_path, event)[1]
    assert len(eps) == 1
    members = eps[0][2].members
    ca_looks = sorted(event, key=lambda lk: lk.acquired)
    assert all(ca_looks[k].sensor == S1 for k in members)


def test_rule_thresholds_gate_episodes(config_path):
    looks = with_event(quiet_series(seed=4), 60, 74, extra=2)
    assert _episodes(config_path, looks, min_increase=4.0)[1] == []
    assert _episodes(config_path, looks, min_llr=50.0)[1] == []
    assert _episodes(config_path, looks, min_observations=17)[1] == []  # more looks than 45 days hold
    short = _episodes(config_path, looks, max_duration_days=1)[1]
    assert all((end - start).days <= 1 for start, end, _ in short)


def test_a_class_without_rule_gets_scores_but_no_episodes(config_path):
    aoi = _dunai(config_path)
    looks = with_event(quiet_series(seed=5), 60, 74, extra=3)
    ca = analyse_class(looks, aoi, "vessel", "m")
    assert ca.rule is None and ca.episodes == []
    assert max(z for z in ca.z if z == z) > 2.0


def test_partial_views_count_with_their_exposure(config_path):
    base = quiet_series(seed=6)
    part = [Look(lk.scene_id, lk.sensor, lk.acquired, lk.count, 0.6, True) if lk.sensor == S2 else lk for lk in base]
    k = next(i for i, lk in enumerate(part) if lk.sensor == S2 and (lk.acquired - part[0].acquired).days == 80)
    part[k] = Look(part[k].scene_id, S2, part[k].acquired, 1, 0.6, True)
    ca = analyse_class(part, _dunai(config_path), "landing_ship", "m")
    # one object seen in 60 % of the site stands for 1.7 on the whole site
    assert 1.4 < ca.excess(k) < 1.7
    assert ca.excess_sd(k) > 0
    assert ca.expectations[k] is not None and ca.expectations[k].mean < ca.expectations[k].rate


def _sunan(config_path):
    return load_settings(config_path, env={}).aois["sunan"]


def test_a_run_is_judged_against_the_quiet_looks_before_it_and_a_short_reference_weighs_less(config_path):
    cfg = _dunai(config_path).baseline
    long = with_event(quiet_series(days=170, seed=7), 120, 132, extra=2)
    short = [lk for lk in long if (lk.acquired - T0).days >= 96]  # about four looks of each sensor before it
    loose = AlertRule.model_validate({"class": "landing_ship", "min_llr": 0.5})
    best = {}
    for name, looks in (("long", long), ("short", short)):
        ep = candidates(looks, loose, cfg)[0]
        assert 119 <= (looks[ep.first].acquired - T0).days <= 133
        best[name] = ep.llr
        ref = reference(looks, S2, looks[ep.first].day, looks[ep.last].day, cfg, ())
        assert ref is not None and ref.count <= 2  # the quiet looks, never the event's own
    assert best["short"] < best["long"] - 1.0


def test_a_resident_fleet_shows_three_extra_aircraft_on_two_looks(config_path):
    aoi = _sunan(config_path)
    for seed in range(3):
        ca = analyse_class(fleet_series(seed=seed), aoi, "transport_aircraft", "m")
        assert ca.episodes == [], f"quiet fleet {seed} raised an alert"
    looks = with_event(fleet_series(seed=0), 150, 157, extra=3)
    ca = analyse_class(looks, aoi, "transport_aircraft", "m")
    assert len(ca.episodes) == 1
    ep = ca.episodes[0]
    assert (looks[ep.first].acquired - T0).days >= 149 and (looks[ep.last].acquired - T0).days <= 158
    assert ep.excess_low <= ep.excess <= ep.excess_high and ep.excess >= 2.0 and ep.llr >= 5.0


def test_null_calibration_reads_the_rule_as_a_false_alarm_probability(config_path):
    quiet = analyse_class(quiet_series(seed=8), _dunai(config_path), "landing_ship", "m")
    null = null_maxima(quiet, n=40, seed=1)
    assert null.shape == (40,) and (null >= 0).all()
    assert np.array_equal(null, null_maxima(quiet, n=40, seed=1))
    assert float(np.mean(null >= 5.0)) < 0.2
    event = analyse_class(with_event(quiet_series(seed=8), 60, 74, extra=2), _dunai(config_path), "landing_ship", "m")
    assert event.episodes and event.episodes[0].llr > float(np.quantile(null, 0.95))
