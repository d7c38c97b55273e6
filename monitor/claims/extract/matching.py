"""Statements in a sentence: a countable object (or a troop number) tied to a site, a quantity, a date and cues.

Rules, clause by clause (commas, dashes and brackets separate clauses):

- An object term ("Landungsschiff", "transport aircraft", "десантный корабль", "상륙함") makes a statement. Its
  site is the nearest site name in the clause, else in the sentence, whose AOI counts that object's class; its
  quantity is the number written next to the term, else the troop number of the clause ("landing ships carried
  1,500 troops"). Without a site it is kept only when a quantity or an imagery cue makes it worth a draft.
- A clause without object terms but with a troop number ("11.000 Soldaten", "1만1000명") makes a troop
  statement without a site. A bare large number in a sentence that already counts troops ("weitere rund 3.000")
  counts troops too.
- A clause with a negation cue ("keine", "no", "не", "않") or a hypothetical one ("könnte", "could", "если",
  "수 있") gives no statement: the ledger has no negative entries, so negated reports are skipped (and logged).
- An imagery cue anywhere in the sentence makes it an observation; a departure cue in the clause makes the
  expected change a decrease.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from monitor.claims.extract.dates import DateMention, find_dates
from monitor.claims.extract.lexicon import LanguageLexicon, compile_terms
from monitor.claims.extract.quantities import Number, find_numbers, format_number
from monitor.claims.extract.sites import SiteNames
from monitor.claims.extract.text import Span, split_clauses

__all__ = ("Context", "SiteNames", "Statement", "find_statements")

_SHIP_CLASSES = ("landing_ship", "vessel")
_AIR_CLASSES = ("transport_aircraft", "aircraft")


@dataclass(frozen=True)
class Statement:
    """One statement found in a sentence (offsets relative to the article)."""

    sentence: Span
    unit: str  # object class, or troop unit for troop statements
    is_object: bool
    site: str | None
    quantity: str | None
    count: float | None
    date: DateMention | None
    kind: str  # claim | observation
    direction: str  # increase | decrease
    cues: tuple[str, ...] = ()
    skipped: str | None = None  # "negation" or "hypothetical": not a draft


@dataclass
class Context:
    """What the earlier sentences of a paragraph said: the last date they named and whether they counted troops.

    An undated sentence takes that date (a day widened to its month: "then" is rarely the same day), "drei Tage
    später" counts from it, and a bare number after a troop count ("Bis Ende 2024 waren es 11.000") counts troops.
    """

    date: DateMention | None = None
    troops: bool = False


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    label: str
    text: str


def _hits(pattern: re.Pattern[str], text: str, label: str, taken: Sequence[tuple[int, int]]) -> list[_Hit]:
    return [
        _Hit(m.start(), m.end(), label, m.group())
        for m in pattern.finditer(text)
        if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e in taken)
    ]


def _longest(hits: list[_Hit], text: str, generic: Mapping[str, str]) -> list[_Hit]:
    """Keep the longest of overlapping terms and merge a generic term into a specific one right next to it.

    "landing ships" is not also "ships"; "Il-76 aircraft" and "самолёта Ил-76" are one object each.
    """
    kept: list[_Hit] = []
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if any(k.start < h.end and h.start < k.end for k in kept):
            continue
        prev = kept[-1] if kept else None
        pair = prev is not None and not text[prev.end : h.start].strip(" -")
        if prev is not None and pair and (generic.get(h.label) == prev.label or generic.get(prev.label) == h.label):
            specific = prev.label if generic.get(h.label) == prev.label else h.label
            kept[-1] = _Hit(prev.start, h.end, specific, text[prev.start : h.end])
            continue
        kept.append(h)
    return kept


def _distance(num: Number, term: _Hit, prefer_before: bool) -> float:
    if term.start >= num.end:
        gap = term.start - num.end
        return gap + (10 if prefer_before else 0)
    gap = num.start - term.end
    return gap + (0 if prefer_before else 10)


def _next_but_one(text: str, num: Number, term: _Hit) -> bool:
    """Whether a number word may count this term.

    "ein", "two" count the term right after them (or after one adjective); with a counter ("수송기 두 대") the
    term before.
    """
    if term.start >= num.end:
        return re.fullmatch(r"\s+(?:\w+\s+)?", text[num.end : term.start]) is not None
    return num.counter is not None and term.end <= num.start


def _attach(text: str, nums: list[Number], terms: list[_Hit], prefer_before: bool) -> list[tuple[Number, str | None]]:
    out: list[tuple[Number, str | None]] = []
    picks: list[tuple[Number, _Hit | None, float]] = []
    for n in nums:
        cands = terms
        if n.counter in ("vessel", "aircraft"):
            cands = [t for t in terms if t.label in (_SHIP_CLASSES if n.counter == "vessel" else _AIR_CLASSES)]
        elif n.counter is not None:
            cands = [t for t in terms if t.label not in _SHIP_CLASSES + _AIR_CLASSES]
        scored = [(_distance(n, t, prefer_before), t) for t in cands]
        scored = [(d, t) for d, t in scored if d <= 40 and (not n.word or _next_but_one(text, n, t))]
        best = min(scored, key=lambda s: s[0], default=None)
        picks.append((n, best[1] if best else None, best[0] if best else 0.0))
    # One number per term: of two numbers next to one term ("am 10. ... 2 Schiffe") the nearer counts.
    nearest: dict[int, float] = {}
    for _, term, dist in picks:
        if term is not None:
            nearest[id(term)] = min(dist, nearest.get(id(term), dist))
    for n, term, dist in picks:
        if term is None:
            out.append((n, n.counter))
        elif dist <= nearest[id(term)]:
            out.append((n, term.label))
    return out


def _total(nums: list[Number]) -> tuple[str, float] | None:
    if not nums:
        return None
    if len(nums) == 1:
        return format_number(nums[0]), nums[0].low
    low = sum(n.low for n in nums)
    qual = "~" if any(n.qualifier == "~" for n in nums) else ""
    return format_number(Number(0, 0, low, None, qual)), low


def _nearest(items: Sequence[_Hit | DateMention], pos: int) -> _Hit | DateMention | None:
    return min(items, key=lambda h: abs(h.start - pos), default=None)


def find_statements(
    sentence: Span,
    lang: LanguageLexicon,
    code: str,
    sites: SiteNames,
    published: dt.date | None,
    unit_word: Mapping[str, tuple[str, str]],
    context: Context | None = None,
    generic: Mapping[str, str] | None = None,
) -> list[Statement]:
    """Find the statements of one sentence.

    Args:
        sentence: The sentence (offsets into the article).
        lang: Its language's lexicon.
        code: Its language code.
        sites: The site names.
        published: Publication date (for relative dates).
        unit_word: Unit -> (singular, plural) words for quantities.
        context: What earlier sentences of the paragraph said; updated with this sentence.
        generic: Generic class -> the specific class it can stand for (the lexicon's ``refers_back``).

    Returns:
        Statements in text order, including skipped (negated or hypothetical) ones.
    """
    text = sentence.text
    aois = sites.aois
    context = context if context is not None else Context()
    generic = generic or {}
    later_from = context.date.first if context.date is not None and context.date.precision == "day" else None
    dates = find_dates(text, lang, code, published, lang.unit_re, later_from)
    masked = [(d.start, d.end) for d in dates]
    object_hits = [h for cls, p in lang.object_re.items() for h in _hits(p, text, cls, masked)]
    objects = _longest(object_hits, text, generic)
    taken = masked + [(h.start, h.end) for h in objects]
    troops = [h for unit, p in lang.troop_re.items() for h in _hits(p, text, unit, taken)]
    terms = objects + troops
    nums = [
        n
        for n in find_numbers(text, lang, masked + [(t.start, t.end) for t in terms])
        if n.low >= 1 and not (n.start > 0 and re.match(r"[\w\-]", text[n.start - 1]) and n.counter is None)
    ]
    site_hits = [h for aoi_id, p in sites.patterns(code, lang) for h in _hits(p, text, aoi_id, [])]
    cues = {name: _hits(p, text, name, masked) for name, p in lang.cue_re.items()}
    guards = compile_terms([*lang.at_least, *lang.more_than])
    cues["negation"] = [h for h in cues["negation"] if not guards.match(text, h.start)]
    kind = "observation" if cues["observation"] else "claim"
    prefer_before = lang.site_suffix >= 5
    sentence_troops = bool(troops) or context.troops
    carried = context.date.carried_over() if context.date is not None else None
    context.troops = sentence_troops
    resolved = [d for d in dates if d.precision]
    context.date = resolved[-1] if resolved else context.date
    out: list[Statement] = []
    clauses = split_clauses(Span(0, len(text), text))

    def inside(h: _Hit | Number | DateMention, c: Span) -> bool:
        return c.start <= h.start < c.end

    for clause in clauses:
        c_terms = [t for t in terms if inside(t, clause)]
        attached = _attach(text, [n for n in nums if inside(n, clause)], c_terms, prefer_before)
        c_dates = [d for d in dates if inside(d, clause)]
        # A condition governs the clauses after it too ("Sollte ..., könnte ...", "If ..., their number ...").
        hypothetical = any(h.start < clause.end for h in cues["hypothetical"])
        negated = any(inside(h, clause) for h in cues["negation"])
        skip = "negation" if negated else ("hypothetical" if hypothetical else None)
        direction = "decrease" if any(inside(h, clause) for h in cues["departure"]) else "increase"
        found = [f"{k}:{h.text}" for k in ("observation", "claim", "negation", "hypothetical") for h in cues[k]]

        def date_for(pos: int, c_dates: list[DateMention] = c_dates) -> DateMention | None:
            near = _nearest(c_dates, pos) or _nearest(dates, pos)
            if isinstance(near, DateMention):
                return near if near.precision else None
            return carried

        c_objects = [t for t in c_terms if t.label in lang.objects]
        troop_nums = [n for n, u in attached if u is not None and u in lang.troops]
        as_troops = False
        for cls in dict.fromkeys(t.label for t in c_objects):
            first = next(t for t in c_objects if t.label == cls)
            own = [n for n, u in attached if u == cls]
            total = _total(own)
            unit = cls
            if total is None and troop_nums:
                total, unit = _total(troop_nums), next(u for n, u in attached if n in troop_nums) or "troops"
            quantity = None
            if total is not None:
                quantity = f"{total[0]} {unit_word.get(unit, (unit, unit))[0 if total[1] == 1 else 1]}"
            fits = [h for h in site_hits if cls in aois[h.label].classes]
            site = _nearest([h for h in fits if inside(h, clause)], first.start) or _nearest(fits, first.start)
            site_id = site.label if isinstance(site, _Hit) else None
            if site_id is None and not own and troop_nums:
                as_troops = True  # "a ship carried 1,500 troops", no site named: a troop statement
                continue
            if site_id is None and total is None and kind != "observation":
                continue
            cue: tuple[str, ...] = (
                f"object:{first.text}",
                *([f"site:{site.text}"] if isinstance(site, _Hit) else []),
                *found,
            )
            out.append(
                Statement(
                    sentence, cls, True, site_id, quantity, total[1] if total else None,
                    date_for(first.start), kind, direction, cue, skip,
                )
            )  # fmt: skip
        if c_objects and not as_troops:
            continue
        loose = [n for n, u in attached if u is None and not n.word and n.low >= 100 and sentence_troops]
        counted = troop_nums + loose
        if not counted:
            continue
        units = [u for n, u in attached if n in troop_nums and u is not None]
        unit = units[0] if units and all(u == units[0] for u in units) else ("troops" if not units else "personnel")
        total = _total(counted)
        assert total is not None
        quantity = f"{total[0]} {unit_word.get(unit, (unit, unit))[0 if total[1] == 1 else 1]}"
        anchor = counted[0].start
        term = _nearest([t for t in c_terms if t.label in lang.troops], anchor)
        cue = (f"troops:{term.text}" if isinstance(term, _Hit) else "troops:(elided)", *found)
        out.append(
            Statement(sentence, unit, False, None, quantity, total[1], date_for(anchor), kind, "increase", cue, skip)
        )
    return out
