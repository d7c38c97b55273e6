"""Accuracy of a detector against the synthetic scenario's ground truth, per class and sensor.

Every acquisition of the default scenario (both sites, both sensors, scenes over the AOI's max_cloud skipped as
the pipeline does) is rendered, detected and counted through the pipeline's own `process_scene`, then matched
to the truth written beside the scene (monitor.evaluate: same class, centre within max(30 m, half the length)).
Objects under cloud are not expected. Prints a Markdown table and writes it to benchmarks/results/.

Usage: python benchmarks/bench_synthetic.py [--detector classical] [--every N] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from monitor.config import load_settings
from monitor.evaluate.matching import load_truth, score_scenes
from monitor.pipeline import Job, make_detector, make_source, process_scene
from monitor.sources.synthetic.source import truth_path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--every", type=int, default=1, help="Use every Nth acquisition (default all).")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "synthetic.md")
    args = ap.parse_args(argv)
    settings = load_settings(ROOT / "configs" / "monitor.yaml", env={})
    source = make_source(settings)
    detector = make_detector(settings)
    rows = []
    t0 = time.perf_counter()
    n_scenes = 0
    with tempfile.TemporaryDirectory() as tmp:
        for aoi in settings.aois.values():
            for sensor in aoi.sensors:
                refs = source.discover(aoi, sensor, aoi.start, source.end)  # type: ignore[attr-defined]
                refs = [r for r in refs if r.cloud_cover is None or r.cloud_cover <= aoi.max_cloud][:: args.every]
                pairs = []
                for ref in refs:
                    res = process_scene(Job(aoi, ref), source, detector, Path(tmp))
                    pairs.append((res.detections, load_truth(truth_path(res.path))))
                    n_scenes += 1
                for cls, s in score_scenes(pairs, aoi.classes).items():
                    rows.append((aoi.id, sensor, cls, len(pairs), s))
    elapsed = time.perf_counter() - t0
    lines = [
        f"Detector `{detector.version}` on the default scenario ({n_scenes} scenes, {elapsed:.0f} s incl. rendering)",
        "",
        "| site | sensor | class | scenes | TP | FP | FN | precision | recall | F1 | count MAE/scene |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for aoi, sensor, cls, n, s in rows:
        lines.append(
            f"| {aoi} | {sensor} | {cls} | {n} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.2f} | {s.recall:.2f} |"
            f" {s.f1:.2f} | {s.count_mae:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_name(f"{args.out.stem}-{detector.version}.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
