"""Read the claims ledger (``seeds/claims.yaml``) just far enough to map a site's claims in QGIS.

Issue 5 formalises the ledger's schema; until then this reader takes only what the map needs (id, kind, site,
date and its precision, statement, signal, quantity, sources), ignores any other key, and turns the dated
precision into the period the claim covers. :func:`site_claims` is the one seam to switch to the formal reader.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from monitor.config.loader import default_config_path
from monitor.errors import InputDataError
from monitor.export.records import LAST_SECOND

__all__ = ("ClaimRow", "claim_period", "default_claims_path", "site_claims")


@dataclass(frozen=True)
class ClaimRow:
    """One ledger entry as the map shows it."""

    id: str
    kind: str
    date: str
    precision: str
    start: dt.datetime
    end: dt.datetime
    statement: str
    signal: str | None
    quantity: str | None
    sources: str


def default_claims_path() -> Path:
    """The ledger shipped with the project.

    Returns:
        ``seeds/claims.yaml`` of the checkout.
    """
    return default_config_path().parents[1] / "seeds" / "claims.yaml"


def _utc(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


def _add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + d.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def claim_period(raw: object, precision: str | None) -> tuple[dt.datetime, dt.datetime, str]:
    """The period a dated claim covers, from its date and precision.

    Args:
        raw: ``2024-10-17`` (day), ``2024-10`` (month) or ``2024-Q4`` (quarter); a YAML date is a day.
        precision: ``day``, ``month`` or ``quarter``; None infers it from the date's form.

    Returns:
        (start, end, precision) in UTC; ``end`` is the period's last second (see
        :data:`monitor.export.records.LAST_SECOND`).

    Raises:
        ValueError: The date or precision is not understood.
    """
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        start, months, form = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1), 3, "quarter"
    elif m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        start, months, form = dt.date(int(m[1]), int(m[2]), 1), 1, "month"
    else:
        start, months, form = dt.date.fromisoformat(text), 0, "day"
    precision = precision or form
    if precision not in ("day", "month", "quarter"):
        raise ValueError(f"precision: expected day, month or quarter (got {precision!r})")
    if precision == "quarter" and form in ("day", "month"):
        start, months = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1), 3
    elif precision == "month" and form == "day":
        start, months = start.replace(day=1), 1
    elif precision == "day" and form != "day":
        raise ValueError(f"date: precision day needs YYYY-MM-DD (got {text!r})")
    end = start + dt.timedelta(days=1) if months == 0 else _add_months(start, months)
    return _utc(start), _utc(end) - LAST_SECOND, precision


def _text(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return None if value is None else str(value).strip()


def site_claims(path: Path, aoi_id: str) -> list[ClaimRow]:
    """The ledger entries about one site, in ledger order.

    Args:
        path: The ledger YAML (a list of entries).
        aoi_id: The site; entries whose ``site`` is another id or null are left out.

    Returns:
        The claims.

    Raises:
        InputDataError: The file cannot be read, is not a list of mappings, or an entry's id or date is unusable
            (the message names the file, the entry and the field).
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputDataError(f"{path}: cannot read the claims ledger ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputDataError(f"{path}: claims ledger is not valid YAML ({exc})".replace("\n", " ")) from None
    except ValueError as exc:  # PyYAML's own date parsing, e.g. "date: 2024-13-45"
        raise InputDataError(f"{path}: claims ledger holds an impossible date ({exc})") from None
    if not isinstance(data, list):
        raise InputDataError(f"{path}: claims ledger must be a list of entries (got {type(data).__name__})")
    rows: list[ClaimRow] = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise InputDataError(f"{path}: entry {i}: expected a mapping (got {type(entry).__name__})")
        cid = _text(entry, "id")
        if not cid:
            raise InputDataError(f"{path}: entry {i}: id: missing")
        if entry.get("site") != aoi_id:
            continue
        try:
            start, end, precision = claim_period(entry.get("date"), _text(entry, "precision"))
        except ValueError as exc:
            raise InputDataError(f"{path}: entry {cid}: date {entry.get('date')!r}: {exc}") from None
        sources = entry.get("sources") or []
        rows.append(
            ClaimRow(
                id=cid,
                kind=_text(entry, "kind") or "claim",
                date=str(entry.get("date")),
                precision=precision,
                start=start,
                end=end,
                statement=" ".join((_text(entry, "statement") or "").split()),
                signal=_text(entry, "signal"),
                quantity=_text(entry, "quantity"),
                sources="; ".join(str(s) for s in sources) if isinstance(sources, list) else str(sources),
            )
        )
    return rows
