"""Evaluation runs: a detector on held-out synthetic scenario scenes and on real held-out ports.

Synthetic: every acquisition of the default scenario rendered with a seed no training run uses, so the weather,
traffic and pixels are new to the model; scored per class with :func:`monitor.evaluate.matching.score_scenes`.
Real ports: the sen2ships rule (a predicted ship centre inside a labelled box grown by 10 CRS units, one
prediction per box, greedy by score; classes landing_ship and vessel together), the same rule as the scorer
the blind tests use.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from monitor.config.loader import Settings
from monitor.detect.base import Detection, Detector
from monitor.evaluate.matching import ClassScore, load_truth, score_scenes
from monitor.imagery.scene import read_scene
from monitor.pipeline import Job, default_until, make_source, process_scene

__all__ = ("DEFAULT_REAL_DIR", "PortScore", "evaluate_ports", "evaluate_synthetic", "score_port")

HELD_OUT_SEED = 424242
#: The real development ports beside a checkout (../shared/data/sen2ships), used when present.
DEFAULT_REAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "sen2ships"


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


@dataclass
class PortScore:
    """Vessel scores on one real port."""

    port: str
    boxes: int
    predictions: int
    tp: int

    @property
    def fp(self) -> int:
        """Predictions that hit no box."""
        return self.predictions - self.tp

    @property
    def fn(self) -> int:
        """Boxes no prediction hit."""
        return self.boxes - self.tp


def score_port(detections: Sequence[Detection], geojson: Path, grow: float = 10.0) -> PortScore:
    """Score ship detections against a port's labelled boxes.

    Args:
        detections: Detections in the image CRS.
        geojson: Labelled boxes (EPSG:3857 polygons).
        grow: CRS units added on each side of a box.

    Returns:
        The port's totals.
    """
    feats = json.loads(geojson.read_text())["features"]
    boxes = []
    for f in feats:
        ring = f["geometry"]["coordinates"][0]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        boxes.append((min(xs) - grow, min(ys) - grow, max(xs) + grow, max(ys) + grow))
    ships = sorted((d for d in detections if d.object_class in ("landing_ship", "vessel")), key=lambda d: -d.score)
    used = [False] * len(boxes)
    tp = 0
    for d in ships:
        for i, (x0, y0, x1, y1) in enumerate(boxes):
            if not used[i] and x0 <= d.x <= x1 and y0 <= d.y <= y1:
                used[i] = True
                tp += 1
                break
    return PortScore(geojson.stem, len(boxes), len(ships), tp)


def evaluate_ports(real_dir: Path, ports: Sequence[str], detector: Detector) -> list[PortScore]:
    """Run a detector (no AOI, as the blind test does) on real ports and score each.

    Args:
        real_dir: Folder with ``<port>.tif`` and ``<port>.geojson``.
        ports: Port names.
        detector: The detector.

    Returns:
        One score per port present.
    """
    scores = []
    for port in ports:
        tif = real_dir / f"{port}.tif"
        if tif.exists():
            scores.append(score_port(detector.detect(read_scene(tif), None, None), real_dir / f"{port}.geojson"))
    return scores
