"""Per-claim verdicts against an analysed series, and the signal mapping's validation."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.analysis.site import analyse_class
from monitor.claims.correlate import assess_claim
from monitor.claims.ledger import Claim
from monitor.claims.signals import SignalMap, check_claims, load_signals
from monitor.config.loader import load_settings
from monitor.errors import ConfigError, InputDataError
from tests.conftest import ROOT
from tests.series_helpers import T0, quiet_series, with_event


@pytest.fixture
def setup(config_path):
    settings = load_settings(config_path, env={})
    smap = load_signals(ROOT / "configs" / "signals.yaml", settings.aois)
    looks = with_event(quiet_series(days=200, seed=7), 60, 74, extra=2)
    dunai = analyse_class(looks, settings.aois["dunai"], "landing_ship", "m")
    return smap, {("dunai", "landing_ship"): dunai}


def _claim(date, precision="day", signal="landing_ship_port_call", site="dunai"):
    return Claim.model_validate(
        {
            "id": "c-test",
            "date": date,
            "precision": precision,
            "site": site,
            "kind": "observation",
            "statement": "Landing ship reported at the pier.",
            "signal": signal,
            "sources": [{"name": "Someone"}],
        }
    )


def _day(n):
    return (T0.date() + dt.timedelta(days=n)).isoformat()


def test_a_claim_inside_the_event_is_supported_with_reasons(setup):
    smap, analyses = setup
    v, parts = assess_claim(_claim(_day(65)), smap, analyses)
    assert v.verdict == "supported" and v.p_value <= 0.05
    assert v.effect > 1.0 and v.effect_low <= v.effect <= v.effect_high
    assert "permutation p=" in v.reasons[0] and "elevated" in v.reasons[0]
    assert parts == [v]


def test_a_quiet_month_with_clear_looks_contradicts_a_port_call(config_path, setup):
    smap, _ = setup
    aoi = load_settings(config_path, env={}).aois["dunai"]
    clean = analyse_class(with_event(quiet_series(days=200, rate=0.0), 60, 74, 2), aoi, "landing_ship", "m")
    v, _ = assess_claim(_claim(_day(150)[:7], "month"), smap, {("dunai", "landing_ship"): clean})
    assert v.verdict == "contradicted" and v.n_window >= 4
    assert "none elevated" in v.reasons[0] and "ruled out" in v.reasons[0]
    # a single elevated look (a short visit, or a false detection) keeps it from being contradicted
    noisy = analyse_class(quiet_series(days=200, seed=7), aoi, "landing_ship", "m")
    v, _ = assess_claim(_claim(_day(150)[:7], "month"), smap, {("dunai", "landing_ship"): noisy})
    assert v.verdict == "inconclusive"


def test_too_few_clear_looks_is_inconclusive_and_says_so(setup):
    smap, analyses = setup
    v, _ = assess_claim(_claim(_day(400)), smap, analyses)
    assert v.verdict == "inconclusive" and "too few clear looks" in v.reasons[0]


def test_troop_claims_are_never_contradicted_by_absence_and_unmapped_claims_are_inconclusive(setup):
    smap, analyses = setup
    v, parts = assess_claim(_claim(_day(150)[:7], "month", "troop_movement", None), smap, analyses)
    assert v.verdict == "inconclusive" and len(parts) == 2
    assert any("no analysed series" in r for r in v.reasons)
    v, _ = assess_claim(_claim(_day(150), signal=None, site=None), smap, analyses)
    assert v.verdict == "inconclusive" and "no logistics signal" in v.reasons[0]


def test_a_departure_is_measured_against_the_stretch_before_it(setup):
    smap, analyses = setup
    v, _ = assess_claim(_claim(_day(75), signal="landing_ship_departure"), smap, analyses)
    assert v.effect > 1.0 and v.verdict in ("supported", "inconclusive")


def test_signal_mapping_is_checked_against_sites_and_claims(tmp_path, config_path, caplog):
    aois = load_settings(config_path, env={}).aois
    bad = tmp_path / "signals.yaml"
    bad.write_text("signals:\n  s:\n    description: ships at Paris\n    site: paris\n    class: landing_ship\n")
    with caplog.at_level("WARNING", logger="monitor.claims"):
        assert "s" in load_signals(bad, aois).signals
    assert "signals.s.site: 'paris' is not a configured AOI" in caplog.text
    bad.write_text("signals:\n  s:\n    description: ships at Paris\n    site: dunai\n    class: aircraft\n")
    with pytest.raises(ConfigError, match=r"signals.s.class: dunai does not count this class"):
        load_signals(bad, aois)
    bad.write_text("signals:\n  s:\n    description: anything at all\n    any_of: [nope]\n")
    with pytest.raises(ConfigError, match="unknown signal 'nope'"):
        load_signals(bad, aois)
    smap = SignalMap.model_validate(
        {"signals": {"port": {"description": "ships in port", "site": "dunai", "class": "landing_ship"}}}
    )
    with pytest.raises(InputDataError, match=r"\[0\] \(id c-test\).signal: unknown signal 'landing_ship_port_call'"):
        check_claims([_claim(_day(1))], smap, tmp_path / "claims.yaml")
    with pytest.raises(InputDataError, match=r"\.site: signal port concerns \['dunai'\] \(got 'sunan'\)"):
        check_claims([_claim(_day(1), signal="port", site="sunan")], smap, tmp_path / "claims.yaml")


def test_other_episodes_stay_out_of_a_claims_surrounding_reference(config_path, setup):
    smap, _ = setup
    aoi = load_settings(config_path, env={}).aois["dunai"]
    looks = with_event(with_event(quiet_series(days=240, seed=7), 60, 74, extra=2), 130, 144, extra=2)
    ca = analyse_class(looks, aoi, "landing_ship", "m")
    assert len(ca.episodes) == 2
    v, _ = assess_claim(_claim(_day(135)), smap, {("dunai", "landing_ship"): ca})
    (w0, w1), test = v.window, smap.test
    r0, r1 = w0 - dt.timedelta(days=test.reference_days), w1 + dt.timedelta(days=test.reference_days)
    usable = [k for k, lk in enumerate(looks) if lk.clear and ca.expectations[k] is not None]
    around = [k for k in usable if r0 <= looks[k].acquired.date() <= r1 and not w0 <= looks[k].acquired.date() <= w1]
    first = {looks[k].scene_id for k in ca.episodes[0].members}
    # The October-like episode lies within the reference span, but its raised looks are not quiet reference.
    assert first & {looks[k].scene_id for k in around}
    assert v.n_reference == len([k for k in around if looks[k].scene_id not in ca.excluded])
    assert v.verdict == "supported"
