"""Statements of single sentences and short paragraphs: sites, objects, quantities, context and cues."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.claims.extract.lexicon import load_lexicon
from monitor.claims.extract.matching import Context, find_statements
from monitor.claims.extract.sites import SiteNames
from monitor.claims.extract.text import split_sentences
from monitor.config.loader import load_settings
from tests.conftest import ROOT

LEX = load_lexicon()
PUB = dt.date(2025, 7, 5)
UNITS = {k: (v[0], v[1]) for k, v in LEX.units.items()}


@pytest.fixture(scope="module")
def sites():
    return SiteNames(load_settings(ROOT / "configs" / "monitor.yaml", env={}).aois)


def _statements(sites, code, text):
    context = Context()
    out = []
    for sentence in split_sentences(text, LEX.languages[code].abbreviations):
        out += find_statements(sentence, LEX.languages[code], code, sites, PUB, UNITS, context, LEX.refers_back)
    return [(s.unit, s.site, s.quantity, s.date.date if s.date else None, s.kind, s.skipped) for s in out]


def test_site_names_inflect_per_language(sites):
    assert _statements(sites, "ru", "В прошлом месяце в Дунае стояли два десантных корабля.") == [
        ("landing_ship", "dunai", "2 landing ships", "2025-06", "claim", None)
    ]
    assert _statements(sites, "ko", "지난달 순안국제공항에서 수송기 두 대가 포착됐다.") == [
        ("transport_aircraft", "sunan", "2 transport aircraft", "2025-06", "observation", None)
    ]


def test_a_site_that_does_not_count_the_class_is_not_taken(sites):
    rows = _statements(sites, "en", "Satellite images show two landing ships near Sunan airport.")
    assert rows == [("landing_ship", None, "2 landing ships", None, "observation", None)]


def test_generic_words_next_to_specific_ones_are_one_object(sites):
    rows = _statements(sites, "en", "In June, up to five Il-76 aircraft were parked at Sunan.")
    assert rows == [("transport_aircraft", "sunan", "~5 transport aircraft", "2025-06", "claim", None)]


def test_negated_and_hypothetical_clauses_are_marked_skipped(sites):
    rows = _statements(
        sites, "de", "In Dunai lagen keine Landungsschiffe. Sollte es so kommen, könnten 30.000 Soldaten folgen."
    )
    assert [r[-1] for r in rows] == ["negation", "hypothetical"]
    assert _statements(sites, "ru", "В Дунае не менее двух десантных кораблей.")[0][-1] is None


def test_paragraph_context_carries_dates_and_troop_counts(sites):
    rows = _statements(
        sites,
        "de",
        "Am 17. Oktober 2024 lagen zwei Landungsschiffe in Dunai. Dabei wurden rund 1.500 Soldaten verlegt.",
    )
    assert rows[1] == ("troops", None, "~1,500 troops", "2024-10", "claim", None)
    elided = _statements(sites, "de", "Im Juni kamen 2.000 Soldaten. Bis Ende 2024 waren es rund 11.000 gewesen.")
    assert elided[1] == ("troops", None, "~11,000 troops", "2024-12-31", "claim", None)
