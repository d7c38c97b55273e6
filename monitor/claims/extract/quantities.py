"""Numbers in news text: digits with the language's separators, number words, multipliers and ranges.

"25.000 bis 30.000", "около 1 500", "25–30 тысяч", "1만1000", "rund 3.000" and "ein" all become a
:class:`Number` with its span, its value (or range), whether it was approximate, a lower bound or "more than",
and the counter word after it (Korean 명, 척, 대).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.claims.extract.lexicon import LanguageLexicon

__all__ = ("Number", "find_numbers", "format_number")


@dataclass(frozen=True)
class Number:
    """A quantity as written: ``low`` (and ``high`` for a range), with its qualifiers."""

    start: int
    end: int
    low: float
    high: float | None = None
    qualifier: str = ""  # "~", ">=", ">" or ""
    counter: str | None = None
    word: bool = False  # written as a word ("ein", "two"), not digits


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or r"(?!x)x"


_COMPILED: dict[int, tuple[LanguageLexicon, re.Pattern[str], re.Pattern[str]]] = {}


def _patterns(lang: LanguageLexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    hit = _COMPILED.get(id(lang))
    if hit is not None and hit[0] is lang:
        return hit[1], hit[2]
    sep = re.escape(lang.thousands) + (r"\u00a0\u202f" if lang.thousands == " " else "")
    digits = rf"\d{{1,3}}(?:[{sep}]\d{{3}})+(?!\d)|\d+(?:{re.escape(lang.decimal)}\d+)?"
    mult = _alt(list(lang.multipliers))
    atom = rf"(?:{digits})(?:\s?(?:{mult}))?"
    word = rf"(?<!\w)(?:{_alt(list(lang.numbers))})(?!\w)"
    counters = _alt(list(lang.counters))
    one = rf"(?:{atom}(?:\s?{atom})*|{word})"
    rng = _alt(lang.ranges)
    counter = rf"(?:\s?(?:{_alt(lang.approx_after)})?\s?(?P<c>{counters}))?"
    full = rf"(?P<a>{one})(?:\s*(?:{rng})\s*(?P<b>{one}))?{counter}"
    compiled = re.compile(full, re.IGNORECASE), re.compile(atom, re.IGNORECASE)
    _COMPILED[id(lang)] = (lang, *compiled)
    return compiled


def _value(text: str, lang: LanguageLexicon, atom: re.Pattern[str]) -> tuple[float, bool]:
    low = text.strip().lower()
    if low in {w.lower() for w in lang.numbers}:
        return float({w.lower(): v for w, v in lang.numbers.items()}[low]), False
    total = 0.0
    has_mult = False
    for m in atom.finditer(text):
        part = m.group()
        factor = 1
        for name, f in sorted(lang.multipliers.items(), key=lambda kv: -len(kv[0])):
            if part.lower().rstrip().endswith(name.lower()):
                factor, part, has_mult = f, part[: len(part.rstrip()) - len(name)], True
                break
        digits = re.sub(rf"[{re.escape(lang.thousands)}\s\u00a0\u202f]", "", part.strip())
        digits = digits.replace(lang.decimal, ".")
        try:
            total += float(digits) * factor
        except ValueError:
            continue
    return total, has_mult


def _qualifier(before: str, after: str, lang: LanguageLexicon) -> str:
    def ends(words: list[str]) -> bool:
        return bool(words) and re.search(rf"(?<!\w)(?:{_alt(words)})\s*$", before, re.IGNORECASE) is not None

    def starts(words: list[str]) -> bool:
        pattern = re.compile(rf"\s*(?:{_alt(words)})", re.IGNORECASE)
        return bool(words) and any(pattern.match(a) for a in after.split("\n"))

    if ends(lang.at_least):
        return ">="
    if ends(lang.more_than) or starts(lang.more_after):
        return ">"
    if ends(lang.approx) or starts(lang.approx_after):
        return "~"
    return ""


def find_numbers(text: str, lang: LanguageLexicon, masked: list[tuple[int, int]]) -> list[Number]:
    """Find the quantities written in a text.

    Args:
        text: The text (a sentence or clause of the article, offsets relative to it).
        lang: The language's lexicon.
        masked: Spans already taken (dates); numbers inside them are skipped.

    Returns:
        The numbers, in text order.
    """
    full, atom = _patterns(lang)
    out: list[Number] = []
    for m in full.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in masked):
            continue
        a, a_mult = _value(m.group("a"), lang, atom)
        high = None
        if m.group("b"):
            b, b_mult = _value(m.group("b"), lang, atom)
            if b_mult and not a_mult and a < b:
                # "25–30 тысяч": the multiplier after the range applies to both ends.
                factor = next(f for n, f in lang.multipliers.items() if m.group("b").lower().rstrip().endswith(n))
                a *= factor
            if b > a:
                high = b
        word = re.fullmatch(r"\D+", m.group("a").strip()) is not None
        tail = m.end("b") if m.group("b") else m.end("a")
        after = text[tail : tail + 8] + "\n" + text[m.end() : m.end() + 8]
        qual = _qualifier(text[max(0, m.start() - 24) : m.start()], after, lang)
        c = m.group("c")
        out.append(Number(m.start(), m.end(), a, high, qual, lang.counters.get(c) if c else None, word))
    return out


def format_number(n: Number) -> str:
    """Write a number the way the ledger does ("~1,500", "25,000-30,000", ">= 2").

    Args:
        n: The number.

    Returns:
        The text.
    """

    def fmt(v: float) -> str:
        return f"{int(v):,}" if v == int(v) else f"{v:,.1f}"

    body = fmt(n.low) + (f"-{fmt(n.high)}" if n.high is not None else "")
    return {"~": "~", ">=": ">= ", ">": "> "}.get(n.qualifier, "") + body
