"""The claims of one site as the QGIS map shows them, read through the formal ledger (:mod:`monitor.claims`).

Each claim becomes a row with the period its dated precision covers (a day, a month or a quarter), as UTC
datetimes ending on the period's last second so QGIS's text comparison of GeoPackage datetimes keeps the last
day inside (see :data:`monitor.export.records.LAST_SECOND`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from monitor.claims.ledger import claim_period, load_claims
from monitor.config.loader import default_config_path
from monitor.export.records import LAST_SECOND

__all__ = ("ClaimRow", "default_claims_path", "site_claims")


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
    """The project's ledger.

    Returns:
        ``seeds/claims.yaml`` of the checkout.
    """
    return default_config_path().parents[1] / "seeds" / "claims.yaml"


def _utc(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


def site_claims(path: Path, aoi_id: str) -> list[ClaimRow]:
    """The ledger entries about one site, in ledger order.

    Args:
        path: The ledger YAML.
        aoi_id: The site; entries whose ``site`` is another id or null are left out.

    Returns:
        The claims.

    Raises:
        InputDataError: The ledger is unreadable or invalid (the message names the file, claim, field and value).
    """
    rows = []
    for claim in load_claims(path):
        if claim.site != aoi_id:
            continue
        first, last = claim_period(claim)
        sources = "; ".join(", ".join(part for part in (s.name, s.date, s.via, s.url) if part) for s in claim.sources)
        rows.append(
            ClaimRow(
                id=claim.id,
                kind=claim.kind,
                date=claim.date,
                precision=claim.precision,
                start=_utc(first),
                end=_utc(last + dt.timedelta(days=1)) - LAST_SECOND,
                statement=" ".join(claim.statement.split()),
                signal=claim.signal,
                quantity=claim.quantity,
                sources=sources,
            )
        )
    return rows
