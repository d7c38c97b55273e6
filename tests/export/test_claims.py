"""The claims reader: dated precision to periods, site filtering, one-line errors naming file, entry and field."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from monitor.errors import InputDataError
from monitor.export.claims import claim_period, default_claims_path, site_claims

UTC = dt.UTC
END = dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("raw", "precision", "start", "end"),
    [
        (dt.date(2024, 10, 17), "day", dt.datetime(2024, 10, 17, tzinfo=UTC), dt.datetime(2024, 10, 18, tzinfo=UTC)),
        ("2024-10", "month", dt.datetime(2024, 10, 1, tzinfo=UTC), dt.datetime(2024, 11, 1, tzinfo=UTC)),
        ("2024-12", None, dt.datetime(2024, 12, 1, tzinfo=UTC), dt.datetime(2025, 1, 1, tzinfo=UTC)),
        ("2024-Q4", "quarter", dt.datetime(2024, 10, 1, tzinfo=UTC), dt.datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-Q1", None, dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2025, 4, 1, tzinfo=UTC)),
        ("2025-05-20", "quarter", dt.datetime(2025, 4, 1, tzinfo=UTC), dt.datetime(2025, 7, 1, tzinfo=UTC)),
        ("2025-05-20", "month", dt.datetime(2025, 5, 1, tzinfo=UTC), dt.datetime(2025, 6, 1, tzinfo=UTC)),
    ],
)
def test_claim_periods_cover_the_dated_precision(raw, precision, start, end):
    got = claim_period(raw, precision)
    assert got[:2] == (start, end - END)
    assert got[2] == (precision or ("quarter" if "Q" in str(raw) else "month"))


@pytest.mark.parametrize(("raw", "precision"), [("2024-10", "day"), ("soon", None), ("2024-10-17", "week")])
def test_unusable_dates_are_refused(raw, precision):
    with pytest.raises(ValueError):
        claim_period(raw, precision)


def test_the_project_ledger_parses_and_filters_by_site():
    dunai = site_claims(default_claims_path(), "dunai")
    sunan = site_claims(default_claims_path(), "sunan")
    assert {c.id for c in dunai} >= {"nis-2024-10-transfer", "cns-2024-10-17-ship", "osc-2025-05-ropucha"}
    assert [c.id for c in sunan] == ["osc-2025-06-04-il76"]
    ship = next(c for c in dunai if c.id == "cns-2024-10-17-ship")
    assert ship.kind == "observation" and ship.precision == "day"
    assert (
        ship.start == dt.datetime(2024, 10, 17, tzinfo=UTC) and ship.end == dt.datetime(2024, 10, 18, tzinfo=UTC) - END
    )
    assert "Nikolay Vilkov" in ship.statement and "\n" not in ship.statement
    assert ship.sources.startswith("James Martin CNS")
    assert site_claims(default_claims_path(), "elsewhere") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- [unclosed", "claims ledger is not valid YAML"),
        ("id: x", "must be a list of entries (got dict)"),
        ("- just a string", "entry 0: expected a mapping"),
        ("- {site: dunai, date: 2024-10}", "entry 0: id: missing"),
        ("- {id: a, site: dunai, date: 2024-13-45, precision: day}", "impossible date (month must be in 1..12)"),
        ("- {id: a, site: dunai, date: '2024-13-45', precision: day}", "entry a: date '2024-13-45'"),
    ],
)
def test_bad_ledgers_raise_one_line_input_errors(tmp_path, text, message):
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputDataError, match=re.escape(message)) as err:
        site_claims(path, "dunai")
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    assert err.value.exit_code == 65


def test_unknown_keys_are_ignored_and_other_sites_are_not_validated(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(
        "- {id: a, site: dunai, date: 2024-10, new_field: 3, kind: claim}\n- {id: b, site: sunan, date: garbage}\n",
        encoding="utf-8",
    )
    assert [c.id for c in site_claims(path, "dunai")] == ["a"]
