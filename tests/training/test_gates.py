"""Stand layouts of the terminal scenes, the stand pads' tone, and marina craft and crowding."""

from __future__ import annotations

import math

import numpy as np

from monitor.training.synth import gates
from monitor.training.synth.fleet import populate
from monitor.training.synth.harbour import Layout, _pontoons
from monitor.training.synth.stage import SPECTRA, Stage


def _paved(seed: int, size: int = 64) -> Stage:
    s = Stage(np.random.default_rng(seed), size)
    s.cv.img[:] = np.asarray(SPECTRA["concrete"], np.float32)[:, None, None]
    s.apron = (size * 5.0, size * 5.0, size * 10.0)
    return s


def test_every_layout_places_aircraft_that_keep_clear_of_each_other():
    layouts = {
        "pier": gates.pier,
        "arc": gates.arc,
        "stands": lambda s: gates.stands(s, False),
        "freighters": lambda s: gates.stands(s, True),
        "scattered": gates.scattered,
    }
    for name, layout in layouts.items():
        placed = 0
        for seed in range(6):
            s = _paved(seed)
            layout(s)
            placed += len(s.planes)
            for i, p in enumerate(s.planes):
                for q in s.planes[:i]:
                    reach = (max(p.length, p.span) + max(q.length, q.span)) / 2
                    assert math.hypot(p.y - q.y, p.x - q.x) > 0.8 * reach
        assert placed > 0, name
    freighters = _paved(1)
    gates.stands(freighters, True)
    assert all(44.0 <= p.length <= 58.0 for p in freighters.planes)


def test_taxiing_aircraft_point_along_their_taxiway():
    s = _paved(3, 96)
    s.taxiways.append((480.0, 480.0, 30.0))
    for _ in range(4):
        gates.taxiing(s)
    assert s.planes
    for p in s.planes:
        off = (p.heading - 30.0) % 180.0
        assert min(off, 180.0 - off) < 10.0


def test_a_stand_pad_takes_the_pavement_tone_not_a_painted_line():
    # Before, the pad copied its centre pixel, which on a stand is the yellow lead-in line.
    s = _paved(0)
    yellow = np.asarray(SPECTRA["yellow"], np.float32)
    s.cv.rect(320.0, 320.0, 0.0, 80.0, 1.5, yellow)
    s.pad(320.0, 320.0, 90.0, 50.0, 50.0)
    corner = s.cv.img[:, int(300 / s.cv.m), int(300 / s.cv.m)]
    ratio = corner / np.asarray(SPECTRA["concrete"], np.float32)
    assert np.allclose(ratio, ratio[0], rtol=1e-4)  # a scaled pavement tone, none of the line's colour


def test_marina_craft_stay_under_25_m():
    lengths = []
    for seed in range(8):
        rng = np.random.default_rng(seed)
        lay = Layout(96, (0.1, 0.1))
        _pontoons(rng, lay, 0.0, 30.0)
        lay.finish()
        lengths += [it.length_m for it in populate(rng, lay, False, 0)]
    assert lengths and max(lengths) <= 25.0


def test_marinas_are_crowded():
    # Real marinas are full (rows of white hulls read as solid combs at 10 m); sparse synthetic ones taught the
    # network nothing about them. Crowded here means at least 5 craft per 100 m of pontoon side (2.7 before).
    craft, side_px = 0, 0.0
    for seed in range(8):
        rng = np.random.default_rng(seed)
        lay = Layout(96, (0.1, 0.1))
        _pontoons(rng, lay, 0.0, 30.0)
        lay.finish()
        craft += len(populate(rng, lay, False, 0))
        side_px += sum(e.length for e in lay.berths if e.kind == "pontoon")
    assert craft / (side_px * 10.0) * 100.0 >= 5.0
