"""Speed of the detectors on 2 CPU threads: throughput in km^2/s, and a full Sentinel-2 tile.

Throughput: `detect()` on a 2,048 x 2,048 px (419 km^2) Sentinel-2 scene assembled from rendered Dunai scenes,
after one warm-up call, median of 3. Full tile: a 10,980 x 10,980 px four-band uint16 GeoTIFF (made once, from
the same renderings, in the temp folder) through `monitor detect --json` in a child process, whose wall time and
peak resident memory (getrusage of the child) are reported: that is what a user running the CLI sees.

Usage: python benchmarks/bench_speed.py [--detector cnn|cnn-one-pass|classical]... [--skip-tile]
(cnn-one-pass: the shipped CNN with detector.second_look false.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import rasterio
import torch

from monitor.config import load_settings
from monitor.imagery.grid import Grid
from monitor.imagery.scene import read_scene
from monitor.pipeline import make_detector, make_source

ROOT = Path(__file__).resolve().parents[1]
TILE = 10_980
# Runs `monitor detect --json FILE` and prints the process's own peak RSS (KiB) as the last stderr line. It reads
# VmHWM, which belongs to the new address space: getrusage's ru_maxrss survives exec on Linux and would report
# this benchmark's own peak (the 10,980 px mosaic) instead of the child's.
_CHILD = (
    "import re, sys\n"
    "from monitor.cli import main\n"
    "try:\n    main(['detect', sys.argv[1], '--json', *sys.argv[2:]])\n"
    "finally:\n"
    "    hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())\n"
    "    print(hwm.group(1) if hwm else -1, file=sys.stderr)\n"
)


def _mosaic_source(tmp: Path) -> tuple[Path, list[Path]]:
    settings = load_settings(ROOT / "configs" / "monitor.yaml", env={})
    src = make_source(settings)
    aoi = settings.aois["dunai"]
    refs = [r for r in src.discover(aoi, "sentinel-2-l2a", aoi.start, src.end) if (r.cloud_cover or 0) < 0.1][:4]
    return Path(src.fetch(refs[0], aoi, tmp / "dunai.tif")), [
        src.fetch(r, aoi, tmp / f"{r.scene_id}.tif") for r in refs
    ]


def _mosaic(paths: list[Path], side: int) -> dict[str, np.ndarray]:
    scenes = [read_scene(p) for p in paths]
    h, w = scenes[0].grid.shape
    out = {b: np.empty((side, side), np.uint16) for b in ("B02", "B03", "B04", "B08")}
    k = 0
    for r in range(0, side, h):
        for c in range(0, side, w):
            s = scenes[k % len(scenes)]
            k += 1
            hh, ww = min(h, side - r), min(w, side - c)
            for b in out:
                out[b][r : r + hh, c : c + ww] = np.round(s.bands[b][:hh, :ww] * 10000).astype(np.uint16)
    return out


def _write(path: Path, bands: dict[str, np.ndarray], grid: Grid) -> None:
    profile = dict(
        driver="GTiff",
        width=grid.width,
        height=grid.height,
        count=len(bands),
        dtype="uint16",
        crs=grid.crs,
        transform=grid.transform,
        tiled=True,
        blockxsize=512,
        blockysize=512,
        compress="deflate",
        BIGTIFF="IF_SAFER",
    )
    with rasterio.open(path, "w", **profile) as dst:
        for i, (name, arr) in enumerate(bands.items(), start=1):
            dst.write(arr, i)
            dst.set_band_description(i, name)
        dst.update_tags(SENSOR="sentinel-2-l2a", ACQUISITION_TIME="2025-05-14T02:05:31Z")


def _one_pass_config(tmp: Path) -> Path:
    """The default configuration with ``detector.second_look: false`` (paths made absolute)."""
    cfg = ROOT / "configs"
    path = tmp / "one_pass.yaml"
    path.write_text(
        f"data_dir: {tmp / 'data'}\naois: [{cfg / 'aois' / 'dunai.yaml'}, {cfg / 'aois' / 'sunan.yaml'}]\n"
        f"source: {{kind: synthetic, scenario: {cfg / 'scenarios' / 'default.yaml'}}}\n"
        "detector: {kind: cnn, second_look: false}\n"
    )
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--detector", action="append", choices=["cnn", "cnn-one-pass", "classical"])
    ap.add_argument("--skip-tile", action="store_true")
    args = ap.parse_args(argv)
    kinds = args.detector or ["cnn", "cnn-one-pass", "classical"]
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as tmp_name:
        lines = _measure(Path(tmp_name), kinds, args.skip_tile)
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "results" / "speed.md").write_text(text)
    return 0


def _measure(tmp: Path, kinds: list[str], skip_tile: bool) -> list[str]:
    """Time each detector on a 2048 px mosaic (and a full tile unless skipped) inside ``tmp``."""
    first, paths = _mosaic_source(tmp)
    ref = read_scene(first)
    side = 2048
    grid = Grid(ref.grid.crs, ref.grid.transform, side, side)
    _write(tmp / "s2_2048.tif", _mosaic(paths, side), grid)
    scene = read_scene(tmp / "s2_2048.tif")
    area = side * side * 100 / 1e6
    settings = load_settings(ROOT / "configs" / "monitor.yaml", env={})
    lines = [
        "| detector | throughput (km^2/s, 2 threads) | full 10,980^2 tile: wall s | peak RSS GB | objects |",
        "|---|---|---|---|---|",
    ]
    big = tmp / "s2_tile.tif"
    if not skip_tile:
        _write(big, _mosaic(paths, TILE), Grid(ref.grid.crs, ref.grid.transform, TILE, TILE))
    for kind in kinds:
        # cnn-one-pass: the shipped CNN with detector.second_look false (no re-scoring of doubtful peaks).
        one_pass = kind == "cnn-one-pass"
        update = {"kind": "cnn", "second_look": False} if one_pass else {"kind": kind}
        det = make_detector(replace(settings, detector=settings.detector.model_copy(update=update)))
        det.detect(scene, None, None)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            det.detect(scene, None, None)
            times.append(time.perf_counter() - t0)
        kms = area / statistics.median(times)
        wall, rss, n = "-", "-", "-"
        if not skip_tile:
            env = {**os.environ, "MONITOR_DETECTOR": "cnn" if one_pass else kind, "OMP_NUM_THREADS": "2"}
            extra = ["--config", str(_one_pass_config(tmp))] if one_pass else []
            t0 = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, str(big), *extra], env=env, capture_output=True, text=True
            )
            wall = f"{time.perf_counter() - t0:.1f}"
            rss = f"{int(out.stderr.strip().splitlines()[-1]) / 2**20:.2f}"
            n = str(len(json.loads(out.stdout)["detections"]))
        lines.append(f"| {det.version} | {kms:.0f} | {wall} | {rss} | {n} |")
        print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
