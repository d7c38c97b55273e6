"""The fault matrix: each injected fault is retried to success, or ends the run with one clear line and the
documented exit code, stores nothing partial, and the next run completes the work."""

from __future__ import annotations

import datetime as dt
import logging
import socket

import pytest

from monitor.cli import cli
from monitor.config.loader import load_settings
from monitor.pipeline import run
from monitor.store.db import Store
from tests.conftest import write_config
from tests.sources.sentinelhub.conftest import CLIENT_ID, SECRET, WINDOW


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Counts of the same window from the synthetic source, computed once."""
    cfg = write_config(tmp_path_factory.mktemp("reference"))
    settings = load_settings(cfg, env={"MONITOR_DETECTOR": "classical"})
    run(settings, ["dunai"], dt.date(2024, 10, 17), dt.date(2024, 10, 18), progress=False)
    with Store(settings.data_dir / "monitor.sqlite") as st:
        return [r.as_json() for r in st.counts()]


def _no_leftovers(sh):
    if sh.data.exists():
        assert not [p for p in sh.data.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("fault", "path", "status", "hits"),
    [
        ("429:2", "", 429, 2),
        ("429:2@process", "/process", 429, 2),
        ("503:2", "", 503, 2),
        ("503:2@process", "/process", 503, 2),
        ("slow:1@process", "/process", None, 3),  # the slow answer, its retry, the other scene
        ("truncate:1", "/process", None, 3),
        ("expire:2", "", 401, 1),
        ("503:2@token", "/token", 503, 2),
        ("slow:1@token", "/token", None, 2),
    ],
)
def test_fault_is_retried_to_success(sh, reference, fault, path, status, hits):
    sh.faults(fault)
    res = sh.run(*WINDOW)
    assert res.exit_code == 0, res.output
    assert sh.counts() == reference
    assert sh.emu.wait_idle()
    assert sh.emu.count(path, status) == hits
    _no_leftovers(sh)


@pytest.mark.parametrize(
    ("fault", "code", "needle"),
    [
        ("429:always", 75, "kept answering 429"),
        ("503:always@process", 75, "answered 503 after source.max_attempts tries"),
        ("slow:always@process", 75, "unreachable or too slow"),
        ("truncate:always", 75, "unreachable or too slow"),
        ("corrupt:1", 75, "unreadable body"),
        ("slow:always@token", 75, "unreachable or too slow"),
        ("bad-credentials:always", 69, "the token service refused the credentials (invalid_client)"),
        ("evalscript:always", 78, "RENDERER_EXCEPTION"),
    ],
)
def test_fault_ends_the_run_cleanly_and_the_next_run_completes(sh, reference, fault, code, needle):
    sh.faults(fault, slow_seconds=1.5)
    res = sh.run(*WINDOW)
    assert res.exit_code == code, res.output
    errors = [line for line in res.output.splitlines() if line.startswith("monitor: error:")]
    assert len(errors) == 1 and needle in errors[0], res.output
    assert SECRET not in res.output and CLIENT_ID not in res.output
    _no_leftovers(sh)
    stored = sh.counts() if (sh.data / "monitor.sqlite").exists() else []
    archived = {p.stem for p in sh.data.rglob("*.tif")} if sh.data.exists() else set()
    assert {r["scene_id"] for r in stored} == archived  # nothing half-done: every archived scene is counted

    sh.faults()
    again = sh.run(*WINDOW)
    assert again.exit_code == 0, again.output
    assert sh.counts() == reference


def test_rate_limit_retries_are_bounded(sh):
    sh.faults("429:always@process")
    res = sh.run(*WINDOW)
    assert res.exit_code == 75
    assert sh.emu.count("/process", 429) == 4  # source.max_rate_limit_retries in the test config


def test_expired_token_mid_run_is_renewed(sh, reference):
    sh.faults("expire:1")
    res = sh.run(*WINDOW)
    assert res.exit_code == 0, res.output
    assert sh.emu.count("", 401) >= 3 and sh.emu.tokens.issued >= 4
    assert sh.counts() == reference


def test_credentials_never_reach_output_logs_or_files(sh, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SH_CLIENT_SECRET", SECRET + "-wrong")
    bad = sh.runner.invoke(cli, ["-vv", "run", "--config", str(sh.config), *WINDOW])
    assert bad.exit_code == 69
    monkeypatch.setenv("SH_CLIENT_SECRET", SECRET)
    sh.faults("expire:1", "503:1", "corrupt:1")
    failed = sh.run(*WINDOW)
    assert failed.exit_code == 75
    good = sh.run(*WINDOW)
    assert good.exit_code == 0
    text = bad.output + failed.output + good.output + caplog.text
    for value in (SECRET, CLIENT_ID):
        assert value not in text
        for path in sh.data.rglob("*"):
            if path.is_file():
                assert value.encode() not in path.read_bytes(), path


def test_unreachable_service_exits_75(sh, monkeypatch):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SH_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("SH_TOKEN_URL", f"http://127.0.0.1:{port}/auth/realms/main/protocol/openid-connect/token")
    res = sh.run(*WINDOW)
    assert res.exit_code == 75 and "unreachable or too slow" in res.output, res.output
    assert not (sh.data / "scenes").exists()
