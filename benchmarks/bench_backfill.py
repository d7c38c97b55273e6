"""A one-year backfill of both sites and both sensors: the local executor against a 2-worker dask LocalCluster.

Each variant runs `monitor -v --log-format json backfill --since 2024-08-01 --until 2025-07-31` in a child
process on a fresh data folder (the default synthetic source and the default CNN detector, as `make run`), so the
wall time includes start-up, the cluster's start and the alert reports and QGIS exports that follow the scenes.
The per-phase times come from the run's own log line. The counts JSON of every variant is compared byte for
byte. The load average before and after each variant is recorded: other jobs on a shared machine slow a run
down, so compare only rows measured at a similar load.

Usage: python benchmarks/bench_backfill.py [--since DATE] [--until DATE] [--executor local] [--executor dask]...
Writes benchmarks/results/backfill.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "backfill.md"


def _config(folder: Path) -> Path:
    text = (ROOT / "configs" / "monitor.yaml").read_text()
    text = text.replace("data_dir: ../data", f"data_dir: {folder / 'data'}")
    text = text.replace("aois/", f"{ROOT / 'configs' / 'aois'}/").replace(
        "scenarios/", f"{ROOT / 'configs' / 'scenarios'}/"
    )
    cfg = folder / "monitor.yaml"
    cfg.write_text(text)
    return cfg


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}


def run_variant(executor: str, since: str, until: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        cfg = _config(Path(tmp))
        cmd = [sys.executable, "-m", "monitor", "-v", "--log-format", "json", "backfill", "--config", str(cfg)]
        cmd += ["--since", since, "--until", until, "--executor", executor, "--no-progress"]
        load_before = os.getloadavg()
        t0 = time.perf_counter()
        res = subprocess.run(cmd, env=_env(), capture_output=True, text=True)
        wall = time.perf_counter() - t0
        load_after = os.getloadavg()
        if res.returncode != 0:
            raise SystemExit(f"{executor}: exit {res.returncode}\n{res.stderr[-3000:]}")
        phases: dict[str, float] = {}
        scenes = 0
        for line in res.stderr.splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            msg = rec.get("message", "")
            if msg.startswith("run ") and " s, " in msg:
                for part in msg.split(": ", 1)[1].split(", "):
                    name, secs, _ = part.split(" ")
                    phases[name] = float(secs)
            if msg.startswith("backfill "):
                scenes = int(msg.rsplit(", ", 1)[1].split(" ")[0])
        counts = subprocess.run(
            [sys.executable, "-m", "monitor", "counts", "--config", str(cfg), "--format", "json"],
            env=_env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return {
        "executor": executor,
        "wall": wall,
        "phases": phases,
        "scenes": scenes,
        "counts_sha": hashlib.sha256(counts.encode()).hexdigest()[:12],
        "load": (load_before[0], load_after[0]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--since", default="2024-08-01")
    ap.add_argument("--until", default="2025-07-31")
    ap.add_argument("--executor", action="append", default=None)
    args = ap.parse_args()
    rows = []
    for executor in args.executor or ["local", "dask"]:
        row = run_variant(executor, args.since, args.until)
        print(json.dumps(row), flush=True)
        rows.append(row)
    same = len({r["counts_sha"] for r in rows}) == 1
    lines = [
        f"# Backfill benchmark ({dt.date.today()})",
        "",
        f"`{args.since}`..`{args.until}`, both sites, both sensors, synthetic source, CNN detector; "
        f"{os.cpu_count()} CPU cores, {platform.python_version()}, {platform.machine()}. "
        f"Counts JSON identical across executors: {'yes' if same else 'NO'}.",
        "",
        "| executor | scenes | wall s | plan s | scenes s | alerts s | export s | scenes/min (scene phase)"
        " | load 1-min before/after | counts sha256 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        p = r["phases"]
        rate = 60 * r["scenes"] / p["scenes"] if p.get("scenes") else 0.0
        lines.append(
            f"| {r['executor']} | {r['scenes']} | {r['wall']:.0f} | {p.get('plan', 0):.1f} | {p.get('scenes', 0):.0f} |"
            f" {p.get('alerts', 0):.0f} | {p.get('export', 0):.0f} | {rate:.1f}"
            f" | {r['load'][0]:.1f} / {r['load'][1]:.1f} | `{r['counts_sha']}` |"
        )
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
