"""From one article to its drafts: language, sentences, statements, dates, signals and sources.

A statement without a date of its own takes the publication month (news in the present tense is about the weeks
before it appeared); without ``--published`` (or a date in the HTML) such statements are left out with a warning.
Two statements of one article that would make the same draft (same site, signal, date and quantity) make one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace

from monitor.claims.extract.dates import write_period
from monitor.claims.extract.drafts import Draft, Evidence, find_signal, slug, sort_drafts
from monitor.claims.extract.language import Detected, detect_language
from monitor.claims.extract.lexicon import Lexicon
from monitor.claims.extract.matching import Context, SiteNames, Statement, find_statements
from monitor.claims.extract.reading import Article
from monitor.claims.extract.text import split_sentences
from monitor.claims.signals import SignalMap

__all__ = ("ArticleResult", "extract_article")

log = logging.getLogger("monitor.claims")


@dataclass
class ArticleResult:
    """What one article gave: its language, drafts, the statements left out and warnings."""

    article: Article
    language: Detected
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Statement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _date_rule(st: Statement) -> str:
    if st.date is None:
        return "date:publication"
    return f"date:{'carried:' if st.date.carried else ''}{st.date.text}"


def _statement_words(st: Statement, site_name: str | None, signal: str | None, cumulative: bool) -> str:
    what = st.quantity or f"unspecified number of {st.unit.replace('_', ' ')}"
    if st.is_object:
        seen = "Imagery reportedly shows" if st.kind == "observation" else "Reported:"
        where = f"leaving {site_name}" if st.direction == "decrease" else f"at {site_name or 'a place not watched'}"
        return f"{seen} {what} {where} (draft from an article; check against the quoted evidence)."
    total = "in total by that date" if cumulative else "sent or to be sent"
    return f"Reported: {what} {total} (draft from an article; check against the quoted evidence)."


def extract_article(
    article: Article,
    lexicon: Lexicon,
    sites: SiteNames,
    smap: SignalMap,
    published: dt.date | None = None,
    source: str | None = None,
    url: str | None = None,
) -> ArticleResult:
    """Draft ledger entries from one article.

    Args:
        article: The article.
        lexicon: The lexicon.
        sites: Site names from the AOI configs.
        smap: The signal mapping.
        published: Publication date (``--published``; else the HTML's date).
        source: Source name for the drafts (else the HTML's site name, else the file name).
        url: Source URL (else the HTML's).

    Returns:
        The drafts (sorted) and what was left out; an unsupported language gives no drafts and a warning.
    """
    detected = detect_language(article.text, lexicon.languages)
    result = ArticleResult(article, detected)
    lang = lexicon.languages.get(detected.code)
    if lang is None:
        name = lexicon.language_names.get(detected.code, detected.code)
        supported = ", ".join(sorted(lexicon.languages))
        result.warnings.append(
            f"{article.path}: language {name} ({detected.code}, p={detected.probability:.2f}) is not in the"
            f" lexicon (supported: {supported}); no drafts"
        )
        return result
    published = published or article.published
    source_name = source or article.site_name or article.path.name
    units = {k: (v[0], v[1]) for k, v in lexicon.units.items()}
    seen: set[tuple[str | None, str | None, str, str | None, str]] = set()
    undated = 0
    context = Context()
    specific: dict[str, set[str]] = {}
    last_end = 0
    for sentence in split_sentences(article.text, lang.abbreviations):
        if "\n" in article.text[last_end : sentence.start]:
            context = Context()
        last_end = sentence.end
        for st in find_statements(sentence, lang, detected.code, sites, published, units, context, lexicon.refers_back):
            if st.is_object and st.site is not None:
                site_id: str = st.site
                if lexicon.refers_back.get(st.unit) in specific.get(site_id, set()):
                    st = replace(st, unit=lexicon.refers_back[st.unit], cues=(*st.cues, "refers back"))
                specific.setdefault(site_id, set()).add(st.unit)
            if st.skipped:
                result.skipped.append(st)
                log.info("%s: %s statement left out: %s", article.path, st.skipped, sentence.text)
                continue
            if st.date is None and published is None:
                undated += 1
                continue
            cumulative = st.date is not None and st.date.deadline
            if st.is_object:
                signal = find_signal(smap, st.site, st.unit, st.direction)
            else:
                signal = None if cumulative else lexicon.troop_signal
            if st.date is not None:
                date, precision = st.date.date, st.date.precision
                period = f"{st.date.first.isoformat()}/{st.date.last.isoformat()}"
                note = "a year is written as its first quarter; widen by hand" if st.date.widened else None
                if st.date.carried:
                    note = "no date in the sentence: the date of an earlier sentence of the paragraph"
            else:
                assert published is not None
                date, precision, _ = write_period(published.replace(day=1), "month")
                period = f"{published.replace(day=1).isoformat()}/{published.isoformat()}"
                note = "no date in the sentence: the publication month"
            key = (st.site, signal, date, st.quantity, st.unit)
            if key in seen:
                continue
            seen.add(key)
            site_name = sites.aois[st.site].name if st.site else None
            raw = {
                "id": slug(f"{slug(source_name)[:24]}-{date}-{st.site or 'unsited'}-{signal or st.unit}"),
                "date": date,
                "precision": precision,
                "site": st.site,
                "kind": st.kind,
                "statement": _statement_words(st, site_name, signal, cumulative),
                "quantity": st.quantity,
                "signal": signal,
                "sources": [
                    {
                        "name": source_name,
                        "date": published.isoformat() if published else None,
                        "url": url or article.url,
                    }
                ],
                "evidence": Evidence(
                    text=sentence.text,
                    start=sentence.start,
                    end=sentence.end,
                    language=detected.code,
                    file=str(article.path),
                    rules=[*st.cues, _date_rule(st)],
                    date_text=st.date.text if st.date else None,
                    period=period,
                    note=note,
                ),
            }
            result.drafts.append(Draft.model_validate(raw))
    if undated:
        result.warnings.append(
            f"{article.path}: {undated} statement(s) without a date left out: give --published YYYY-MM-DD"
        )
    result.drafts = sort_drafts(result.drafts)
    return result
