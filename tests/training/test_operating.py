"""The no-AOI operating point is chosen by vessel F1 on labelled ports."""

from __future__ import annotations

import json

import numpy as np

from monitor.detect.base import Detection
from monitor.imagery.scene import write_scene
from monitor.training.operating import choose_unsited


def _det(x, y, score, length):
    return Detection("vessel", score, x, y, 0.0, 0.0, length, 10.0, 0.0, 0.0, 0.0)


def test_small_unlabelled_boats_push_the_length_floor_up(tmp_path, utm_grid):
    bands = {b: np.full(utm_grid.shape, 500, dtype="uint16") for b in ("B02", "B03", "B04")}
    write_scene(tmp_path / "port.tif", utm_grid, bands, {}, "uint16")
    x0, y0 = utm_grid.transform.c, utm_grid.transform.f
    boxes = [(x0 + 100, y0 - 200), (x0 + 300, y0 - 300)]
    feats = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, y], [x + 60, y], [x + 60, y - 20], [x, y - 20], [x, y]]],
            },
        }
        for x, y in boxes
    ]
    (tmp_path / "port.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    ships = [_det(x + 30, y - 10, 0.9, 120.0) for x, y in boxes]
    boats = [_det(x0 + 500 + 30 * i, y0 - 500, 0.6, 15.0) for i in range(4)]
    best = choose_unsited(lambda scene: ships + boats, tmp_path, ["port", "absent"])
    assert best["f1"] == 1.0
    assert 15.0 < best["min_length_m"] <= 120.0
