"""Evaluation runs on held-out synthetic scenario scenes (real images: :mod:`monitor.evaluate.real`).

Every acquisition of the default scenario is rendered with a seed no training run uses, so the weather, traffic
and pixels are new to the model; scored per class with :func:`monitor.evaluate.matching.score_scenes`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

from monitor.config.loader import Settings
from monitor.detect.base import Detector
from monitor.evaluate.matching import ClassScore, load_truth, score_scenes
from monitor.evaluate.real import SHARED_DATA
from monitor.pipeline import Job, default_until, make_source, process_scene

__all__ = ("DEFAULT_REAL_DIR", "HELD_OUT_SEED", "evaluate_synthetic")

HELD_OUT_SEED = 424242
#: The real development ports beside a checkout (../shared/data/sen2ships), used when present.
DEFAULT_REAL_DIR = SHARED_DATA / "sen2ships"


def evaluate_synthetic(
    settings: Settings, detector: Detector, every: int = 1, seed: int = HELD_OUT_SEED
) -> dict[tuple[str, str, str], ClassScore]:
    """Score a detector on the scenario's scenes rendered with a held-out seed.

    Args:
        settings: Settings whose source is the synthetic scenario.
        detector: The detector.
        every: Use every Nth acquisition.
        seed: Source seed of the renderings.

    Returns:
        (aoi, sensor, class) to scores.
    """
    held = settings.source.model_copy(update={"seed": seed})
    source = make_source(replace(settings, source=held))
    out: dict[tuple[str, str, str], ClassScore] = {}
    end = default_until(source, dt.datetime.now(dt.UTC).date())
    with tempfile.TemporaryDirectory() as tmp:
        for aoi in settings.aois.values():
            for sensor in aoi.sensors:
                refs = [
                    r for r in source.discover(aoi, sensor, aoi.start, end) if (r.cloud_cover or 0) <= aoi.max_cloud
                ]
                pairs = []
                for ref in refs[::every]:
                    res = process_scene(Job(aoi, ref), source, detector, Path(tmp))
                    pairs.append((res.detections, load_truth(res.path.with_suffix(".truth.json"))))
                    res.path.unlink()
                for cls, score in score_scenes(pairs, aoi.classes).items():
                    out[(aoi.id, sensor, cls)] = score
    return out
