"""Why the real scores fall short: each miss and false alarm of the no-AOI runs sorted into measured causes.

    python benchmarks/diagnose_real.py [--out FILE]

Runs the two configurations whose real scores the README reports, exactly as ``bench_detector.py`` does (no AOI,
the shipped settings, second look on), and sorts their errors with :mod:`monitor.evaluate.diagnose`:

- aircraft: the shipped bundle on the 43 real development airports (evaluation only; diagnosis is evaluation);
- vessels: the fold bundle (``benchmarks/models/cnn-fold4.pt``) on the four ports it never learnt from.

Results go to stdout and ``benchmarks/results/diagnosis.md`` (the README's *Why the real scores fall short*).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monitor.config.models import AIRCRAFT_CLASSES, CLASSES, SHIP_CLASSES
from monitor.detect.cnn.detector import CnnDetector, unsited_thresholds
from monitor.evaluate.diagnose import FALSE_ALARM_CAUSES, MISS_CAUSES, MISS_TAGS, Diagnosis, diagnose_image, loosened
from monitor.evaluate.real import AIRCRAFT_DIR, RealScore, real_images, score_image, totals
from monitor.evaluate.runs import DEFAULT_REAL_DIR
from monitor.imagery.scene import read_scene
from monitor.training.real_chips import HELD_OUT_PORTS

ROOT = Path(__file__).resolve().parents[1]
FOLD = ROOT / "benchmarks" / "models" / "cnn-fold4.pt"


Row = tuple[str, Diagnosis, RealScore]


def _run(weights: Path | None, folder: Path, names: list[str], family: str) -> tuple[str, list[Row]]:
    """Diagnose one bundle on some images: its version and floor, and (image, diagnosis, score) per image."""
    det, loose = CnnDetector(weights), loosened(weights)
    sensor = "sentinel-2-l2a"
    unsited = det.bundle.card["sensors"][sensor]["unsited"]
    classes = SHIP_CLASSES if family == "ships" else AIRCRAFT_CLASSES
    # The family's floor as the detector decodes it without a site (the chosen floor, else the model's threshold).
    decoding = unsited_thresholds(det.bundle.models[sensor].thresholds, unsited)
    floor = min(t for c, t in zip(CLASSES, decoding, strict=True) if c in classes)
    rows = []
    for name in names:
        scene = read_scene(folder / f"{name}.tif")
        ops, cands = det.detect(scene, None, None), loose.detect(scene, None, None)
        labels = folder / f"{name}.geojson"
        score = score_image(ops, labels, classes)
        rows.append((name, diagnose_image(ops, cands, scene, labels, classes, floor), score))
    return f"{det.version} (floor {floor:g})", rows


def _table(title: str, rows: list[Row], per_image: bool) -> list[str]:
    head = ["image", "boxes", "found", *(f"miss: {c}" for c in MISS_CAUSES), *(f"of which {t}" for t in MISS_TAGS)]
    head += [f"false: {c}" for c in FALSE_ALARM_CAUSES]
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(name: str, dg: Diagnosis, boxes: int, tp: int) -> str:
        cells = [name, str(boxes), str(tp), *(str(dg.misses[c]) for c in MISS_CAUSES)]
        cells += [str(dg.tags[t]) for t in MISS_TAGS] + [str(dg.false_alarms[c]) for c in FALSE_ALARM_CAUSES]
        return "| " + " | ".join(cells) + " |"

    if per_image:
        lines += [row(n, dg, s.boxes, s.tp) for n, dg, s in rows]
    pooled = sum((dg for _, dg, _ in rows), Diagnosis())
    total = totals([s for _, _, s in rows])
    lines.append(row("**all**", pooled, total.boxes, total.tp))
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "diagnosis.md")
    args = ap.parse_args(argv)
    if not AIRCRAFT_DIR.exists() or not DEFAULT_REAL_DIR.exists():
        sys.exit("diagnose_real.py needs ../shared/data (aircraft-dev and sen2ships) beside the checkout")
    air_version, air = _run(None, AIRCRAFT_DIR, real_images(AIRCRAFT_DIR), "aircraft")
    ship_version, ships = _run(FOLD, DEFAULT_REAL_DIR, list(HELD_OUT_PORTS), "ships")
    lines = ["# Real errors by cause", ""]
    lines += _table(f"Aircraft, 43 development airports: {air_version}", air, per_image=False)
    lines += _table(f"Vessels, 4 held-out ports: {ship_version}", ships, per_image=True)
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
