"""Accuracy of the configured detector on the default scenario's own renderings, per class and sensor.

Every acquisition (or every Nth) of both sites and sensors, scenes over the AOI's max_cloud skipped as the
pipeline does, rendered with the configured source seed, counted through the pipeline's `process_scene` and
matched to the truth written beside each scene (monitor.evaluate.runs.evaluate_synthetic; same class, centre
within max(30 m, half the length); objects under cloud not expected). Prints a Markdown table and writes it to
benchmarks/results/. `bench_detector.py` runs the same scoring on a held-out seed for both detectors.

Usage: python benchmarks/bench_synthetic.py [--every N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from monitor.config import load_settings
from monitor.evaluate.runs import evaluate_synthetic
from monitor.pipeline import make_detector

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--every", type=int, default=1, help="Use every Nth acquisition (default all).")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "synthetic.md")
    args = ap.parse_args(argv)
    settings = load_settings(ROOT / "configs" / "monitor.yaml")
    detector = make_detector(settings)
    t0 = time.perf_counter()
    scores = evaluate_synthetic(settings, detector, args.every, seed=settings.source.seed)
    lines = [
        f"Detector `{detector.version}` on the default scenario (every {args.every}th acquisition,"
        f" {time.perf_counter() - t0:.0f} s incl. rendering)",
        "",
        "| site | sensor | class | TP | FP | FN | precision | recall | F1 | count MAE/scene |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (aoi, sensor, cls), s in scores.items():
        lines.append(
            f"| {aoi} | {sensor} | {cls} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.2f} | {s.recall:.2f} |"
            f" {s.f1:.2f} | {s.count_mae:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_name(f"{args.out.stem}-{detector.version}.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
