"""The executor seam: the same counts bytes from local, a real dask LocalCluster and a tcp:// scheduler."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.executors import check_spec
from monitor.executors.local import LocalExecutor
from tests.conftest import write_config

WINDOW = ["--since", "2024-10-10", "--until", "2024-10-14"]


def _run_and_count(tmp_path, name, executor):
    folder = tmp_path / name
    folder.mkdir()
    cfg = write_config(folder)
    runner = CliRunner()
    res = runner.invoke(cli, ["-q", "run", "--config", str(cfg), *WINDOW, "--executor", executor])
    assert res.exit_code == 0 and res.output == "", res.output  # silent on success, cluster included
    counts = runner.invoke(cli, ["counts", "--config", str(cfg), "--format", "json"])
    assert counts.exit_code == 0
    return counts.output, folder / "data"


def _files(data):
    return {p.relative_to(data): p.read_bytes() for p in sorted((data / "scenes").rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_dask_and_tcp_give_the_same_counts_bytes_and_archive_as_local(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "MONITOR_SOURCE", "MONITOR_EXECUTOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MONITOR_DETECTOR", "classical")
    local, local_data = _run_and_count(tmp_path, "local", "local")
    assert len(local) > 100 and '"count"' in local
    dask, dask_data = _run_and_count(tmp_path, "dask", "dask")
    assert dask == local
    assert _files(dask_data) == _files(local_data)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as lc:
        address = lc.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        tcp, _ = _run_and_count(tmp_path, "tcp", address)
    assert tcp == local


def test_an_unreachable_scheduler_exits_75(config_path, monkeypatch):
    import socket

    import monitor.executors.cluster as cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = CliRunner().invoke(
        cli, ["run", "--config", str(config_path), *WINDOW, "--executor", f"tcp://127.0.0.1:{port}"]
    )
    assert res.exit_code == 75, res.output
    assert "no dask scheduler answered" in res.output


def test_executor_specs_are_checked_by_where_they_come_from(config_path, monkeypatch):
    assert check_spec("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    res = CliRunner().invoke(cli, ["run", "--config", str(config_path), *WINDOW, "--executor", "threads"])
    assert res.exit_code == 2 and "--executor: unknown executor 'threads'" in res.output
    monkeypatch.setenv("MONITOR_EXECUTOR", "tcp://host")
    res = CliRunner().invoke(cli, ["counts", "--config", str(config_path)])
    assert res.exit_code == 78 and "MONITOR_EXECUTOR" in res.output
    monkeypatch.delenv("MONITOR_EXECUTOR")
    config_path.write_text(config_path.read_text() + "executor: tcp://127.0.0.1:99999\n")
    res = CliRunner().invoke(cli, ["counts", "--config", str(config_path)])
    assert res.exit_code == 78 and "executor" in res.output


def test_local_executor_runs_in_order():
    out = list(LocalExecutor().map_unordered(lambda x, k: x * k, [1, 2, 3], (10,)))
    assert out == [10, 20, 30]
