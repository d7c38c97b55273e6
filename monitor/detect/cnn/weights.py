"""The weights bundle: one network per sensor, its score thresholds, and the model card, in one file.

The default bundle ships inside the package (``monitor/detect/cnn/weights/default.pt``) and loads with no
network. The model version that the store records is ``cnn-`` plus a short hash of the bundle's bytes, so new
weights never mix their counts with old ones.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from monitor.config.models import SensorName
from monitor.detect.cnn.net import CenterNet, NetConfig
from monitor.errors import UnavailableError

__all__ = ("DEFAULT_WEIGHTS", "Bundle", "SensorModel", "load_bundle", "save_bundle")

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights" / "default.pt"
FORMAT = 1


@dataclass
class SensorModel:
    """A trained network for one sensor with its per-class score thresholds."""

    net: CenterNet
    thresholds: list[float]


@dataclass
class Bundle:
    """All sensors' models plus the model card."""

    models: dict[str, SensorModel]
    card: dict[str, Any]
    version: str


def _to_payload(models: dict[str, SensorModel], card: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        # Through JSON so the card holds only plain types: weights-only loading refuses anything else.
        "card": json.loads(json.dumps(card, default=float)),
        "models": {
            s: {
                "config": asdict(m.net.cfg),
                # Half precision halves the file; inference runs in float32 after loading, and the rounding
                # (about 3 significant digits) moves scores by far less than any threshold step.
                "state": {k: v.half() if v.is_floating_point() else v for k, v in m.net.state_dict().items()},
                "thresholds": [float(t) for t in m.thresholds],
            }
            for s, m in models.items()
        },
    }


def save_bundle(path: Path, models: dict[str, SensorModel], card: dict[str, Any]) -> str:
    """Write a bundle atomically.

    Args:
        path: Destination file.
        models: Sensor name to model.
        card: The model card (JSON-serialisable).

    Returns:
        The bundle's model version.
    """
    buf = io.BytesIO()
    torch.save(_to_payload(models, card), buf)
    data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return version_of(data)


def version_of(data: bytes) -> str:
    """The model version string of a bundle's bytes.

    Args:
        data: File content.

    Returns:
        ``cnn-<8 hex digits>``.
    """
    return "cnn-" + hashlib.sha256(data).hexdigest()[:8]


def load_bundle(path: Path | None = None) -> Bundle:
    """Load a bundle (the shipped default when ``path`` is None).

    Args:
        path: Bundle file.

    Returns:
        The bundle with networks in eval mode.

    Raises:
        UnavailableError: The file is missing or is not a monitor weights bundle.
    """
    path = path or DEFAULT_WEIGHTS
    try:
        data = path.read_bytes()
    except OSError:
        raise UnavailableError(
            f"{path}: model weights not found; train them with `monitor train` or set detector.weights"
        ) from None
    try:
        payload = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
        if payload.get("format") != FORMAT:
            raise ValueError(f"format {payload.get('format')!r}")
        models: dict[str, SensorModel] = {}
        for sensor, m in payload["models"].items():
            cfg = m["config"]
            net = CenterNet(NetConfig(**{**cfg, "widths": tuple(cfg["widths"])}))
            net.load_state_dict(
                {k: v.float() if v.is_floating_point() else v for k, v in _current_keys(m["state"]).items()}
            )
            net.eval().to(memory_format=torch.channels_last)
            models[sensor] = SensorModel(net, [float(t) for t in m["thresholds"]])
    except Exception as exc:
        raise UnavailableError(f"{path}: not a usable monitor weights bundle ({exc})") from None
    return Bundle(models, dict(payload["card"]), version_of(data))


def _current_keys(state: dict[str, Any]) -> dict[str, Any]:
    # Bundles written before the encoder moved under ``body`` name its layers at the top level.
    heads = ("heatmap.", "size.", "heading.", "offset.")
    return {k if k.startswith(("body.", *heads)) else f"body.{k}": v for k, v in state.items()}


def sensor_model(bundle: Bundle, sensor: SensorName) -> SensorModel:
    """The bundle's model for a sensor.

    Args:
        bundle: Loaded bundle.
        sensor: Sensor name.

    Returns:
        The model.

    Raises:
        UnavailableError: The bundle has no model for this sensor.
    """
    if sensor not in bundle.models:
        raise UnavailableError(f"model weights have no {sensor} model (has: {', '.join(bundle.models)})")
    return bundle.models[sensor]
