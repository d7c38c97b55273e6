"""The claims ledger: reported deployments and observations as validated, structured data.

A ledger is a YAML list of claims. Each claim carries its date with a precision (``day`` ``2024-10-17``,
``month`` ``2024-10`` or ``quarter`` ``2024-Q4``), the site it concerns (an AOI id or null), the logistics
signal it implies (a name from the signal mapping, or null) and its sources. Models are frozen and reject
unknown keys; a bad file is one :class:`~monitor.errors.InputDataError` line naming file, field and value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, ValidationInfo, field_validator

from monitor.errors import InputDataError

__all__ = ("Claim", "ClaimSource", "add_claim", "add_claims", "claim_period", "load_claims", "parse_claims")

Precision = Literal["day", "month", "quarter"]
_DATE_FORMS: dict[str, re.Pattern[str]] = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^\d{4}-Q[1-4]$"),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _as_text(v: Any) -> Any:
    """YAML reads an unquoted ``2024-10-17`` as a date: turn it back into the ISO text."""
    return v.isoformat() if isinstance(v, dt.date) else v


class ClaimSource(_Frozen):
    """Who reported a claim, when, and through whom."""

    name: str = Field(min_length=2, description="The originating body or outlet, e.g. 'South Korea NIS'.")
    date: str | None = Field(default=None, description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
    via: str | None = Field(default=None, description="Outlet that relayed it, when not the originator.")
    url: str | None = Field(default=None, description="Where to read it.")

    @field_validator("date", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return _as_text(v)

    @field_validator("date")
    @classmethod
    def _date_form(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", v):
            raise ValueError(f"source date {v!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return v


class Claim(_Frozen):
    """One reported claim or observation, in the project's own words."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$", description="Unique lower-case slug.")
    precision: Precision = Field(description="day (YYYY-MM-DD), month (YYYY-MM) or quarter (YYYY-Qn).")
    date: str = Field(description="When the claim says it happened, written per `precision`.")
    site: str | None = Field(default=None, description="AOI id the claim names, or null.")
    kind: Literal["claim", "observation"] = Field(description="A reported assertion or a reported image.")
    statement: str = Field(min_length=10, description="What is claimed, in our own words.")
    quantity: str | None = Field(default=None, description="Reported magnitude, free text.")
    signal: str | None = Field(default=None, description="Logistics signal it implies (configs/signals.yaml).")
    sources: list[ClaimSource] = Field(min_length=1)

    @field_validator("date", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return _as_text(v)

    @field_validator("date")
    @classmethod
    def _date_matches_precision(cls, v: str, info: ValidationInfo) -> str:
        precision = info.data.get("precision")
        if precision is None:
            return v
        if not _DATE_FORMS[precision].match(v):
            forms = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "quarter": "YYYY-Qn"}
            raise ValueError(f"does not match precision {precision} ({forms[precision]})")
        if precision == "day":
            try:
                dt.date.fromisoformat(v)
            except ValueError as exc:
                raise ValueError(f"not a calendar date ({exc})") from None
        return v


def claim_period(claim: Claim) -> tuple[dt.date, dt.date]:
    """The first and last day the claim's date covers at its precision.

    Args:
        claim: The claim.

    Returns:
        ``(first, last)`` inclusive.

    Raises:
        ValueError: The date is impossible (e.g. 2025-02-30).
    """
    year = int(claim.date[:4])
    if claim.precision == "day":
        day = dt.date.fromisoformat(claim.date)
        return day, day
    if claim.precision == "month":
        month = int(claim.date[5:7])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    q = int(claim.date[-1])
    last_month = 3 * q
    return dt.date(year, last_month - 2, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


_LEDGER = TypeAdapter(list[Claim])


def _where(path: Path, loc: Sequence[int | str], data: Any) -> str:
    if not loc:
        return "<root>"
    head = loc[0]
    if isinstance(head, int) and isinstance(data, list) and head < len(data) and isinstance(data[head], dict):
        cid = data[head].get("id")
        label = f"[{head}]" + (f" (id {cid})" if isinstance(cid, str) else "")
    else:
        label = f"[{head}]"
    return label + "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in loc[1:])


def parse_claims(data: Any, path: Path) -> list[Claim]:
    """Validate parsed YAML as a ledger.

    Args:
        data: The parsed YAML (a list of mappings).
        path: The file it came from (for messages).

    Returns:
        The claims, in file order.

    Raises:
        InputDataError: The data is not a valid ledger; one line naming file, field and value.
    """
    if data is None:
        return []
    if not isinstance(data, list):
        raise InputDataError(f"{path}: <root>: expected a YAML list of claims (got {type(data).__name__})")
    try:
        claims = _LEDGER.validate_python(data)
    except ValidationError as exc:
        parts = []
        for e in exc.errors():
            value = e.get("input")
            shown = repr(value) if not isinstance(value, dict | list) or len(repr(value)) < 60 else "..."
            parts.append(f"{_where(path, e['loc'], data)}: {e['msg'].removeprefix('Value error, ')} (got {shown})")
        raise InputDataError(f"{path}: " + "; ".join(parts)) from None
    seen: dict[str, int] = {}
    for i, c in enumerate(claims):
        if c.id in seen:
            raise InputDataError(f"{path}: [{i}].id: repeats the id of claim [{seen[c.id]}] (got {c.id!r})")
        seen[c.id] = i
    return claims


def load_claims(path: Path) -> list[Claim]:
    """Read and validate a claims ledger.

    Args:
        path: The YAML file.

    Returns:
        The claims, in file order.

    Raises:
        InputDataError: The file is missing, not YAML, or not a valid ledger.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputDataError(f"{path}: cannot read claims file ({exc.strerror})") from None
    return parse_claims(_yaml(text, path), path)


def _yaml(text: str, path: Path) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputDataError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None


def add_claim(path: Path, claim: Claim) -> list[Claim]:
    """Append a claim to a ledger file, keeping its comments, validating the result and writing atomically.

    Args:
        path: The ledger (created when missing).
        claim: The claim to add; its id must be new.

    Returns:
        The ledger after the addition.

    Raises:
        InputDataError: The existing file is invalid, or the id is already used; the file is left untouched.
    """
    return add_claims(path, [claim])


def add_claims(path: Path, claims: Sequence[Claim]) -> list[Claim]:
    """Append claims to a ledger file in one atomic write, keeping its comments and validating the result.

    Args:
        path: The ledger (created when missing).
        claims: The claims to add; their ids must be new.

    Returns:
        The ledger after the addition.

    Raises:
        InputDataError: The existing file is invalid, or an id is already used; the file is left untouched.
    """
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    existing = parse_claims(_yaml(old, path), path) if old.strip() else []
    for claim in claims:
        if any(c.id == claim.id for c in existing):
            raise InputDataError(f"{path}: id: a claim with this id already exists (got {claim.id!r})")
    entries = []
    for claim in claims:
        entry = claim.model_dump(mode="json", exclude_none=True)
        entry["sources"] = [s.model_dump(mode="json", exclude_none=True) for s in claim.sources]
        entries.append(entry)
    block = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=110)
    text = (old.rstrip("\n") + "\n" if old.strip() else "") + block
    result = parse_claims(_yaml(text, path), path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return result
