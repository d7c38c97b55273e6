"""The detection-raster code: class in the tens digit, score decile in the units digit."""

from __future__ import annotations

import pytest

from monitor.export.palette import CLASS_COLOURS, NODATA, code_label, detection_colormap, hex_colour, pixel_code


@pytest.mark.parametrize(
    ("cls", "score", "code"),
    [("landing_ship", 0.93, 19), ("vessel", 0.5, 25), ("transport_aircraft", 0.7, 37), ("aircraft", 0.0, 40),
     ("landing_ship", 1.0, 19), ("vessel", -0.1, 20)],
)  # fmt: skip
def test_pixel_code_is_class_then_decile(cls, score, code):
    assert pixel_code(cls, score) == code
    assert code_label(code).startswith(cls + ", score ")


def test_unknown_class_is_refused():
    with pytest.raises(ValueError, match="unknown class 'tank'"):
        pixel_code("tank", 0.9)


def test_colormap_covers_each_class_and_decile_and_keeps_nodata_transparent():
    table = detection_colormap(["landing_ship", "vessel"])
    assert table[NODATA][3] == 0
    assert sorted(k for k in table if k) == list(range(10, 20)) + list(range(20, 30))
    assert table[19][:3] == CLASS_COLOURS["landing_ship"]  # the top decile is the pure class colour
    assert sum(table[10][:3]) > sum(table[19][:3])  # low scores fade towards white
    assert code_label(37) == "transport_aircraft, score 0.7-0.8"
    assert hex_colour((228, 26, 28)) == "#e41a1c"
