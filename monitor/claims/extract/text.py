"""Sentences and clauses of an article, as character spans of its text (offsets are kept for the evidence)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ("Span", "split_clauses", "split_sentences")

# A sentence ends at . ! ? (or their full-width forms) followed by space, or at a line break. Dots inside numbers
# ("25.000") and dates ("17.10.2024") are not followed by space and so never end one.
_END = re.compile(r"(?<=[.!?。！？])[\"'»”)\]]*\s+|\n\s*")
# Clauses split at commas, semicolons, colons and dashes set off by spaces; a comma inside "25,000" has no space.
_CLAUSE = re.compile(r"\s*[,;:]\s+|\s+[–—-]\s+|\s*\(\s*|\s*\)\s*")


@dataclass(frozen=True)
class Span:
    """A stretch of the article's text with its character offsets (``text[start:end]``)."""

    start: int
    end: int
    text: str


def _ends_with_abbreviation(chunk: str, abbreviations: Sequence[str]) -> bool:
    tail = chunk.rstrip().rsplit(None, 1)[-1] if chunk.strip() else ""
    if re.fullmatch(r"\d{1,2}\.", tail):
        # "am 17. Oktober": a day number with its dot is not the end of a sentence.
        return True
    return any(tail.lower() == a.lower() or tail.lower().endswith(" " + a.lower()) for a in abbreviations)


def split_sentences(text: str, abbreviations: Sequence[str] = ()) -> list[Span]:
    """Split text into sentences, keeping each one's offsets.

    Args:
        text: The article text.
        abbreviations: Dotted words that do not end a sentence ("z.B.", "Gen.").

    Returns:
        Non-empty sentences, stripped of surrounding space, in text order.
    """
    spans: list[Span] = []
    start = 0
    for m in _END.finditer(text):
        chunk = text[start : m.start()]
        if "\n" not in m.group() and _ends_with_abbreviation(chunk, abbreviations):
            continue
        _add(spans, text, start, m.start())
        start = m.end()
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    body = chunk.strip()
    if body:
        spans.append(Span(start + lead, start + lead + len(body), body))


def split_clauses(sentence: Span) -> list[Span]:
    """Split a sentence into clauses at commas, semicolons, colons, spaced dashes and brackets.

    Args:
        sentence: The sentence.

    Returns:
        The clauses, offsets relative to the article text.
    """
    spans: list[Span] = []
    start = 0
    for m in _CLAUSE.finditer(sentence.text):
        _add(spans, sentence.text, start, m.start())
        start = m.end()
    _add(spans, sentence.text, start, len(sentence.text))
    return [Span(sentence.start + s.start, sentence.start + s.end, s.text) for s in spans]
