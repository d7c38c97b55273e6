"""The claims layer's reader: the formal ledger, filtered by site, with each claim's period in UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.errors import InputDataError
from monitor.export.claims import default_claims_path, site_claims

UTC = dt.UTC
END = dt.timedelta(seconds=1)


def test_the_project_ledger_parses_and_filters_by_site():
    dunai = site_claims(default_claims_path(), "dunai")
    sunan = site_claims(default_claims_path(), "sunan")
    assert {c.id for c in dunai} >= {"nis-2024-10-transfer", "cns-2024-10-17-ship"}
    assert sunan and all(c.id not in {d.id for d in dunai} for c in sunan)
    ship = next(c for c in dunai if c.id == "cns-2024-10-17-ship")
    assert ship.kind == "observation" and ship.precision == "day"
    assert ship.start == dt.datetime(2024, 10, 17, tzinfo=UTC)
    assert ship.end == dt.datetime(2024, 10, 18, tzinfo=UTC) - END
    assert "Nikolay Vilkov" in ship.statement and "\n" not in ship.statement
    assert ship.sources.startswith("James Martin Center")
    month = next(c for c in dunai if c.id == "nis-2024-10-transfer")
    assert (month.start, month.end + END) == (
        dt.datetime(2024, 10, 1, tzinfo=UTC),
        dt.datetime(2024, 11, 1, tzinfo=UTC),
    )
    assert site_claims(default_claims_path(), "elsewhere") == []


def test_a_bad_ledger_is_an_input_data_error(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text("- {id: a, site: dunai, date: 2024-10}\n", encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        site_claims(path, "dunai")
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    assert err.value.exit_code == 65
