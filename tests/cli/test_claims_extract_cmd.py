"""``monitor claims extract`` through click's runner: output contract, exit codes, ``--append`` round trip."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import ROOT, write_config

SEED = ROOT.parent / "shared" / "seeds" / "deployment-report-de.txt"
CORPUS = ROOT / "tests" / "claims" / "extract" / "corpus"
CONTRACT = {"site", "signal", "date", "precision", "kind", "quantity", "evidence"}


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "MONITOR_SOURCE", "MONITOR_DETECTOR"):
        monkeypatch.delenv(var, raising=False)
    shutil.copy(ROOT / "seeds" / "claims.yaml", tmp_path / "claims.yaml")
    return write_config(tmp_path, "analysis:\n  claims: claims.yaml\n  reports: false\n")


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_json_is_sorted_and_keeps_the_contract(cfg):
    res = _run("claims", "extract", CORPUS / "en-sunan.txt", CORPUS / "ru-sunan.txt", "--published", "2025-07-05",
               "--format", "json", "--config", cfg)  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert all(set(r) >= CONTRACT and {"text", "language"} <= set(r["evidence"]) for r in rows)
    assert [r["date"] for r in rows] == ["2025-Q1", "2025-05", "2025-06", "2025-06-04"]
    assert {r["evidence"]["language"] for r in rows} == {"en", "ru"}


@pytest.mark.skipif(not SEED.exists(), reason="seed article ../shared/seeds/deployment-report-de.txt not present")
def test_append_round_trips_to_verdicts_and_skips_duplicates(cfg):
    args = ("claims", "extract", SEED, "--published", "2025-07-05", "--config", cfg)
    first = _run(*args, "--source", "khoahocdoisong.vn", "--append")
    assert first.exit_code == 0, first.output
    assert "appended 6 draft(s)" in first.stderr
    listed = _run("claims", "--config", cfg, "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert len(rows) == 11 + 6 and all(r["reasons"] for r in rows)
    again = _run(*args, "--source", "khoahocdoisong.vn", "--append")
    assert again.exit_code == 0 and "appended 0 draft(s)" in again.stderr and "6 skipped" in again.stderr
    # Under the hand-written ledger's source name, the four troop drafts are the analyst's own entries.
    same = _run(*args, "--source", "khoahocdoisong.vn (post 1552352)", "--append")
    assert same.exit_code == 0 and "appended 2 draft(s)" in same.stderr and "4 skipped" in same.stderr


def test_bad_input_is_one_line_and_exit_65(cfg, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x89PNG\x00\x01\x02" * 50)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Schiffe in Dunai für".encode("latin-1"))
    for path, words in [(empty, "empty file"), (binary, "binary file"), (latin, "not UTF-8"),
                        (tmp_path / "missing.txt", "cannot read"), (tmp_path, "Is a directory")]:  # fmt: skip
        res = _run("claims", "extract", path, "--config", cfg)
        assert res.exit_code == 65, res.output
        assert words in res.stderr and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output


def test_unknown_language_warns_and_prints_no_drafts(cfg):
    res = _run("claims", "extract", CORPUS / "fr-unknown.txt", "--format", "json", "--config", cfg)
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert "French" in res.stderr and "Traceback" not in res.output
    assert _run("claims", "extract", "--config", cfg).exit_code == 2
