"""Dates and periods in news text, resolved against the publication date and written as the ledger writes them.

A mention has an anchor (a day, a month, a quarter, a year, or a phrase relative to publication such as "in
diesem Jahr", "в прошлом месяце" or "지난달"), optionally a part ("Ende", "в начале", "초") and a deadline
("bis", "к", "까지"). The ledger knows three precisions, so the period is written as:

- a day for a day, and for a deadline ("bis Ende 2024" is 2024-12-31: a total reached by then);
- the month for a month, also when narrowed ("Anfang Juni" is 2025-06);
- the quarter for a quarter, and for a part of a year ("Ende 2024" is 2024-Q4, "Mitte 2025" 2025-Q2);
- a whole year, which the ledger cannot hold, as the quarter it starts in ("in diesem Jahr" in an article of
  2025-07-05 is 2025-Q1), with ``widened`` set so that the draft says so.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from monitor.claims.extract.lexicon import LanguageLexicon, compile_terms

__all__ = ("DateMention", "find_dates", "write_period")

_COMPILED: dict[int, tuple[LanguageLexicon, list[re.Pattern[str]]]] = {}


@dataclass(frozen=True)
class DateMention:
    """One resolved date expression: its span, the period it covers and how the ledger writes it."""

    start: int
    end: int
    text: str
    first: dt.date
    last: dt.date
    precision: str  # day | month | quarter
    date: str
    deadline: bool = False
    widened: bool = False
    carried: bool = False

    def carried_over(self) -> DateMention:
        """This date as context for a later undated sentence: a day becomes its month, a deadline its period.

        Returns:
            The carried date.
        """
        if self.precision != "day":
            return replace(self, deadline=False, carried=True)
        date, precision, _ = write_period(self.first.replace(day=1), "month")
        return replace(self, first=self.first.replace(day=1), precision=precision, date=date, carried=True)


def _alt(words: list[str] | dict[str, int]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or r"(?!x)x"


def _forms(lang: LanguageLexicon) -> list[re.Pattern[str]]:
    hit = _COMPILED.get(id(lang))
    if hit is not None and hit[0] is lang:
        return hit[1]
    d = lang.dates
    fill = {
        "day": r"(?P<day>[0-3]?\d)",
        "month": rf"(?P<month>{_alt(d.months)})",
        "mnum": r"(?P<mnum>0?[1-9]|1[0-2])",
        "year": rf"(?P<year>(?:19|20)\d\d)(?!\d){d.year_suffix}",
        "quarter": rf"(?P<quarter>{_alt(d.quarters)})",
        "qnum": r"(?P<qnum>[1-4])",
    }
    tail = r"(?!\d)" if lang.site_suffix > 2 else r"(?!\w)"
    forms = [r"(?P<iso>(?P<year>(?:19|20)\d\d)-(?P<mnum>0[1-9]|1[0-2])-(?P<day>[0-3]\d))"]
    forms += [re.sub(r"\{(\w+)\}", lambda m: fill[m.group(1)], f) for f in d.forms]
    compiled = [re.compile(rf"(?<![\w.]){f}{tail}", re.IGNORECASE) for f in forms]
    _COMPILED[id(lang)] = (lang, compiled)
    return compiled


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _anchor(
    g: dict[str, str | None], lang: LanguageLexicon, pub: dt.date | None
) -> tuple[dt.date, dt.date, str] | None:
    year = int(str(g["year"])) if g.get("year") else None
    month = None
    if g.get("month"):
        month = {k.lower(): v for k, v in lang.dates.months.items()}[str(g["month"]).lower()]
    elif g.get("mnum"):
        month = int(str(g["mnum"]))
    quarter = None
    if g.get("quarter"):
        quarter = {k.lower(): v for k, v in lang.dates.quarters.items()}[str(g["quarter"]).lower()]
    elif g.get("qnum"):
        quarter = int(str(g["qnum"]))
    if year is None and pub is None:
        return None
    if month is None and g.get("day"):
        # A day alone ("지난 10일"): the latest such day up to publication.
        assert pub is not None
        day_n = int(str(g["day"]))
        prev = pub.replace(day=1) - dt.timedelta(days=1)
        year, month = (pub.year, pub.month) if day_n <= pub.day else (prev.year, prev.month)
    if month is not None:
        if year is None:
            assert pub is not None
            year = pub.year if month <= pub.month else pub.year - 1
        if g.get("day"):
            try:
                day = dt.date(year, month, int(str(g["day"])))
            except ValueError:
                return None
            return day, day, "day"
        return (*_month_bounds(year, month), "month")
    if quarter is not None:
        if year is None:
            assert pub is not None
            year = pub.year if quarter <= (pub.month - 1) // 3 + 1 else pub.year - 1
        return dt.date(year, 3 * quarter - 2, 1), _month_bounds(year, 3 * quarter)[1], "quarter"
    assert year is not None
    if pub is not None and not pub.year - 40 <= year <= pub.year + 5:
        return None
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


def _relative(kind: str, pub: dt.date) -> tuple[dt.date, dt.date, str]:
    if kind == "today":
        return pub, pub, "day"
    if kind == "yesterday":
        return pub - dt.timedelta(days=1), pub - dt.timedelta(days=1), "day"
    if kind == "this_month":
        return (*_month_bounds(pub.year, pub.month), "month")
    if kind == "last_month":
        prev = pub.replace(day=1) - dt.timedelta(days=1)
        return (*_month_bounds(prev.year, prev.month), "month")
    year = pub.year if kind == "this_year" else pub.year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


def _ago(text: str, code: str, pub: dt.date) -> tuple[dt.date, dt.date, str] | None:
    import dateparser

    settings = {"RELATIVE_BASE": dt.datetime.combine(pub, dt.time()), "PREFER_DATES_FROM": "past"}
    parsed = dateparser.parse(text, languages=[code], settings=settings)
    if parsed is None:
        return None
    day = parsed.date()
    if (pub - day).days < 7:
        return day, day, "day"
    return (*_month_bounds(day.year, day.month), "month")


def _narrow(first: dt.date, last: dt.date, basis: str, part: str) -> tuple[dt.date, dt.date, str]:
    if basis == "year":
        months = {"start": (1, 3), "middle": (6, 7), "end": (10, 12)}[part]
        return dt.date(first.year, months[0], 1), _month_bounds(first.year, months[1])[1], "quarter"
    if basis == "month":
        days = {"start": (1, 10), "middle": (11, 20), "end": (21, last.day)}[part]
        return first.replace(day=days[0]), first.replace(day=days[1]), "month"
    if basis == "quarter":
        month = {"start": first.month, "middle": first.month + 1, "end": last.month}[part]
        return (*_month_bounds(first.year, month), "quarter")
    return first, last, basis


def write_period(first: dt.date, basis: str) -> tuple[str, str, bool]:
    """How the ledger writes a period that starts on ``first``.

    Args:
        first: The period's first day.
        basis: day, month, quarter or year.

    Returns:
        ``(date, precision, widened)``; a year is written as its first quarter with ``widened`` true.
    """
    if basis == "day":
        return first.isoformat(), "day", False
    if basis == "month":
        return f"{first.year}-{first.month:02d}", "month", False
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}", "quarter", basis == "year"


def _cue(text: str, words: list[str], before: bool) -> re.Match[str] | None:
    if not words:
        return None
    if before:
        alts = "|".join(compile_terms([w]).pattern for w in sorted(words, key=len, reverse=True))
        pattern = rf"(?:{alts})\s*$"
    else:
        # Cues after a date are particles glued to what follows ("말까지"): no word boundary after them.
        pattern = r"^\s*(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
    return re.search(pattern, text, re.IGNORECASE)


def _parts(text: str, start: int, end: int, lang: LanguageLexicon) -> tuple[int, int, str | None, bool]:
    d = lang.dates
    part = None
    for name in ("start", "middle", "end"):
        m = _cue(text[max(0, start - 30) : start], getattr(d.parts.before, name), before=True)
        if m:
            part, start = name, start - (len(text[max(0, start - 30) : start]) - m.start())
            break
        m = _cue(text[end : end + 12], getattr(d.parts.after, name), before=False)
        if m:
            part, end = name, end + m.end()
            break
    deadline = False
    m = _cue(text[max(0, start - 20) : start], d.deadline.before, before=True)
    if m:
        deadline, start = True, start - (len(text[max(0, start - 20) : start]) - m.start())
    m = _cue(text[end : end + 8], d.deadline.after, before=False)
    if m:
        deadline, end = True, end + m.end()
    return start, end, part, deadline


def _later(text: str, lang: LanguageLexicon, anchor: dt.date) -> list[tuple[int, int, tuple[dt.date, dt.date, str]]]:
    words = {k.lower(): v for k, v in lang.numbers.items()}
    out = []
    for pattern in lang.dates.later:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            n = m.group("n").lower()
            days = int(n) if n.isdigit() else words.get(n)
            if days is not None:
                day = anchor + dt.timedelta(days=days)
                out.append((m.start(), m.end(), (day, day, "day")))
    return out


def find_dates(
    text: str,
    lang: LanguageLexicon,
    code: str,
    pub: dt.date | None,
    unit_re: re.Pattern[str] | None = None,
    anchor: dt.date | None = None,
) -> list[DateMention]:
    """Find and resolve the date expressions of a text.

    Args:
        text: A sentence.
        lang: Its language's lexicon.
        code: The language code (for dateparser).
        pub: Publication date; without it, year-less dates are left out and relative phrases come back
            unresolved (``precision`` empty).
        unit_re: Object and troop terms: a bare year followed by one is a quantity ("2000 Soldaten"), not a date.
        anchor: The day an earlier sentence spoke of, for "drei Tage später" / "three days later".

    Returns:
        Non-overlapping mentions in text order (the longest wins where two overlap).
    """
    found: list[tuple[int, int, tuple[dt.date, dt.date, str]]] = []
    for form in _forms(lang):
        for m in form.finditer(text):
            g = m.groupdict()
            if lang.capitalized_months and g.get("month") and not str(g["month"])[0].isupper():
                continue
            only_year = g.get("year") and not any(g.get(k) for k in ("month", "mnum", "quarter", "qnum"))
            if only_year and unit_re is not None and unit_re.match(text, m.end() + 1):
                continue
            resolved = _anchor(g, lang, pub)
            if resolved:
                found.append((m.start(), m.end(), resolved))
    unresolved: list[DateMention] = []
    for kind, phrases in lang.dates.relative.model_dump().items():
        for m in compile_terms(phrases).finditer(text):
            if pub is None:
                # Kept so that the statement it dates is left undated, not dated by another expression.
                unresolved.append(DateMention(m.start(), m.end(), m.group(), dt.date.min, dt.date.min, "", ""))
            else:
                found.append((m.start(), m.end(), _relative(kind, pub)))
    if pub is not None:
        for pattern in lang.dates.ago:
            for m in re.finditer(pattern, text, re.IGNORECASE):
                ago = _ago(m.group(), code, pub)
                if ago:
                    found.append((m.start(), m.end(), ago))
    if anchor is not None:
        found += _later(text, lang, anchor)
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[DateMention] = []
    taken_until = -1
    for start, end, (first, last, basis) in found:
        if start < taken_until:
            continue
        taken_until = end
        s, e, part, deadline = _parts(text, start, end, lang)
        if part:
            first, last, basis = _narrow(first, last, basis, part)
        if basis == "year" and pub is not None and first <= pub <= last:
            last = pub
        if deadline:
            first, basis = last, "day"
        date, precision, widened = write_period(first, basis)
        out.append(DateMention(s, e, text[s:e], first, last, precision, date, deadline, widened))
    out += [u for u in unresolved if not any(d.start < u.end and u.start < d.end for d in out)]
    return sorted(out, key=lambda d: d.start)
