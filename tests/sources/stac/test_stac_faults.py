"""The stac source under the emulator's faults: what is retried succeeds, the rest exits 75 with nothing partial."""

from __future__ import annotations

import pytest

from tests.sources.stac.conftest import WINDOW


def _stored(stac):
    scenes = stac.data / "scenes"
    return sorted(p.name for p in scenes.rglob("*") if p.is_file()) if scenes.exists() else []


@pytest.mark.parametrize(
    ("fault", "hits"),
    [
        ("503:2@search", ("/search", 503, 2)),
        ("slow@search", ("/search", 200, 2)),
        ("503:2@asset", ("/assets/", 503, 2)),
    ],
)
def test_search_and_asset_hiccups_are_retried(stac, fault, hits):
    stac.faults(fault, slow_seconds=1.5)
    res = stac.run(*WINDOW)
    assert res.exit_code == 0, res.output
    path, status, n = hits
    assert stac.emu.count(path, status) >= n
    assert all(f.remaining == 0 for f in stac.emu.faults.faults)  # the fault did fire (a slow answer may be unlogged)
    assert len(_stored(stac)) == 2


def test_a_range_answer_cut_mid_body_is_read_again(stac, tmp_path, monkeypatch):
    from tests.sources.stac.conftest import synthetic_counts

    expected, _ = synthetic_counts(tmp_path, monkeypatch, WINDOW)
    stac.faults("cut:2")
    res = stac.run(*WINDOW)
    assert res.exit_code == 0, res.output
    cut = [h for h in stac.emu.asset_hits() if h.sent and h.sent < 32768 and h.path.endswith("blue.tif")]
    assert cut, "the fault must have cut an answer"
    assert stac.counts() == expected


def test_search_down_for_good_exits_75_with_nothing_stored(stac):
    stac.faults("503:always@search")
    res = stac.run(*WINDOW)
    assert res.exit_code == 75
    assert "failed after source.max_attempts tries" in res.output and stac.emu.base_url in res.output
    assert not stac.emu.asset_hits() and _stored(stac) == []


def test_a_missing_asset_exits_75_with_nothing_partial_and_the_next_run_catches_up(stac):
    stac.faults("404")
    res = stac.run(*WINDOW)
    assert res.exit_code == 75
    assert "answered 404" in res.output and "blue.tif" in res.output
    assert not [p for p in (stac.data / "scenes").rglob("*") if p.is_file()]
    again = stac.run(*WINDOW)
    assert again.exit_code == 0, again.output
    assert len([p for p in (stac.data / "scenes").rglob("*.tif")]) == 2


def test_an_expired_signature_gets_a_fresh_token(stac):
    stac.faults("expire:1")
    res = stac.run(*WINDOW)
    assert res.exit_code == 0, res.output
    assert stac.emu.count("/assets/sentinel-1-rtc", 403) == 1
    assert stac.emu.count("/sas/token/sentinel-1-rtc", 200) == 2
    assert len(list((stac.data / "scenes").rglob("*.tif"))) == 2


def test_unsigned_reads_of_a_signed_collection_are_refused_and_exit_75(stac, monkeypatch):
    monkeypatch.delenv("MONITOR_STAC_S1_TOKEN_URL")
    res = stac.run(*WINDOW)
    assert res.exit_code == 75
    assert "STAC asset VV" in res.output and "sig" not in res.output.split("unreadable")[0]
    assert not list((stac.data / "scenes").rglob("sentinel-1-grd/*.tif"))
