"""Quicklook pixels (fixed stretches, alpha only where there is no data) and burnt-in detection codes."""

from __future__ import annotations

import numpy as np
from shapely.geometry import box

from monitor.export.overlays import (
    FootprintCode,
    detection_pixels,
    quicklook_pixels,
    s1_false_colour,
    s2_true_colour,
)


def test_s2_true_colour_stretch_is_fixed_and_ordered_red_green_blue():
    ones = np.ones((2, 2), np.float32)
    rgb = s2_true_colour({"B04": ones * 0.30, "B03": ones * 0.0, "B02": ones * 0.6})
    assert rgb.shape == (3, 2, 2) and rgb.dtype == np.uint8
    assert (rgb[0] == 255).all() and (rgb[1] == 0).all() and (rgb[2] == 255).all()
    mid = s2_true_colour({b: ones * 0.05 for b in ("B02", "B03", "B04")})
    assert 60 < mid[0, 0, 0] < 110  # the gamma lifts dark water above a linear 42


def test_s1_false_colour_uses_vv_vh_and_their_ratio_and_falls_back_to_grey():
    vv = np.full((2, 2), 10 ** (-1.4), np.float32)  # -14 dB
    vh = np.full((2, 2), 10 ** (-2.0), np.float32)  # -20 dB
    rgb = s1_false_colour({"VV": vv, "VH": vh})
    assert abs(int(rgb[0, 0, 0]) - (-14 + 25) / 22 * 255) <= 1
    assert abs(int(rgb[1, 0, 0]) - (-20 + 30) / 20 * 255) <= 1
    assert abs(int(rgb[2, 0, 0]) - 6 / 15 * 255) <= 1
    grey = s1_false_colour({"VV": vv})
    assert (grey[0] == grey[1]).all() and (grey[1] == grey[2]).all()
    zero = s1_false_colour({"VV": np.zeros((2, 2), np.float32), "VH": np.zeros((2, 2), np.float32)})
    assert (zero[:2] == 0).all()  # no log of zero blows up


def test_quicklook_alpha_hides_only_missing_data_not_clouds(site):
    s2 = sorted((site.data_dir / "scenes" / "dunai" / "sentinel-2-l2a").glob("*.tif"))
    scene, rgba = quicklook_pixels(s2[1])  # the 17 October scene has a cloud
    assert rgba.shape == (4, *site.grid.shape)
    assert (rgba[3][:, :12] == 0).all()  # dataMask 0 strip
    assert (rgba[3][:, 12:] == 255).all()  # clouds stay visible
    assert rgba[:3, 230, 230].min() == 255  # and white
    assert scene.sensor == "sentinel-2-l2a"


def test_detection_pixels_paint_every_touched_pixel_and_the_best_score_wins(utm_grid):
    x0, y1 = utm_grid.transform.c, utm_grid.transform.f
    hull = box(x0 + 100, y1 - 205, x0 + 212, y1 - 195).wkt  # 112 x 10 m, straddling pixel rows
    rival = box(x0 + 150, y1 - 230, x0 + 160, y1 - 170).wkt
    codes = detection_pixels(
        utm_grid, [FootprintCode(rival, "vessel", 0.55), FootprintCode(hull, "landing_ship", 0.93)]
    )
    assert codes.shape == (1, 64, 64)
    assert set(np.unique(codes)) == {0, 19, 25}
    assert (codes[0, 19:21, 10:22] != 0).all()  # both pixel rows the thin hull touches
    assert codes[0, 20, 15] == 19  # the higher score is painted last
    assert codes[0, 17, 15] == 25 and codes[0, 22, 15] == 25
    assert not detection_pixels(utm_grid, []).any()
    assert not detection_pixels(utm_grid, [FootprintCode(hull, "tank", 0.9)]).any()
