"""The claims ledger: schema validation with one-line errors, periods by precision, atomic additions."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.claims.ledger import Claim, add_claim, claim_period, load_claims
from monitor.errors import InputDataError
from tests.conftest import ROOT

GOOD = """# a comment that must survive additions
- id: test-claim-one
  date: 2024-10-17
  precision: day
  site: dunai
  kind: observation
  statement: A landing ship was seen at the naval berths.
  signal: landing_ship_port_call
  sources: [{name: Someone, date: 2024-10}]
"""


def test_project_ledger_holds_the_reported_claims_with_sources():
    claims = load_claims(ROOT / "seeds" / "claims.yaml")
    assert len(claims) == 11
    assert {c.precision for c in claims} == {"day", "month", "quarter"}
    assert all(c.sources for c in claims)
    by_id = {c.id: c for c in claims}
    assert by_id["osc-2025-06-04-il76"].site == "sunan"
    assert by_id["cns-2024-q4-two-ships"].date == "2024-Q4"


@pytest.mark.parametrize(
    ("date", "precision", "first", "last"),
    [
        ("2024-10-17", "day", dt.date(2024, 10, 17), dt.date(2024, 10, 17)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2024-Q4", "quarter", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
    ],
)
def test_period_follows_precision(date, precision, first, last):
    c = Claim.model_validate(
        {
            "id": "x-claim",
            "date": date,
            "precision": precision,
            "kind": "claim",
            "statement": "Something happened there.",
            "sources": [{"name": "Someone"}],
        }
    )
    assert claim_period(c) == (first, last)


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        (
            "date: 2024-10-17",
            "date: 2024-10",
            ["[0] (id test-claim-one).date", "precision day (YYYY-MM-DD)", "'2024-10'"],
        ),
        ("date: 2024-10-17", "date: '2025-02-30'", ["[0] (id test-claim-one).date", "2025-02-30"]),
        ("precision: day", "precision: week", ["[0] (id test-claim-one).precision", "'week'"]),
        ("kind: observation", "kind: rumour", ["kind", "'rumour'"]),
        ("  sources: [{name: Someone, date: 2024-10}]", "  sources: []", ["sources", "at least 1"]),
        ("  signal: landing_ship_port_call", "  colour: red", ["colour", "Extra inputs are not permitted"]),
    ],
)
def test_bad_claims_give_one_line_naming_file_field_and_value(tmp_path, old, new, needles):
    path = tmp_path / "claims.yaml"
    path.write_text(GOOD.replace(old, new))
    with pytest.raises(InputDataError) as err:
        load_claims(path)
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg
    for needle in needles:
        assert needle in msg
    assert err.value.exit_code == 65


def test_duplicate_ids_and_non_lists_are_rejected(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(GOOD + GOOD.split("\n", 1)[1])
    with pytest.raises(InputDataError, match=r"\[1\]\.id: repeats"):
        load_claims(path)
    path.write_text("id: x\n")
    with pytest.raises(InputDataError, match="expected a YAML list"):
        load_claims(path)
    path.write_text("- [unclosed\n")
    with pytest.raises(InputDataError, match="invalid YAML at line"):
        load_claims(path)


def test_add_appends_keeps_comments_and_rejects_duplicates_without_touching_the_file(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(GOOD)
    extra = Claim.model_validate(
        {
            "id": "test-claim-two",
            "date": "2025-Q1",
            "precision": "quarter",
            "kind": "claim",
            "statement": "Further troops were sent.",
            "sources": [{"name": "Agency", "date": "2025-02"}],
        }
    )
    claims = add_claim(path, extra)
    assert [c.id for c in claims] == ["test-claim-one", "test-claim-two"]
    text = path.read_text()
    assert text.startswith("# a comment that must survive additions")
    assert load_claims(path)[1] == extra
    assert list(tmp_path.iterdir()) == [path]
    with pytest.raises(InputDataError, match="already exists"):
        add_claim(path, extra)
    assert path.read_text() == text
