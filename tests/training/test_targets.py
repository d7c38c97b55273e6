"""Training targets: encoded objects decode back to themselves."""

from __future__ import annotations

import torch

from monitor.config.models import CLASSES
from monitor.detect.cnn.heatmap import decode
from monitor.detect.cnn.net import NetOutput
from monitor.training.targets import TargetObject, encode


def test_targets_decode_back_to_the_objects():
    objs = [TargetObject(20.3, 31.7, 0, 112.0, 15.0, 35.0), TargetObject(50.0, 10.0, 2, 46.6, 50.5, 120.0)]
    t = encode(objs, (64, 64), len(CLASSES))
    logits = torch.logit(torch.from_numpy(t.heatmap).clamp(1e-4, 1 - 1e-4))[None]
    out = NetOutput(logits, *(torch.from_numpy(a)[None] for a in (t.size, t.heading, t.offset)))
    (peaks,) = decode(out, [0.5] * len(CLASSES))
    got = sorted(
        (p.class_index, round(p.row, 1), round(p.col, 1), round(p.length_m), round(p.heading_deg)) for p in peaks
    )
    assert got == [(0, 20.3, 31.7, 112, 35), (2, 50.0, 10.0, 47, 120)]


def _two_peaks(cls: str) -> list[tuple[int, int]]:
    """Decode a heatmap with a strong and a weaker local maximum of one class two cells (40 m) apart."""
    prob = torch.full((1, len(CLASSES), 16, 16), 0.01)
    k = CLASSES.index(cls)
    prob[0, k, 8, 6], prob[0, k, 8, 7], prob[0, k, 8, 8] = 0.9, 0.2, 0.6
    zeros = torch.zeros(1, 2, 16, 16)
    (peaks,) = decode(NetOutput(torch.logit(prob), zeros, zeros, zeros), [0.3] * len(CLASSES))
    return sorted((round(p.row), round(p.col)) for p in peaks)


def test_aircraft_two_cells_apart_are_both_kept():
    # Airliners at gates stand 40-60 m apart: each keeps its peak (3 x 3 cell window).
    for cls in ("transport_aircraft", "aircraft"):
        assert _two_peaks(cls) == [(17, 13), (17, 17)]


def test_a_weaker_ship_peak_two_cells_from_a_stronger_one_is_suppressed():
    # Two peaks 40 m apart on water are most often one long hull: the 5 x 5 cell window keeps the stronger.
    for cls in ("landing_ship", "vessel"):
        assert _two_peaks(cls) == [(17, 13)]
