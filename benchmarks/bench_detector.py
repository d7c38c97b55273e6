"""Detector accuracy, real imagery first, every model of the comparison in one run (the README's tables).

1. Real airports (``../shared/data/aircraft-dev``: 43 airports at 10 m, 1,215 scored aircraft; evaluation only,
   no weights ever learnt from them). Each detector runs without an AOI, as the blind test does; its
   ``monitor detect --json``-shaped output is written beside a copy of the labels and scored per airport with
   ``../shared/tools/score_points.py --classes transport_aircraft,aircraft``. The new bundles' no-AOI aircraft
   floor was chosen on the airports in even positions, so the odd half is the clean test and is printed apart.
2. Real ports held out: genoa, hedland, marseille and valencia, which the *fold* bundles never learnt from
   (``benchmarks/models/cnn-fold4*.pt``: the shipped recipe trained on the other four sen2ships ports and the two
   sen2ships-partial ports), scored with ``--classes landing_ship,vessel``. The shipped bundle learnt from all ten
   ports, so its own port numbers are printed as "seen in training" and are not a test.
3. Synthetic held-out scenes: every Nth acquisition of the default scenario rendered with a seed no training run
   uses, both sites and sensors, scored per class (a regression check, not evidence of real accuracy).

Models: the shipped bundle, the previous shipped bundle (``benchmarks/models/previous.pt``), their folds, and
the classical baseline.

Usage: python benchmarks/bench_detector.py [--every N] [--out FILE]
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
from monitor.detect.base import Detector
from monitor.detect.cnn.detector import CnnDetector
from monitor.evaluate.real import AIRCRAFT_DIR, real_images
from monitor.evaluate.runs import DEFAULT_REAL_DIR, evaluate_synthetic
from monitor.imagery.scene import read_scene
from monitor.pipeline import make_detector
from monitor.training.operating import airport_halves
from monitor.training.real_chips import HELD_OUT_PORTS, TRAIN_PORTS

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "benchmarks" / "models"
SCORER = ROOT.parent / "shared" / "tools" / "score_points.py"
CLASSES = {"aircraft": "transport_aircraft,aircraft", "ships": "landing_ship,vessel"}


def _score(det: Detector, folder: Path, names: list[str], family: str, tmp: Path) -> list[str]:
    """Detect on each image, write predictions beside copied labels, and return the scorer's lines."""
    out = Path(tempfile.mkdtemp(dir=tmp))
    for name in names:
        tif = folder / f"{name}.tif"
        dets = det.detect(read_scene(tif), None, None)
        (out / f"{name}.pred.json").write_text(json.dumps({"detections": [d.as_json() for d in dets]}))
        shutil.copy(tif.with_suffix(".geojson"), out / f"{name}.geojson")
    res = subprocess.run(
        [sys.executable, str(SCORER), str(out), "--classes", CLASSES[family]],
        capture_output=True,
        text=True,
        check=True,
    )
    return res.stdout.strip().splitlines()


def _rows(lines: list[str], model: str, what: str) -> list[str]:
    rows = []
    for line in lines[:-1]:
        name, rest = line.split(": ")
        kv = dict(p.split("=") for p in rest.split())
        rows.append(f"| {model} | {what} | {name} | {kv['boxes']} | {kv['preds']} | {kv['tp']} |")
    return rows


def _total(lines: list[str], model: str, what: str) -> str:
    kv = dict(p.split("=") for p in lines[-1].split()[1:])
    return (
        f"| {model} | {what} | {kv['tp']} | {kv['fp']} | {kv['fn']} | {kv['P']} | {kv['R']} | **{kv['F1']}** |"
        f" {kv['count_MAE']} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the three benchmarks and write the results file."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--every", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "detector.md")
    args = ap.parse_args(argv)
    if not SCORER.exists() or not AIRCRAFT_DIR.is_dir() or not DEFAULT_REAL_DIR.is_dir():
        print(f"needs {SCORER}, {AIRCRAFT_DIR} and {DEFAULT_REAL_DIR} beside the checkout", file=sys.stderr)
        return 2
    settings = load_settings(ROOT / "configs" / "monitor.yaml", env={})
    classical = make_detector(replace(settings, detector=settings.detector.model_copy(update={"kind": "classical"})))
    shipped = make_detector(settings)
    # The same weights in one pass (detector.second_look: false), and the previous bundles as they shipped.
    one_pass = make_detector(replace(settings, detector=settings.detector.model_copy(update={"second_look": False})))
    previous = CnnDetector(MODELS / "previous.pt", second_look=False)
    folds = [
        CnnDetector(MODELS / "cnn-fold4.pt"),
        CnnDetector(MODELS / "cnn-fold4.pt", second_look=False),
        CnnDetector(MODELS / "cnn-fold4-previous.pt", second_look=False),
    ]
    head = "| model | images | image | boxes | predictions | TP |\n|---|---|---|---|---|---|"
    tot_head = "| model | images | TP | FP | FN | precision | recall | F1 | count MAE/image |\n" + "|---" * 9 + "|"
    airports, ports, totals_air, totals_port = [head], [head], [tot_head], [tot_head]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        names = real_images(AIRCRAFT_DIR)
        _, test_half = airport_halves(names)
        for det in (shipped, one_pass, previous, *folds, classical):
            lines = _score(det, AIRCRAFT_DIR, names, "aircraft", tmp)
            airports += _rows(lines, det.version, "43 airports")
            totals_air.append(_total(lines, det.version, f"all {len(names)} (floor chosen on the even half)"))
            lines = _score(det, AIRCRAFT_DIR, test_half, "aircraft", tmp)
            totals_air.append(_total(lines, det.version, f"test half: {len(test_half)} odd airports"))
        print(f"airports done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        held = list(HELD_OUT_PORTS)
        for det in (*folds, classical):
            lines = _score(det, DEFAULT_REAL_DIR, held, "ships", tmp)
            ports += _rows(lines, det.version, "held out")
            totals_port.append(_total(lines, det.version, "4 held-out ports"))
        for det in (shipped, one_pass, previous):
            lines = _score(det, DEFAULT_REAL_DIR, [*TRAIN_PORTS, *held], "ships", tmp)
            totals_port.append(_total(lines, det.version, "8 ports, seen in training (not a test)"))
        print(f"ports done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    syn = [
        "| model | site | sensor | class | TP | FP | FN | precision | recall | F1 | count MAE/scene |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for det in (shipped, one_pass, previous, classical):
        kind = "classical" if det is classical else "cnn"
        s = replace(settings, detector=settings.detector.model_copy(update={"kind": kind}))
        for (aoi, sensor, cls), sc in evaluate_synthetic(s, det, args.every).items():
            syn.append(
                f"| {det.version} | {aoi} | {sensor} | {cls} | {sc.tp} | {sc.fp} | {sc.fn} |"
                f" {sc.precision:.2f} | {sc.recall:.2f} | {sc.f1:.2f} | {sc.count_mae:.2f} |"
            )
    text = "\n".join(
        [
            f"One run of benchmarks/bench_detector.py, {time.perf_counter() - t0:.0f} s in all.",
            "",
            "## 1. Real airports (aircraft-dev: Airbus DS Pleiades at 10 m, CC BY-NC-SA 4.0; no AOI)",
            "",
            *totals_air,
            "",
            "## 2. Real ports (sen2ships, contains modified Copernicus Sentinel data 2023; no AOI)",
            "",
            *totals_port,
            "",
            f"## 3. Synthetic held-out scenes (every {args.every}th acquisition; a regression check)",
            "",
            *syn,
            "",
            "## Per airport",
            "",
            *airports,
            "",
            "## Per held-out port",
            "",
            *ports,
            "",
        ]
    )
    print(text)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
