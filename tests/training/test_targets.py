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
