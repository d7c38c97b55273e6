"""Decoding network outputs back into objects.

Decoding takes local maxima of the class-max heatmap over a 5 x 5 cell window (±40 m), so one hull gives one peak,
then reads the regressions at each peak (log length and width in metres, (sin 2θ, cos 2θ) of the heading, and the
sub-cell offset). The training targets these heads learn are built in :mod:`monitor.training.targets`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from monitor.detect.cnn.net import STRIDE, NetOutput

__all__ = ("Peak", "decode")

NMS_CELLS = 5


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
    pooled = torch.nn.functional.max_pool2d(best.unsqueeze(1), NMS_CELLS, stride=1, padding=NMS_CELLS // 2)
    thr = torch.tensor(list(thresholds), dtype=best.dtype)[cls]
    keep = (best == pooled.squeeze(1)) & (best >= thr)
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
