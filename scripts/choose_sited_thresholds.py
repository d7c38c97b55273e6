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
from monitor.detect.cnn.weights import Bundle, SensorModel, load_bundle, save_bundle
from monitor.evaluate.runs import evaluate_synthetic
from monitor.training.card import save_with_card

TUNED = ("landing_ship", "aircraft")


def _with(bundle: Bundle, sensor: str, values: dict[str, float]) -> dict[str, SensorModel]:
    """The bundle's models with the given classes' thresholds of ``sensor`` replaced."""
    model = bundle.models[sensor]
    th = [values.get(c, t) for c, t in zip(CLASSES, model.thresholds, strict=True)]
    return {**bundle.models, sensor: dataclasses.replace(model, thresholds=th)}


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
    bundle = load_bundle(args.bundle)
    sweep: dict[str, dict[str, float]] = {c: {} for c in TUNED}
    with tempfile.TemporaryDirectory() as tmp:
        for v in (float(x) for x in args.values.split(",")):
            path = Path(tmp) / f"t{v}.pt"
            save_bundle(path, _with(bundle, sensor, dict.fromkeys(TUNED, v)), bundle.card)
            scores = evaluate_synthetic(settings, CnnDetector(path), args.every, seed=seed)
            for (_, scored_sensor, cls), s in scores.items():
                if cls in TUNED and scored_sensor == sensor:
                    sweep[cls][f"{v:.2f}"] = round(s.f1, 3)
                    print(f"{cls:14s} {v:.2f}  TP {s.tp:4d}  FP {s.fp:4d}  FN {s.fn:4d}  F1 {s.f1:.3f}", flush=True)
    best = {c: float(max(sweep[c].items(), key=lambda kv: (kv[1], float(kv[0])))[0]) for c in TUNED}
    models = _with(bundle, sensor, best)
    card = bundle.card
    sensors = card.setdefault("sensors", {}).setdefault(sensor, {})
    sensors["thresholds"] = dict(zip(CLASSES, models[sensor].thresholds, strict=True))
    sensors["thresholds_chosen"] = (
        f"landing_ship and aircraft by F1 on the default scenario (seed {seed}, every {args.every} look, sited): "
        f"{json.dumps(sweep)}; the others on held-out synthetic chips; benchmarks use seed 424242"
    )
    version = save_with_card(args.bundle, models, card)
    print(f"{args.bundle}: {version} thresholds {sensors['thresholds']}")


if __name__ == "__main__":
    main()
