"""Run inside ``unshare -Urm`` by test_fs_limits.py: real small and read-only file systems for the data folder.

Usage: python fs_limits_child.py CONFIG DATA_DIR SCENARIO. Mounts a tmpfs on DATA_DIR, runs ``monitor`` in
subprocesses and prints one JSON object describing what happened (the mounts vanish with the namespace).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

WINDOW = ["--since", "2024-10-10", "--until", "2024-10-20"]


def monitor(cfg: str, *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")} | {"MONITOR_DETECTOR": "classical"}
    at = next(i for i, a in enumerate(args) if not a.startswith("-")) + 1  # --config goes after the command
    res = subprocess.run(
        [sys.executable, "-m", "monitor", *args[:at], "--config", cfg, *args[at:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return {"rc": res.returncode, "stdout": res.stdout, "stderr": res.stderr}


def mount(data: str, options: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", data], check=True)


def integrity(data: Path) -> str:
    conn = sqlite3.connect(data / "monitor.sqlite")
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def main() -> None:
    cfg, data, case = sys.argv[1], sys.argv[2], sys.argv[3]
    out: dict[str, object] = {}
    if case == "full":
        mount(data, "size=6m")
        out["full"] = monitor(cfg, "-q", "run", *WINDOW)
        out["integrity"] = integrity(Path(data))
        out["temp_files"] = [p.name for p in Path(data).rglob(".*") if p.is_file()]
        subprocess.run(["mount", "-o", "remount,size=200m", data], check=True)
        out["after"] = monitor(cfg, "-q", "run", *WINDOW)
        out["counts"] = monitor(cfg, "counts", "--format", "json")["stdout"]
        out["left"] = [p.name for p in Path(data).rglob(".*") if p.is_file()]
    else:
        mount(data, "size=200m")
        out["first"] = monitor(cfg, "-q", "run", *WINDOW[:2], "--until", "2024-10-12")
        subprocess.run(["mount", "-o", "remount,ro", data], check=True)
        out["readonly"] = monitor(cfg, "-q", "run", *WINDOW)
        empty = Path(data).parent / "empty"
        empty.mkdir()
        mount(str(empty), "ro,size=1m")
        os.environ["MONITOR_DATA_DIR"] = str(empty)
        out["readonly_empty"] = monitor(cfg, "-q", "run", *WINDOW)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
