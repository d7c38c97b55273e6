"""Dates, numbers, sentences and lexicon terms of `claims extract`, across the supported languages."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.claims.extract.dates import find_dates
from monitor.claims.extract.lexicon import compile_terms, load_lexicon
from monitor.claims.extract.quantities import find_numbers, format_number
from monitor.claims.extract.text import split_clauses, split_sentences

LEX = load_lexicon()
PUB = dt.date(2025, 7, 5)


@pytest.mark.parametrize(
    ("lang", "text", "date", "precision", "deadline"),
    [
        ("de", "bis Ende 2024", "2024-12-31", "day", True),
        ("de", "in diesem Jahr", "2025-Q1", "quarter", False),
        ("de", "Ende letzten Jahres", "2024-Q4", "quarter", False),
        ("de", "am 17. Oktober 2024", "2024-10-17", "day", False),
        ("de", "Anfang Juni", "2025-06", "month", False),
        ("de", "im dritten Quartal 2024", "2024-Q3", "quarter", False),
        ("de", "vor drei Tagen", "2025-07-02", "day", False),
        ("en", "by the end of 2024", "2024-12-31", "day", True),
        ("en", "late 2024", "2024-Q4", "quarter", False),
        ("en", "on October 17, 2024", "2024-10-17", "day", False),
        ("en", "last month", "2025-06", "month", False),
        ("en", "in August", "2024-08", "month", False),
        ("ru", "в начале июня", "2025-06", "month", False),
        ("ru", "к концу 2024 года", "2024-12-31", "day", True),
        ("ru", "17 октября 2024 года", "2024-10-17", "day", False),
        ("ru", "в прошлом месяце", "2025-06", "month", False),
        ("ko", "지난달", "2025-06", "month", False),
        ("ko", "지난해 말까지", "2024-12-31", "day", True),
        ("ko", "올해 초", "2025-Q1", "quarter", False),
        ("ko", "2024년 10월 17일", "2024-10-17", "day", False),
    ],
)
def test_dates_resolve_against_publication(lang, text, date, precision, deadline):
    found = find_dates(text, LEX.languages[lang], lang, PUB)
    assert [(d.date, d.precision, d.deadline) for d in found] == [(date, precision, deadline)]


def test_year_is_widened_and_modal_may_is_no_month():
    this_year = find_dates("in diesem Jahr", LEX.languages["de"], "de", PUB)[0]
    assert this_year.widened and (this_year.first, this_year.last) == (dt.date(2025, 1, 1), PUB)
    assert find_dates("troops may leave soon", LEX.languages["en"], "en", PUB) == []
    assert find_dates("rund 2000 Soldaten", LEX.languages["de"], "de", PUB, compile_terms(["soldat*"])) == []
    unresolved = find_dates("letzten Monat", LEX.languages["de"], "de", None)
    assert [(d.text, d.precision) for d in unresolved] == [("letzten Monat", "")]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("de", "von 25.000 bis 30.000 Soldaten", ["25,000-30,000"]),
        ("de", "rund 11.000 und ein Schiff", ["~11,000", "1"]),
        ("en", "at least two ships and about 3,000 troops", [">= 2", "~3,000"]),
        ("ru", "около 1 500 и 25–30 тысяч", ["~1,500", "25,000-30,000"]),
        ("ko", "1만1000명, 3천 명 이상, 1만여 명", ["11,000", "> 3,000", "~10,000"]),
    ],
)
def test_numbers_with_separators_multipliers_and_ranges(lang, text, expected):
    assert [format_number(n) for n in find_numbers(text, LEX.languages[lang], [])] == expected


def test_sentences_keep_offsets_and_skip_abbreviations_and_day_dots():
    text = "Am 17. Oktober sah man z.B. zwei Schiffe. Rund 25.000 Soldaten, sagte er.\nNeue Zeile"
    spans = split_sentences(text, ["z.B."])
    assert [s.text for s in spans] == [
        "Am 17. Oktober sah man z.B. zwei Schiffe.",
        "Rund 25.000 Soldaten, sagte er.",
        "Neue Zeile",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)
    clauses = split_clauses(spans[1])
    assert [c.text for c in clauses] == ["Rund 25.000 Soldaten", "sagte er."]
    assert all(text[c.start : c.end] == c.text for c in clauses)


def test_term_syntax_matches_inflections_and_compounds():
    pattern = compile_terms(["*transportflugzeug*", "landing ship*", "десантн* корабл*"])
    assert pattern.search("Militärtransportflugzeuge")
    assert pattern.search("two Landing Ships")
    assert pattern.search("два десантных корабля")
    assert not compile_terms(["ship"]).search("shipping")


def test_day_alone_and_days_later():
    ko = find_dates("지난 10일 상륙함 2척", LEX.languages["ko"], "ko", PUB)
    assert [(d.date, d.precision) for d in ko] == [("2025-07-10", "day")] or ko[0].date == "2025-06-10"
    later = find_dates("Drei Tage später", LEX.languages["de"], "de", PUB, anchor=dt.date(2024, 10, 17))
    assert [(d.date, d.precision) for d in later] == [("2024-10-20", "day")]
    assert find_dates("Drei Tage später", LEX.languages["de"], "de", PUB) == []
    carried = find_dates("am 17. Oktober 2024", LEX.languages["de"], "de", PUB)[0].carried_over()
    assert (carried.date, carried.precision, carried.carried) == ("2024-10", "month", True)
