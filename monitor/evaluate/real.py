"""Scoring detections on real labelled imagery: ports (vessels) and airports (aircraft), one image at a time.

The rule is the blind tests' (``../shared/tools/score_points.py``): a predicted centre of one of the scored classes
is a hit when it lies inside a labelled box grown by ``grow`` CRS units on each side; each box takes at most one
prediction, the best-scoring first. A box marked ``dontcare`` (aircraft under 35 m, objects cut by the edge) may
absorb a prediction, which then counts neither way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor.config.models import AIRCRAFT_CLASSES, SHIP_CLASSES
from monitor.detect.base import Detection, Detector
from monitor.imagery.scene import read_scene

__all__ = (
    "AIRCRAFT_DIR",
    "GROW_M",
    "PARTIAL_DIR",
    "SHARED_DATA",
    "RealScore",
    "evaluate_images",
    "labelled_boxes",
    "match_boxes",
    "real_images",
    "score_image",
    "totals",
)

#: The real labelled data beside a checkout (../shared/data), used when present.
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
#: Real airports at 10 m (evaluation only; see its README), used when present beside the checkout.
AIRCRAFT_DIR = SHARED_DATA / "aircraft-dev"
#: Two more real ports, each missing a band.
PARTIAL_DIR = SHARED_DATA / "sen2ships-partial"
#: CRS units added on each side of a labelled box, as the blind scorer does by default.
GROW_M = 10.0


@dataclass(frozen=True)
class RealScore:
    """Scores on one real image."""

    image: str
    boxes: int
    predictions: int
    tp: int

    @property
    def fp(self) -> int:
        """Predictions that hit no box."""
        return self.predictions - self.tp

    @property
    def fn(self) -> int:
        """Scored boxes no prediction hit."""
        return self.boxes - self.tp

    @property
    def precision(self) -> float:
        """Share of predictions that hit a box (1 when nothing was predicted)."""
        return self.tp / self.predictions if self.predictions else 1.0

    @property
    def recall(self) -> float:
        """Share of scored boxes hit (1 when nothing was there)."""
        return self.tp / self.boxes if self.boxes else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return 2 * self.tp / max(2 * self.tp + self.fp + self.fn, 1)


def labelled_boxes(geojson: Path, grow: float = GROW_M) -> list[tuple[float, float, float, float, bool]]:
    """The labelled boxes of an image, each grown by ``grow`` on every side.

    Args:
        geojson: Labelled axis-aligned boxes in the image CRS (``properties.dontcare`` optional).
        grow: CRS units added on each side of a box.

    Returns:
        (xmin, ymin, xmax, ymax, scored) per box; ``scored`` is False for a dontcare box.
    """
    boxes = []
    for f in json.loads(geojson.read_text())["features"]:
        ring = f["geometry"]["coordinates"][0]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        care = not (f.get("properties") or {}).get("dontcare", False)
        boxes.append((min(xs) - grow, min(ys) - grow, max(xs) + grow, max(ys) + grow, care))
    return boxes


def score_image(
    detections: Sequence[Detection], geojson: Path, classes: Iterable[str], grow: float = GROW_M
) -> RealScore:
    """Score one image's detections against its labelled boxes.

    Args:
        detections: Detections in the image CRS.
        geojson: Labelled axis-aligned boxes in the image CRS (``properties.dontcare`` optional).
        classes: Detection classes that count (e.g. ``SHIP_CLASSES``).
        grow: CRS units added on each side of a box.

    Returns:
        The image's totals; predictions absorbed by dontcare boxes are left out of ``predictions``.
    """
    boxes = labelled_boxes(geojson, grow)
    wanted = set(classes)
    preds = [d for d in detections if d.object_class in wanted]
    taken = match_boxes(preds, boxes)
    tp = sum(1 for i in taken if i is not None and boxes[i][4])
    ignored = sum(1 for i in taken if i is not None and not boxes[i][4])
    return RealScore(geojson.stem, sum(b[4] for b in boxes), len(preds) - ignored, tp)


def match_boxes(
    detections: Sequence[Detection], boxes: Sequence[tuple[float, float, float, float, bool]]
) -> list[int | None]:
    """The box each detection takes under the scorer's rule (best score first, one detection per box).

    Args:
        detections: Detections of the scored classes, in the boxes' CRS.
        boxes: Grown boxes from :func:`labelled_boxes`.

    Returns:
        Per detection, in the given order, the index of the box it took (dontcare boxes included), or None.
    """
    used = [False] * len(boxes)
    taken: list[int | None] = [None] * len(detections)
    for k in sorted(range(len(detections)), key=lambda k: -detections[k].score):
        d = detections[k]
        for i, (x0, y0, x1, y1, _) in enumerate(boxes):
            if not used[i] and x0 <= d.x <= x1 and y0 <= d.y <= y1:
                used[i] = True
                taken[k] = i
                break
    return taken


def real_images(folder: Path, names: Sequence[str] | None = None) -> list[str]:
    """Names of the labelled images in a folder (``<name>.tif`` beside ``<name>.geojson``), sorted.

    Args:
        folder: The data folder.
        names: Keep only these (None: all).

    Returns:
        Image names present in the folder.
    """
    found = sorted(p.stem for p in folder.glob("*.geojson") if p.with_suffix(".tif").exists())
    return [n for n in found if names is None or n in names]


def evaluate_images(
    folder: Path, names: Sequence[str], detector: Detector, family: str, grow: float = GROW_M
) -> list[RealScore]:
    """Run a detector without an AOI (as the blind tests do) on labelled real images and score each.

    Args:
        folder: Folder of ``<name>.tif`` and ``<name>.geojson``.
        names: Image names.
        detector: The detector.
        family: ``ships`` (landing ships and vessels scored together) or ``aircraft`` (both aircraft classes).
        grow: CRS units added on each side of a box.

    Returns:
        One score per image present.
    """
    classes = SHIP_CLASSES if family == "ships" else AIRCRAFT_CLASSES
    out = []
    for name in names:
        tif = folder / f"{name}.tif"
        if tif.exists():
            dets = detector.detect(read_scene(tif), None, None)
            out.append(score_image(dets, folder / f"{name}.geojson", classes, grow))
    return out


def totals(scores: Sequence[RealScore], name: str = "TOTAL") -> RealScore:
    """Pooled totals over images (precision, recall and F1 of the pooled counts, as the blind scorer prints).

    Args:
        scores: Per-image scores.
        name: Label of the total row.

    Returns:
        One score.
    """
    return RealScore(name, sum(s.boxes for s in scores), sum(s.predictions for s in scores), sum(s.tp for s in scores))
