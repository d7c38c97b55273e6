"""`claims extract` end to end on the project's own labelled articles and on the seed article."""

from __future__ import annotations

import datetime as dt
import socket
import sys
from pathlib import Path

import pytest
import yaml

from monitor.claims.extract import SiteNames, extract_article, load_lexicon, read_article
from monitor.claims.extract.language import detect_language
from monitor.claims.signals import load_signals
from monitor.config.loader import load_settings
from tests.conftest import ROOT

CORPUS = Path(__file__).with_name("corpus")
SEED = ROOT.parent / "shared" / "seeds" / "deployment-report-de.txt"
PUB = dt.date(2025, 7, 5)


@pytest.fixture(scope="module")
def ctx():
    settings = load_settings(ROOT / "configs" / "monitor.yaml", env={})
    return load_lexicon(), SiteNames(settings.aois), load_signals(settings.analysis.signals, settings.aois)


def _run(ctx, path, published=PUB):
    lexicon, sites, smap = ctx
    return extract_article(read_article(path), lexicon, sites, smap, published)


def _rows(result):
    return [(d.date, d.precision, d.site, d.signal, d.kind, d.quantity) for d in result.drafts]


@pytest.mark.skipif(not SEED.exists(), reason="seed article ../shared/seeds/deployment-report-de.txt not present")
def test_seed_article_gives_the_analysts_drafts(ctx):
    result = _run(ctx, SEED)
    assert result.language.code == "de"
    assert _rows(result) == [
        ("2024-12-31", "day", None, None, "claim", "~11,000 troops"),
        ("2025-Q1", "quarter", None, "troop_movement", "claim", "~3,000 troops"),
        ("2025-07", "month", "dunai", "landing_ship_port_call", "observation", "1 landing ship"),
        ("2025-07", "month", "sunan", "transport_sorties", "observation", None),
        ("2025-07", "month", None, "troop_movement", "claim", "25,000-30,000 troops"),
        ("2025-07", "month", None, "troop_movement", "claim", "~6,000 personnel"),
    ]
    text = SEED.read_text(encoding="utf-8")
    for d in result.drafts:
        assert text[d.evidence.start : d.evidence.end] == d.evidence.text and d.evidence.language == "de"
    assert {s.skipped for s in result.skipped} == {"hypothetical"}


@pytest.mark.skipif(not SEED.exists(), reason="seed article ../shared/seeds/deployment-report-de.txt not present")
def test_without_publication_date_only_dated_statements_are_drafted(ctx):
    result = _run(ctx, SEED, published=None)
    assert [d.date for d in result.drafts] == ["2024-12-31"]
    assert "give --published" in result.warnings[0]


@pytest.mark.parametrize("lang", ["de", "en", "ru", "ko"])
def test_corpus_articles_detect_language_and_skip_negations(ctx, lang):
    labels = yaml.safe_load((CORPUS / "labels.yaml").read_text(encoding="utf-8"))
    negated = 0
    for item in (i for i in labels if i["file"].startswith(lang)):
        result = _run(ctx, CORPUS / item["file"])
        assert result.language.code == lang
        negated += sum(s.skipped == "negation" for s in result.skipped)
        for d in result.drafts:
            assert not any(r.startswith("negation:") for r in d.evidence.rules)
    assert negated >= 1


def test_corpus_precision_and_recall_hold(ctx):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_claims import score

    rows = score()
    matched = sum(r["matched"] for r in rows.values())
    assert matched / sum(r["drafted"] for r in rows.values()) >= 0.7
    assert matched / sum(r["expected"] for r in rows.values()) >= 0.65
    assert all(rows[lang]["matched"] >= 4 for lang in ("de", "en", "ru", "ko"))


def test_unknown_language_warns_and_drafts_nothing(ctx):
    result = _run(ctx, CORPUS / "fr-unknown.txt")
    assert result.drafts == [] and result.language.code == "fr"
    assert "language French (fr" in result.warnings[0]


def test_language_detection_works_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert detect_language("위성사진에 상륙함 두 척이 포착됐다.").code == "ko"
    assert detect_language("Спутниковые снимки показывают корабль.").code == "ru"


def test_html_article_is_read_with_its_date(ctx, tmp_path):
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><title>Report</title><meta property='article:published_time' content='2025-07-05'></head>"
        "<body><article><h1>Report</h1><p>Satellite images taken on June 4, 2025 show two transport aircraft at"
        " Sunan airport, officials said.</p><p>This is a longer paragraph about the region and its ports, written"
        " only so that the extractor has enough text to find the main content of this small test page.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    article = read_article(page)
    assert article.html and "Sunan" in article.text
    result = _run(ctx, page, published=None)
    assert _rows(result) == [("2025-06-04", "day", "sunan", "transport_sorties", "observation", "2 transport aircraft")]
