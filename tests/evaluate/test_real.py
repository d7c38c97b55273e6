"""Real-image scoring: the blind scorer's rule, dontcare boxes included, checked against the scorer itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config.models import AIRCRAFT_CLASSES
from monitor.detect.base import Detection
from monitor.evaluate.real import RealScore, labelled_boxes, real_images, score_image, totals
from tests.conftest import write_labelled_port

SCORER = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "score_points.py"


def _box(x0: float, y0: float, x1: float, y1: float, dontcare: bool) -> dict:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {
        "type": "Feature",
        "properties": {"dontcare": dontcare},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _det(cls: str, score: float, x: float, y: float) -> Detection:
    return Detection(cls, score, x, y, 0.0, 0.0, 40.0, 30.0, 0.0, 0.0, 0.0)


def _case(tmp_path: Path) -> tuple[Path, list[Detection]]:
    boxes = [_box(0, 0, 40, 40, False), _box(100, 0, 140, 40, False), _box(200, 0, 220, 20, True)]
    gj = tmp_path / "ap.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": boxes}))
    dets = [
        _det("transport_aircraft", 0.9, 20, 20),  # hit
        _det("aircraft", 0.8, 45, 45),  # inside the 10-unit growth of box 1, but box 1 is taken: false
        _det("aircraft", 0.7, 210, 10),  # absorbed by the dontcare box: neither way
        _det("vessel", 0.95, 120, 20),  # not a scored class here
        _det("aircraft", 0.6, 500, 500),  # false
    ]
    return gj, dets


def test_dontcare_boxes_absorb_without_counting(tmp_path):
    gj, dets = _case(tmp_path)
    s = score_image(dets, gj, AIRCRAFT_CLASSES)
    assert (s.boxes, s.predictions, s.tp, s.fp, s.fn) == (2, 3, 1, 2, 1)
    assert s.f1 == pytest.approx(2 * 1 / (2 * 1 + 2 + 1))
    pooled = totals([s, RealScore("b", 3, 0, 0)])
    assert (pooled.boxes, pooled.tp, pooled.recall) == (5, 1, 0.2)


def test_same_totals_as_the_blind_scorer(tmp_path):
    if not SCORER.exists():
        pytest.skip("../shared/tools/score_points.py is not beside this checkout")
    _, dets = _case(tmp_path)
    pred = {"detections": [{"class": d.object_class, "score": d.score, "x": d.x, "y": d.y} for d in dets]}
    (tmp_path / "ap.pred.json").write_text(json.dumps(pred))
    out = subprocess.run(
        [sys.executable, str(SCORER), str(tmp_path), "--classes", "transport_aircraft,aircraft"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "tp=1 fp=2 fn=1" in out
    assert real_images(tmp_path) == []  # no .tif beside it: not a labelled image


def test_labelled_boxes_add_the_scorers_margin(tmp_path):
    _, labels = write_labelled_port(tmp_path)
    (x0, y0, x1, y1, scored), (ox0, oy0, ox1, oy1, _) = labelled_boxes(labels)[0], labelled_boxes(labels, 0.0)[0]
    assert (ox0 - x0, oy0 - y0, x1 - ox1, y1 - oy1) == (10.0, 10.0, 10.0, 10.0)
    assert scored
