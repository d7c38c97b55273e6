"""kill -9 at random points of real runs (pull, detection, store writes, export), then re-run: nothing lost,
nothing doubled, nothing half-written left for later use.

Each round starts a fresh data folder, runs ``monitor -vv run`` in a subprocess, waits for the debug line that
opens a phase (the phases take turns; which occurrence and how long to wait after it are drawn from a seeded
generator, so a failure can be replayed), sends SIGKILL; then once more; then runs to completion.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rasterio
from rio_cogeo.cogeo import cog_validate

from tests.conftest import write_config

WINDOW = ["--since", "2024-10-10", "--until", "2024-10-20"]
PHASES = {"pulling": 0.3, "detecting": 0.3, "storing": 0.004, "exporting": 1.0}
ROUNDS = 5
KILLS_PER_ROUND = 2


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    return env | {"MONITOR_DETECTOR": "classical", "PYTHONUNBUFFERED": "1"}


def _monitor(cfg: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", *args, "--config", str(cfg)]


def _run_to_end(cfg: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "monitor", "-q", "run", "--config", str(cfg), *WINDOW]
    return subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=300)


def _counts(cfg: Path) -> str:
    cmd = [sys.executable, "-m", "monitor", "counts", "--config", str(cfg), "--format", "json"]
    res = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def _kill_during(cfg: Path, phase: str, nth: int, delay: float) -> str:
    """Run until the nth line opening ``phase``, wait ``delay`` s, SIGKILL. Returns what happened."""
    cmd = [sys.executable, "-m", "monitor", "-vv", "run", "--config", str(cfg), *WINDOW]
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        if f"DEBUG: {phase} " in line:
            seen += 1
            if seen == nth:
                time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                break
    proc.stderr.close()
    rc = proc.wait(timeout=300)
    return "killed" if rc == -signal.SIGKILL else f"finished with {rc}"


def _files(data: Path) -> set[str]:
    return {str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()}


def _check_store(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def _check_rasters(data: Path) -> None:
    for tif in data.rglob("*.tif"):
        if tif.name.startswith("."):
            continue  # a temporary file of the killed writer: never used, swept by the next run
        with rasterio.open(tif) as ds:
            ds.read()


@pytest.mark.slow
def test_kill_9_at_random_points_then_rerun_loses_and_doubles_nothing(tmp_path):
    rng = random.Random(20250107)
    ref_dir = tmp_path / "reference"
    ref_dir.mkdir()
    ref_cfg = write_config(ref_dir)
    assert _run_to_end(ref_cfg).returncode == 0
    reference = _counts(ref_cfg)
    assert len(json.loads(reference)) >= 12
    ref_files = _files(ref_dir / "data") - {"monitor.sqlite-wal", "monitor.sqlite-shm"}
    log = []
    for r in range(ROUNDS):
        folder = tmp_path / f"round{r}"
        folder.mkdir()
        cfg = write_config(folder)
        data = folder / "data"
        for k in range(KILLS_PER_ROUND):
            phase = sorted(PHASES)[(r * KILLS_PER_ROUND + k) % len(PHASES)]
            nth = 1 if phase == "exporting" else rng.randint(1, 4)
            delay = rng.uniform(0.0, PHASES[phase])
            log.append((r, phase, nth, round(delay, 3), _kill_during(cfg, phase, nth, delay)))
            if (data / "monitor.sqlite").exists():
                _check_store(data / "monitor.sqlite")
            _check_rasters(data)
        done = _run_to_end(cfg)
        assert done.returncode == 0 and done.stdout == "", (log, done.stderr)
        _check_store(data / "monitor.sqlite")
        assert _counts(cfg) == reference, log
        left = _files(data) - {"monitor.sqlite-wal", "monitor.sqlite-shm"}
        assert not [f for f in left if Path(f).name.startswith(".")], log
        assert left == ref_files, (log, left ^ ref_files)
        for cog in (data / "overlays").rglob("*.tif"):
            valid, errors, _ = cog_validate(str(cog))
            assert valid, (cog, errors)
        with sqlite3.connect(data / "monitor.sqlite") as conn:
            states = [s for (s,) in conn.execute("SELECT status FROM runs ORDER BY id")]
        assert "running" not in states and states[-1] == "ok"
    assert sum(1 for entry in log if entry[-1] == "killed") >= ROUNDS * KILLS_PER_ROUND // 2, log
    assert {entry[1] for entry in log if entry[-1] == "killed"} == set(PHASES), log
