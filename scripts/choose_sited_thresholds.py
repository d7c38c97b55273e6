"""Choose a bundle's sited thresholds for ``landing_ship`` and ``aircraft`` of one sensor on the default scenario.

The thresholds a training run picks on synthetic chips are made for the chips' mix; at the sites the scenario's
parked aircraft and rafted landing ships decide. This renders the default scenario with the configured seed (0,
not the benchmarks' held-out 424242), detects every ``--every``-th Sentinel-2 look at each candidate value, and
writes the value with the best F1 (ties: the higher threshold) into the bundle's card, with the sweep. The other
classes keep the thresholds chosen on synthetic chips; with an AOI the size rules name a peak's class and that
class's threshold applies, so these two decide how many landing ships and aircraft a site counts.

Usage: python scripts/choose_sited_thresholds.py BUNDLE [--sensor sentinel-2-l2a|sentinel-1-grd] [--every 1]
    [--values 0.15,0.2,0.25,0.3,0.35,0.4,0.45,0.5]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from pathlib import Path

from monitor.config.loader import load_settings
from monitor.config.models import CLASSES
from monitor.detect.cnn.detector import CnnDetector
from monitor.detect.cnn.weights import load_bundle, save_bundle
from monitor.evaluate.runs import evaluate_synthetic

TUNED = ("landing_ship", "aircraft")


def _with(bundle_path: Path, sensor: str, value: float, out: Path) -> None:
    """Copy the bundle with both tuned classes' thresholds of ``sensor`` set to ``value``."""
    bundle = load_bundle(bundle_path)
    model = bundle.models[sensor]
    th = list(value if c in TUNED else t for c, t in zip(CLASSES, model.thresholds, strict=True))
    models = {**bundle.models, sensor: dataclasses.replace(model, thresholds=th)}
    save_bundle(out, models, bundle.card)


def main() -> None:
    """Sweep, print the table, store the choice."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--sensor", choices=["sentinel-2-l2a", "sentinel-1-grd"], default="sentinel-2-l2a")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--values", default="0.15,0.2,0.25,0.3,0.35,0.4,0.45,0.5")
    args = parser.parse_args()
    sensor = args.sensor
    settings = load_settings(None)
    seed = settings.source.seed
    aois = {k: a.model_copy(update={"sensors": [sensor]}) for k, a in settings.aois.items()}
    settings = dataclasses.replace(settings, aois=aois)
    sweep: dict[str, dict[str, float]] = {c: {} for c in TUNED}
    with tempfile.TemporaryDirectory() as tmp:
        for v in (float(x) for x in args.values.split(",")):
            path = Path(tmp) / f"t{v}.pt"
            _with(args.bundle, sensor, v, path)
            scores = evaluate_synthetic(settings, CnnDetector(path), args.every, seed=seed)
            for (_, scored_sensor, cls), s in scores.items():
                if cls in TUNED and scored_sensor == sensor:
                    sweep[cls][f"{v:.2f}"] = round(s.f1, 3)
                    print(f"{cls:14s} {v:.2f}  TP {s.tp:4d}  FP {s.fp:4d}  FN {s.fn:4d}  F1 {s.f1:.3f}", flush=True)
    bundle = load_bundle(args.bundle)
    model = bundle.models[sensor]
    best = {c: max(sweep[c].items(), key=lambda kv: (kv[1], float(kv[0])))[0] for c in TUNED}
    th = list(float(best[c]) if c in TUNED else t for c, t in zip(CLASSES, model.thresholds, strict=True))
    card = bundle.card
    sensors = card.setdefault("sensors", {}).setdefault(sensor, {})
    sensors["thresholds"] = dict(zip(CLASSES, th, strict=True))
    sensors["thresholds_chosen"] = (
        f"landing_ship and aircraft by F1 on the default scenario (seed {seed}, every {args.every} look, sited): "
        f"{json.dumps(sweep)}; the others on held-out synthetic chips; benchmarks use seed 424242"
    )
    version = save_bundle(args.bundle, {**bundle.models, sensor: dataclasses.replace(model, thresholds=th)}, card)
    card["version"] = version
    args.bundle.with_name(args.bundle.name + ".card.json").write_text(json.dumps(card, indent=1, default=str) + "\n")
    print(f"{args.bundle}: {version} thresholds {sensors['thresholds']}")


if __name__ == "__main__":
    main()
