"""Accuracy of the trained CNN beside the classical baseline, in one run (the README's issue-3 tables).

1. Synthetic held-out set: every Nth acquisition of the default scenario rendered with a seed no training run
   uses (monitor.evaluate.runs.HELD_OUT_SEED), both sites and sensors, scored per class: precision, recall, F1,
   and the mean absolute count error per scene.
2. Real ports, each detector without an AOI as the blind test runs it, its `monitor detect --json`-shaped output
   written beside a copy of the labels and scored with ../shared/tools/score_points.py (landing_ship,vessel).
   The shipped bundle learnt from all eight sen2ships ports, so it has no held-out real port: the held-out
   number comes from the *fold* bundle (benchmarks/models/cnn-fold4.pt), the same recipe trained on algiers,
   athens, cartagena and casablanca only, scored on genoa, hedland, marseille and valencia, beside the classical
   baseline on the same four. The shipped bundle's score on all eight (seen in training) is printed too, marked.

Usage: python benchmarks/bench_detector.py [--every N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from monitor.config import load_settings
from monitor.detect.cnn.detector import CnnDetector
from monitor.evaluate.runs import DEFAULT_REAL_DIR, evaluate_synthetic
from monitor.imagery.scene import read_scene
from monitor.pipeline import make_detector
from monitor.training.real_chips import ALL_PORTS, held_out_ports

ROOT = Path(__file__).resolve().parents[1]
FOLD = ROOT / "benchmarks" / "models" / "cnn-fold4.pt"
SCORER = ROOT.parent / "shared" / "tools" / "score_points.py"


def _ports(det, tmp: Path, ports) -> list[str]:
    out = tmp / f"{det.version}-{len(ports)}"
    out.mkdir()
    for port in ports:
        tif = DEFAULT_REAL_DIR / f"{port}.tif"
        dets = det.detect(read_scene(tif), None, None)
        (out / f"{port}.pred.json").write_text(json.dumps({"detections": [d.as_json() for d in dets]}))
        shutil.copy(tif.with_suffix(".geojson"), out / f"{port}.geojson")
    res = subprocess.run(
        [sys.executable, str(SCORER), str(out), "--classes", "landing_ship,vessel"],
        capture_output=True,
        text=True,
        check=True,
    )
    return res.stdout.strip().splitlines()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--every", type=int, default=2)
    args = ap.parse_args(argv)
    settings = load_settings(ROOT / "configs" / "monitor.yaml", env={})
    syn = [
        "| model | site | sensor | class | TP | FP | FN | precision | recall | F1 | count MAE/scene |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    real = ["| model | ports | port | boxes | predictions | TP |", "|---|---|---|---|---|---|"]
    totals = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("cnn", "classical"):
            s = replace(settings, detector=settings.detector.model_copy(update={"kind": kind}))
            det = make_detector(s)
            for (aoi, sensor, cls), sc in evaluate_synthetic(s, det, args.every).items():
                syn.append(
                    f"| {det.version} | {aoi} | {sensor} | {cls} | {sc.tp} | {sc.fp} | {sc.fn} |"
                    f" {sc.precision:.2f} | {sc.recall:.2f} | {sc.f1:.2f} | {sc.count_mae:.2f} |"
                )
            if DEFAULT_REAL_DIR.is_dir() and kind == "classical":
                runs = [(CnnDetector(FOLD), "held out"), (det, "held out")]
                runs.append((make_detector(settings), "all 8, seen in training"))
                for d, what in runs:
                    ports = ALL_PORTS if what.startswith("all") else held_out_ports(runs[0][0])
                    lines = _ports(d, Path(tmp), ports)
                    for line in lines[:-1]:
                        name, rest = line.split(": ")
                        kv = dict(p.split("=") for p in rest.split())
                        real.append(f"| {d.version} | {what} | {name} | {kv['boxes']} | {kv['preds']} | {kv['tp']} |")
                    totals.append(f"- `{d.version}` ({what}): {lines[-1]}")
            print(f"{kind} done", file=sys.stderr, flush=True)
    text = "\n".join(
        [
            f"Synthetic held-out scenes (every {args.every}th acquisition), {time.perf_counter() - t0:.0f} s in all:",
            "",
            *syn,
            "",
            "Real ports (score_points.py, classes landing_ship+vessel):",
            "",
            *real,
            "",
            *totals,
            "",
        ]
    )
    print(text)
    (ROOT / "benchmarks" / "results" / "detector.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
