"""Encoding objects as stride-2 training targets, and the losses that train the network on them.

Targets: a Gaussian bump (sigma one output cell, 20 m) at each object's centre in its class channel, and at the
centre cell and its 8 neighbours the regression targets: log length and width in metres, (sin 2θ, cos 2θ) of the
heading, and the sub-cell offset. :func:`monitor.detect.cnn.heatmap.decode` reads them back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from monitor.detect.cnn.net import STRIDE, NetOutput

__all__ = ("Target", "TargetObject", "encode", "focal_loss", "regression_loss")

SIGMA_CELLS = 1.0


@dataclass(frozen=True)
class TargetObject:
    """One labelled object on a chip: centre in input pixels, class index, size in metres, heading."""

    row: float
    col: float
    class_index: int
    length_m: float
    width_m: float
    heading_deg: float


@dataclass
class Target:
    """Dense stride-2 targets for one chip."""

    heatmap: NDArray[np.float32]
    size: NDArray[np.float32]
    heading: NDArray[np.float32]
    offset: NDArray[np.float32]
    mask: NDArray[np.float32]


def encode(objects: Sequence[TargetObject], shape: tuple[int, int], num_classes: int) -> Target:
    """Build the training targets of one chip.

    Args:
        objects: Labelled objects (centres in input pixels).
        shape: Input (rows, cols); must be even.
        num_classes: Heatmap channels.

    Returns:
        The targets at output resolution.
    """
    h, w = shape[0] // STRIDE, shape[1] // STRIDE
    heat = np.zeros((num_classes, h, w), np.float32)
    size = np.zeros((2, h, w), np.float32)
    heading = np.zeros((2, h, w), np.float32)
    offset = np.zeros((2, h, w), np.float32)
    mask = np.zeros((h, w), np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for o in objects:
        cy, cx = o.row / STRIDE - 0.5, o.col / STRIDE - 0.5
        if not (-0.5 <= cy < h - 0.5 and -0.5 <= cx < w - 0.5):
            continue
        bump = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * SIGMA_CELLS**2))
        np.maximum(heat[o.class_index], bump, out=heat[o.class_index])
        r, c = round(cy), round(cx)
        theta = math.radians(2 * o.heading_deg)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                rr, cc = r + dr, c + dc
                if 0 <= rr < h and 0 <= cc < w:
                    size[:, rr, cc] = (math.log(max(o.length_m, 1.0)), math.log(max(o.width_m, 1.0)))
                    heading[:, rr, cc] = (math.sin(theta), math.cos(theta))
                    offset[:, rr, cc] = (cy - rr, cx - cc)
                    mask[rr, cc] = 1.0
        heat[o.class_index, r, c] = 1.0
    return Target(heat, size, heading, offset, mask)


def focal_loss(
    logits: Tensor, target: Tensor, alpha: float = 2.0, beta: float = 4.0, weight: Tensor | None = None
) -> Tensor:
    """CenterNet's penalty-reduced focal loss, normalised by the number of object centres.

    Args:
        logits: (N, C, h, w) heatmap logits.
        target: (N, C, h, w) Gaussian targets (1 at centres).
        alpha: Focusing exponent.
        beta: Penalty reduction near centres.
        weight: (N, 1, h, w) per-cell weight (0 where labels are unknown), or None.

    Returns:
        Scalar loss.
    """
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = target.eq(1.0).float()
    pos_loss = -torch.log(p) * (1 - p) ** alpha * pos
    neg_loss = -torch.log(1 - p) * p**alpha * (1 - target) ** beta * (1 - pos)
    if weight is not None:
        neg_loss = neg_loss * weight
    n = pos.sum().clamp(min=1.0)
    return (pos_loss.sum() + neg_loss.sum()) / n


def regression_loss(out: NetOutput, size: Tensor, heading: Tensor, offset: Tensor, mask: Tensor) -> Tensor:
    """Masked L1 loss of the size, heading and offset heads.

    Args:
        out: Network outputs.
        size: (N, 2, h, w) log-size targets.
        heading: (N, 2, h, w) heading targets.
        offset: (N, 2, h, w) offset targets.
        mask: (N, h, w) cells where the regressions are defined.

    Returns:
        Scalar loss.
    """
    m = mask.unsqueeze(1)
    n = mask.sum().clamp(min=1.0)
    loss = (out.size - size).abs().mul(m).sum() + (out.heading - heading).abs().mul(m).sum()
    loss = loss + 0.5 * (out.offset - offset).abs().mul(m).sum()
    return loss / n
