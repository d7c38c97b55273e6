"""The extraction lexicon: per-language words for objects, troops, cues, numbers and dates, read from YAML.

The lexicon is data (``lexicon.yaml`` beside this module, or a file given with ``--lexicon``); this module only
validates it and compiles its terms into regular expressions. Term syntax: words separated by spaces (a space
matches any run of spaces or hyphens) and ``*`` for any letters, so ``landing ship*`` matches "landing ships" and
``*transportflugzeug*`` matches "Militärtransportflugzeuge". Terms without a leading or trailing ``*`` are whole
words. Matching ignores case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from monitor.config.loader import load_yaml_model
from monitor.config.models import ObjectClass

__all__ = ("DEFAULT_LEXICON", "DateLexicon", "LanguageLexicon", "Lexicon", "compile_terms", "load_lexicon")

DEFAULT_LEXICON = Path(__file__).with_name("lexicon.yaml")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PartCues(_Frozen):
    """Words that narrow a period to its start, middle or end ("Ende 2024", "в начале июня", "올해 초")."""

    start: list[str] = Field(default_factory=list)
    middle: list[str] = Field(default_factory=list)
    end: list[str] = Field(default_factory=list)


class Placed(_Frozen):
    """Cues written before the date they qualify, and cues written after it (Korean particles)."""

    before: PartCues = PartCues()
    after: PartCues = PartCues()


class Deadline(_Frozen):
    """Words that turn a period into "by its end" ("bis Ende 2024", "к концу года", "말까지")."""

    before: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)


class Relative(_Frozen):
    """Phrases resolved against the publication date."""

    today: list[str] = Field(default_factory=list)
    yesterday: list[str] = Field(default_factory=list)
    this_month: list[str] = Field(default_factory=list)
    last_month: list[str] = Field(default_factory=list)
    this_year: list[str] = Field(default_factory=list)
    last_year: list[str] = Field(default_factory=list)


class DateLexicon(_Frozen):
    """How a language writes dates and periods."""

    months: dict[str, int] = Field(description="Month name (any case form) -> 1..12.")
    year_suffix: str = Field(default="", description="Regex written after a year ('года', '년').")
    forms: list[str] = Field(
        min_length=1, description="Date shapes, most specific first: {day} {month} {mnum} {year} {quarter} {qnum}."
    )
    quarters: dict[str, int] = Field(default_factory=dict, description="Ordinal words of quarters -> 1..4.")
    relative: Relative = Relative()
    ago: list[str] = Field(default_factory=list, description="Regexes for 'N days ago', resolved by dateparser.")
    later: list[str] = Field(
        default_factory=list, description="Regexes for 'N days later' with group n, counted from an earlier date."
    )
    parts: Placed = Placed()
    deadline: Deadline = Deadline()


class LanguageLexicon(_Frozen):
    """Everything the extractor knows about one language."""

    name: str
    capitalized_months: bool = Field(default=False, description="Month names count only when capitalised.")
    site_suffix: int = Field(default=0, ge=0, le=8, description="Letters an inflected site name may carry.")
    site_strip: str = Field(default="", description="Final letters of a site name that inflection replaces.")
    abbreviations: list[str] = Field(default_factory=list, description="Dotted words that do not end a sentence.")
    thousands: str = Field(default=",", max_length=1)
    decimal: str = Field(default=".", max_length=1)
    objects: dict[ObjectClass, list[str]] = Field(min_length=1, description="Countable object class -> terms.")
    troops: dict[str, list[str]] = Field(min_length=1, description="Troop unit (troops, personnel) -> terms.")
    counters: dict[str, str] = Field(default_factory=dict, description="Counter word after a number -> unit.")
    numbers: dict[str, int] = Field(default_factory=dict, description="Number words.")
    multipliers: dict[str, int] = Field(default_factory=dict, description="'Tausend', 'тысяч', '만' -> factor.")
    ranges: list[str] = Field(default_factory=list, description="Words joining the ends of a range.")
    approx: list[str] = Field(default_factory=list)
    at_least: list[str] = Field(default_factory=list)
    more_than: list[str] = Field(default_factory=list)
    approx_after: list[str] = Field(default_factory=list, description="Approximation written after the number.")
    more_after: list[str] = Field(default_factory=list, description="'More than' written after the number.")
    observation: list[str] = Field(default_factory=list, description="Cues that imagery was seen.")
    claim: list[str] = Field(default_factory=list, description="Cues that someone asserts it.")
    negation: list[str] = Field(default_factory=list)
    hypothetical: list[str] = Field(default_factory=list)
    departure: list[str] = Field(default_factory=list, description="Cues that objects left (a decrease).")
    dates: DateLexicon

    model_config = ConfigDict(frozen=True, extra="forbid", ignored_types=(cached_property,))

    @cached_property
    def object_re(self) -> dict[str, re.Pattern[str]]:
        """One compiled pattern per object class."""
        return {cls: compile_terms(terms) for cls, terms in self.objects.items()}

    @cached_property
    def troop_re(self) -> dict[str, re.Pattern[str]]:
        """One compiled pattern per troop unit."""
        return {unit: compile_terms(terms) for unit, terms in self.troops.items()}

    @cached_property
    def unit_re(self) -> re.Pattern[str]:
        """All object and troop terms in one pattern."""
        return compile_terms([t for terms in (*self.objects.values(), *self.troops.values()) for t in terms])

    @cached_property
    def cue_re(self) -> dict[str, re.Pattern[str]]:
        """Compiled cue patterns: observation, claim, negation, hypothetical, departure."""
        return {
            "observation": compile_terms(self.observation),
            "claim": compile_terms(self.claim),
            "negation": compile_terms(self.negation),
            "hypothetical": compile_terms(self.hypothetical),
            "departure": compile_terms(self.departure),
        }


class Lexicon(_Frozen):
    """The whole lexicon file."""

    troop_signal: str | None = Field(default=None, description="Signal of troop movements in a period.")
    refers_back: dict[str, str] = Field(
        default_factory=dict,
        description="Generic class -> specific class it means after the article named the specific one at a site.",
    )
    units: dict[str, tuple[str, str]] = Field(description="Class or troop unit -> (singular, plural) for drafts.")
    language_names: dict[str, str] = Field(default_factory=dict)
    languages: dict[str, LanguageLexicon] = Field(min_length=1)

    def unit_words(self, unit: str, count: float | None) -> str:
        """How a draft writes a unit.

        Args:
            unit: Object class or troop unit.
            count: The quantity (singular for exactly 1).

        Returns:
            The English unit words.
        """
        one, many = self.units.get(unit, (unit.replace("_", " "), unit.replace("_", " ")))
        return one if count == 1 else many


def _term_regex(term: str) -> str:
    core = term.strip().strip("*")
    words = [re.escape(w).replace(r"\*", r"\w*") for w in core.split()]
    body = r"[\s\-]+".join(words)
    head = r"\w*" if term.strip().startswith("*") else r"(?<!\w)"
    tail = r"\w*" if term.strip().endswith("*") else r"(?!\w)"
    return head + body + tail


def compile_terms(terms: Iterable[str]) -> re.Pattern[str]:
    """Compile lexicon terms into one case-insensitive pattern (longest terms tried first).

    Args:
        terms: Terms in the lexicon's syntax.

    Returns:
        The pattern; one that never matches when there are no terms.
    """
    return _compile(tuple(sorted(set(terms), key=lambda t: (-len(t), t))))


@lru_cache(maxsize=1024)
def _compile(terms: tuple[str, ...]) -> re.Pattern[str]:
    parts = [_term_regex(t) for t in terms if t.strip(" *")]
    return re.compile("|".join(parts) if parts else r"(?!x)x", re.IGNORECASE)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read and validate a lexicon file.

    Args:
        path: The YAML file (default: the lexicon shipped with the package).

    Returns:
        The lexicon.

    Raises:
        ConfigError: The file is missing, not YAML, or invalid (one line naming file, field and value).
    """
    return load_yaml_model(path or DEFAULT_LEXICON, Lexicon)
