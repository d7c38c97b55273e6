"""Draft ledger entries: the ledger's schema plus the evidence, their ids, order, output and ``--append``.

A draft is a :class:`~monitor.claims.ledger.Claim` with an ``evidence`` block: the quoted sentence in the
article's language, its character offsets, the language and the rules and cues that matched. The evidence stays
in the drafts; ``--append`` writes the claim alone to the ledger (whose statements are in the project's words).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from monitor.claims.ledger import Claim, add_claims, load_claims
from monitor.claims.signals import SignalMap, check_claims

__all__ = ("Draft", "Evidence", "append_drafts", "find_signal", "render_drafts", "sort_drafts", "unique_ids")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """Where a draft comes from."""

    text: str = Field(description="The sentence, quoted in the article's language.")
    start: int = Field(ge=0, description="Character offset of the sentence in the article text.")
    end: int = Field(ge=0)
    language: str = Field(description="ISO 639-1 code of the article's language.")
    file: str = Field(description="The article file.")
    rules: list[str] = Field(description="Rule and cues that matched, e.g. 'object:Landungsschiff'.")
    date_text: str | None = Field(description="The date expression used, or null for the publication date.")
    period: str = Field(description="First/last day the date expression covers (ISO 8601 interval).")
    note: str | None = None


class Draft(Claim):
    """A draft ledger entry with its evidence."""

    evidence: Evidence

    def claim(self) -> Claim:
        """The ledger entry alone (what ``--append`` writes).

        Returns:
            The claim without evidence.
        """
        return Claim.model_validate(self.model_dump(exclude={"evidence"}))


def find_signal(smap: SignalMap, site: str | None, object_class: str, direction: str) -> str | None:
    """The simple signal of ``signals.yaml`` for a site, object class and direction of change.

    Args:
        smap: The signal mapping.
        site: AOI id (None gives None).
        object_class: The class the statement counts.
        direction: increase or decrease.

    Returns:
        The signal's name, or None when no signal concerns that site and class.
    """
    if site is None:
        return None
    for name, sig in smap.signals.items():
        if sig.any_of is None and sig.site == site and sig.object_class == object_class and sig.direction == direction:
            return name
    return None


def _period_start(d: Draft) -> dt.date:
    return dt.date.fromisoformat(d.evidence.period.split("/")[0])


def sort_drafts(drafts: Sequence[Draft]) -> list[Draft]:
    """Order drafts by date (start of the period), then site (unsited last), signal and position in the text.

    Args:
        drafts: The drafts.

    Returns:
        A new, sorted list.
    """
    return sorted(
        drafts,
        key=lambda d: (_period_start(d), d.date, d.site is None, d.site or "", d.signal or "", d.evidence.start),
    )


def slug(text: str) -> str:
    """Lower-case ASCII slug of a text (for ids).

    Args:
        text: Any text.

    Returns:
        Letters, digits and single hyphens.
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def unique_ids(drafts: Sequence[Draft], taken: set[str]) -> list[Draft]:
    """Give drafts ids no ledger entry or other draft uses (a numeric suffix where needed).

    Args:
        drafts: The drafts.
        taken: Ids already in use.

    Returns:
        The drafts with unique ids.
    """
    out = []
    used = set(taken)
    for d in drafts:
        base = d.id[:60].rstrip("-")
        new, n = base, 2
        while new in used:
            new, n = f"{base}-{n}", n + 1
        used.add(new)
        out.append(d.model_copy(update={"id": new}) if new != d.id else d)
    return out


def render_drafts(drafts: Sequence[Draft], fmt: str) -> str:
    """Write drafts as YAML (a ledger-shaped list) or JSON (a list of objects).

    Args:
        drafts: Sorted drafts.
        fmt: yaml or json.

    Returns:
        The text.
    """
    rows = [d.model_dump(mode="json") for d in drafts]
    if fmt == "json":
        return json.dumps(rows, indent=1, ensure_ascii=False)
    return yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=110) if rows else "[]\n"


def append_drafts(path: Path, drafts: Sequence[Draft], smap: SignalMap) -> tuple[list[Claim], list[Draft]]:
    """Validate drafts like ``claims add`` and append the new ones to the ledger in one atomic write.

    Args:
        path: The ledger.
        drafts: The drafts.
        smap: The signal mapping (each draft's signal and site are checked against it).

    Returns:
        ``(added, skipped)``: the claims written and the drafts left out as duplicates of a ledger entry
        (same site, signal, date and source name).

    Raises:
        InputDataError: The ledger or a draft is invalid; the ledger is left untouched.
    """
    existing = load_claims(path) if path.exists() else []
    keys = {(c.site, c.signal, c.date, s.name) for c in existing for s in c.sources}
    claims = [d.claim() for d in unique_ids(drafts, {c.id for c in existing})]
    check_claims(claims, smap, Path("claims extract"))
    added: list[Claim] = []
    skipped: list[Draft] = []
    for draft, claim in zip(drafts, claims, strict=True):
        key = (claim.site, claim.signal, claim.date, claim.sources[0].name)
        if key in keys:
            skipped.append(draft)
            continue
        added.append(claim)
    if added:
        add_claims(path, added)
    return added, skipped
