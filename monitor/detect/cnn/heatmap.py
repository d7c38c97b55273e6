"""Decoding network outputs back into objects.

Decoding takes local maxima of the class-max heatmap, over a 5 x 5 cell window (±40 m) where a ship class wins,
so one hull gives one peak, and over 3 x 3 cells (±20 m) where an aircraft class wins (:data:`NMS_CELLS`). It then
reads the regressions at each peak (log length and width in metres, (sin 2θ, cos 2θ) of the heading, and the
sub-cell offset). The training targets these heads learn are built in :mod:`monitor.training.targets`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from monitor.config.models import CLASSES
from monitor.detect.cnn.net import STRIDE, NetOutput

__all__ = ("NMS_CELLS", "Peak", "decode")

#: Side of the local-maximum window in output cells (20 m), by the class that wins the cell. Airliners at gates
#: and remote stands stand 40-60 m apart centre to centre, inside the ships' ±40 m window, where only the
#: stronger of two neighbours was decoded: on the 22 tuning airports of the real development set 3 cells for
#: aircraft raised F1 from 0.685 to 0.703 at the same floor (0.709 with the floor re-chosen), while on ships
#: 3 cells split long hulls into two peaks (fold held-out ports 0.505 with 5 cells, 0.449 with 3).
NMS_CELLS = {"landing_ship": 5, "vessel": 5, "transport_aircraft": 3, "aircraft": 3}


@dataclass(frozen=True)
class Peak:
    """A decoded object: centre in input pixels, class index, score, size in metres and heading."""

    row: float
    col: float
    class_index: int
    score: float
    length_m: float
    width_m: float
    heading_deg: float


def decode(out: NetOutput, thresholds: Sequence[float]) -> list[list[Peak]]:
    """Turn network outputs into objects: local maxima over classes above each class's threshold.

    Args:
        out: Network outputs for a batch.
        thresholds: Minimum score per class.

    Returns:
        One list of peaks per batch item.
    """
    prob = torch.sigmoid(out.heatmap)
    best, cls = prob.max(dim=1)
    window = torch.tensor([NMS_CELLS[c] for c in CLASSES])[cls]
    local = torch.zeros_like(best, dtype=torch.bool)
    for side in sorted(set(NMS_CELLS.values())):
        pooled = torch.nn.functional.max_pool2d(best.unsqueeze(1), side, stride=1, padding=side // 2).squeeze(1)
        local |= (window == side) & (best == pooled)
    thr = torch.tensor(list(thresholds), dtype=best.dtype)[cls]
    keep = local & (best >= thr)
    result: list[list[Peak]] = []
    for n in range(best.shape[0]):
        rows, cols = torch.nonzero(keep[n], as_tuple=True)
        # One gather per head for all peaks: a scene with thousands of peaks decodes in milliseconds.
        dy, dx = out.offset[n][:, rows, cols].tolist()
        sin2, cos2 = out.heading[n][:, rows, cols]
        lengths, widths = torch.exp(out.size[n][:, rows, cols]).tolist()
        headings = torch.rad2deg(torch.atan2(sin2, cos2) / 2.0).remainder(180.0).tolist()
        classes, scores = cls[n, rows, cols].tolist(), best[n, rows, cols].tolist()
        result.append(
            [
                Peak((r + 0.5 + oy) * STRIDE, (c + 0.5 + ox) * STRIDE, k, sc, ln, wd, hd)
                for r, c, oy, ox, k, sc, ln, wd, hd in zip(
                    rows.tolist(), cols.tolist(), dy, dx, classes, scores, lengths, widths, headings, strict=True
                )
            ]
        )
    return result
