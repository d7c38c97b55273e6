"""Training a bundle for one or more sensors and writing its model card.

The card travels inside the bundle and beside it as ``<bundle>.card.json``: classes, input bands and their
normalisation, the training data (synthetic chips, which real ports), hyper-parameters, validation metrics,
calibrated thresholds, and the code revision that produced it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from monitor.config.models import CLASSES, SensorName
from monitor.detect.cnn.inputs import CHANNELS, NORMALISATION
from monitor.detect.cnn.net import STRIDE
from monitor.detect.cnn.weights import SensorModel, load_bundle, save_bundle
from monitor.errors import UnavailableError
from monitor.training.loop import TrainConfig, train_sensor

__all__ = ("calibrate_unsited", "code_revision", "save_with_card", "train_bundle")

_ROOT = Path(__file__).resolve().parents[3]


def code_revision() -> str:
    """The git commit of the code (with ``-dirty`` when the tree has changes), or ``unknown``.

    Returns:
        The revision string.
    """
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=_ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "monitor"], cwd=_ROOT, capture_output=True, text=True)
        return rev.stdout.strip()[:12] + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _existing(out: Path) -> tuple[dict[str, SensorModel], dict[str, Any]]:
    if not out.exists():
        return {}, {}
    try:
        old = load_bundle(out)
    except UnavailableError:
        return {}, {}
    return dict(old.models), dict(old.card)


def train_bundle(
    sensors: list[SensorName],
    base: TrainConfig,
    out: Path,
    checkpoint_dir: Path,
    real_dir: Path | None,
    resume: bool = False,
    progress: bool | None = None,
    device: str = "cpu",
    workers: int = 0,
) -> tuple[str, dict[str, Any]]:
    """Train each sensor's network and write (or update) a bundle with its model card.

    Args:
        sensors: Sensors to train.
        base: Hyper-parameters (``sensor`` is replaced per sensor).
        out: Bundle file; models of other sensors already in it are kept.
        checkpoint_dir: Folder for resumable checkpoints.
        real_dir: Real training ports folder (sen2ships) or None.
        resume: Continue from checkpoints.
        progress: Progress bars.
        device: Torch device to train on.
        workers: Chip-making worker processes.

    Returns:
        (model version, model card).
    """
    trained: dict[str, SensorModel] = {}
    sensor_cards: dict[str, Any] = {}
    card: dict[str, Any] = {
        "name": "monitor-cnn",
        "architecture": f"CenterNet-style encoder-decoder, output stride {STRIDE}, heads: "
        "class heatmaps, log length/width, heading (sin 2t, cos 2t), sub-cell offset",
        "classes": list(CLASSES),
        "input_resolution_m": 10.0,
        "attribution": "Real training chips contain modified Copernicus Sentinel data 2023 (sen2ships, MIT).",
    }
    for sensor in sensors:
        cfg = replace(base, sensor=sensor)
        res = train_sensor(
            cfg, checkpoint_dir / f"checkpoint-{sensor}.pt", real_dir, resume, progress, device=device, workers=workers
        )
        trained[sensor] = res.model
        from monitor.training.real_chips import ALL_PORTS

        sensor_cards[sensor] = {
            "channels": list(CHANNELS[sensor]),
            "normalisation": NORMALISATION[sensor],
            "architecture": asdict(res.model.net.cfg),
            "training": {**asdict(cfg), "device": device},
            "synthetic_chips": cfg.steps * cfg.batch_size - round(cfg.steps * cfg.batch_size * cfg.real_fraction)
            if res.real_ports
            else cfg.steps * cfg.batch_size,
            "real_training_ports": list(res.real_ports),
            "real_held_out_ports": [p for p in ALL_PORTS if p not in res.real_ports] if res.real_ports else [],
            "final_loss": sum(res.losses[-50:]) / max(len(res.losses[-50:]), 1),
            "thresholds": dict(zip(CLASSES, res.model.thresholds, strict=True)),
            "validation_synthetic": res.validation,
            "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "code_revision": code_revision(),
        }
    # Read the bundle only now, so sensors trained meanwhile by another process into the same file are kept.
    models, old_card = _existing(out)
    models.update(trained)
    card = {**old_card, **card, "sensors": {**old_card.get("sensors", {}), **sensor_cards}}
    version = save_with_card(out, models, card)
    if "sentinel-2-l2a" in sensors and real_dir is not None and real_dir.is_dir():
        calibrate_unsited(out, real_dir)
        bundle = load_bundle(out)
        card, version = bundle.card, bundle.version
    return version, card


def save_with_card(out: Path, models: dict[str, SensorModel], card: dict[str, Any]) -> str:
    """Write a bundle and its card beside it as ``<bundle>.card.json``; the card gains the new ``version``.

    Args:
        out: Bundle file.
        models: Sensor name to model.
        card: The model card (updated in place with ``version``).

    Returns:
        The bundle's model version.
    """
    version = save_bundle(out, models, card)
    card["version"] = version
    out.with_name(out.name + ".card.json").write_text(json.dumps(card, indent=1, default=str) + "\n")
    return version


def calibrate_unsited(out: Path, real_dir: Path) -> dict[str, float]:
    """Choose and store the Sentinel-2 no-AOI operating point of a bundle on the ports it was trained on.

    Args:
        out: Bundle file (rewritten with the operating point in its card; the version changes).
        real_dir: The sen2ships folder.

    Returns:
        The chosen operating point with its scores on the training ports.
    """
    from monitor.detect.cnn.detector import CnnDetector
    from monitor.training.operating import SCORES, choose_unsited
    from monitor.training.real_chips import TRAIN_PORTS

    det = CnnDetector(out)
    sensor = "sentinel-2-l2a"
    ports = tuple(det.bundle.card.get("sensors", {}).get(sensor, {}).get("real_training_ports") or TRAIN_PORTS)
    # Decode ships from the lowest floor swept (the no-AOI ship floor is their decoding threshold); the sweep
    # then raises it.
    det.bundle.card.setdefault("sensors", {}).setdefault(sensor, {})["unsited"] = {"min_score": min(SCORES)}
    chosen = choose_unsited(lambda scene: det.detect(scene, None, None), real_dir, ports)
    chosen["tuned_on"] = ",".join(ports)  # type: ignore[assignment]
    # The aircraft sweep sets its own decoding floor on the same detector; the card's entry is rewritten below.
    chosen.update(_aircraft_point(det))
    card = det.bundle.card
    card["sensors"][sensor]["unsited"] = chosen
    save_with_card(out, det.bundle.models, card)
    return chosen


def _aircraft_point(det: Any) -> dict[str, Any]:
    """The no-AOI aircraft floor, chosen on the tuning half of the real development airports when present."""
    from monitor.evaluate.real import AIRCRAFT_DIR, real_images
    from monitor.training.operating import AIRCRAFT_SCORES, airport_halves, choose_unsited_aircraft

    names = real_images(AIRCRAFT_DIR) if AIRCRAFT_DIR.is_dir() else []
    if not names:
        return {}
    tuning, _ = airport_halves(names)
    # Decode aircraft down to the lowest floor swept; the sweep then raises it.
    det.bundle.card["sensors"]["sentinel-2-l2a"]["unsited"] = {"aircraft_min_score": min(AIRCRAFT_SCORES)}
    point: dict[str, Any] = choose_unsited_aircraft(lambda scene: det.detect(scene, None, None), AIRCRAFT_DIR, tuning)
    point["aircraft_tuned_on"] = f"aircraft-dev, {len(tuning)} of {len(names)} airports (even positions)"
    return point
