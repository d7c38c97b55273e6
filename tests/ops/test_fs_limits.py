"""A full disk and a read-only data folder, on real file systems: a small tmpfs and a read-only mount.

The mounts live in a private user and mount namespace (``unshare -Urm``), so the test needs no root and
touches nothing outside its temporary folder. Where namespaces are not allowed it is skipped with the reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_config

CHILD = Path(__file__).with_name("fs_limits_child.py")


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    res = subprocess.run(["unshare", "-Urm", "true"], capture_output=True, timeout=30)
    return res.returncode == 0


needs_ns = pytest.mark.skipif(not _namespaces_work(), reason="unprivileged user namespaces are not available here")


def _child(tmp_path: Path, case: str) -> dict:
    cfg = write_config(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    cmd = ["unshare", "-Urm", sys.executable, str(CHILD), str(cfg), str(data), case]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=Path(__file__).parents[2])
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@needs_ns
@pytest.mark.slow
def test_a_full_disk_exits_75_with_one_line_and_the_next_run_completes(tmp_path):
    out = _child(tmp_path, "full")
    line = _one_line(out["full"]["stderr"])
    assert out["full"]["rc"] == 75, out["full"]
    assert line.startswith("monitor: error: ") and "disk holding the data folder is full" in line
    assert out["integrity"] == "ok"
    assert out["after"]["rc"] == 0 and out["after"]["stderr"] == "", out["after"]
    assert out["left"] == []
    rows = json.loads(out["counts"])
    assert len({r["scene_id"] for r in rows}) == 6


@needs_ns
@pytest.mark.slow
def test_a_read_only_data_folder_exits_78_with_one_line(tmp_path):
    out = _child(tmp_path, "readonly")
    assert out["first"]["rc"] == 0, out["first"]
    for case in ("readonly", "readonly_empty"):
        assert out[case]["rc"] == 78, out[case]
        assert "the data folder is not writable (Read-only file system)" in _one_line(out[case]["stderr"])
