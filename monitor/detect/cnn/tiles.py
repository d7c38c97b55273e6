"""Running the network over an image of any size: overlapping tiles, batched, merged without seams.

Each tile owns a core region (the tile minus half the overlap on every side that has a neighbour); a peak is
kept only by the tile whose core contains it, so an object on a seam is counted once and always decoded with
at least ``overlap / 2`` pixels of context around it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
import torch
from numpy.typing import NDArray

from monitor.detect.cnn.heatmap import Peak, decode
from monitor.detect.cnn.net import CenterNet

__all__ = ("merge_hulls", "predict", "tile_origins")


def tile_origins(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles covering ``length`` pixels with at least ``overlap`` pixels shared.

    Args:
        length: Image size along one axis (at least ``tile``).
        tile: Tile size.
        overlap: Minimum overlap between neighbours.

    Returns:
        Sorted start offsets; the last tile ends exactly at ``length``.
    """
    if length <= tile:
        return [0]
    step = tile - overlap
    starts = list(range(0, length - tile, step))
    starts.append(length - tile)
    return starts


def _core(start: int, tile: int, length: int, overlap: int) -> tuple[float, float]:
    lo = start + overlap / 2 if start > 0 else -np.inf
    hi = start + tile - overlap / 2 if start + tile < length else np.inf
    return float(lo), float(hi)


def _batches(items: Sequence[tuple[int, int]], size: int) -> Iterator[Sequence[tuple[int, int]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def predict(
    net: CenterNet,
    x: NDArray[np.float32],
    thresholds: Sequence[float],
    tile: int = 512,
    overlap: int = 64,
    batch: int = 4,
    bfloat16: bool = False,
) -> list[Peak]:
    """Detect peaks over a whole (C, H, W) input.

    Args:
        net: The network (in eval mode).
        x: Normalised input channels.
        thresholds: Minimum score per class.
        tile: Tile size (a multiple of ``net.multiple``).
        overlap: Pixels shared by neighbouring tiles.
        batch: Tiles per forward pass (bounds memory).
        bfloat16: Run the network under CPU bfloat16 autocast (decoding stays in float32).

    Returns:
        Peaks in input pixel coordinates, each object once.
    """
    _, h, w = x.shape
    m = net.multiple
    ph = max(-(-h // m) * m, min(tile, -(-h // m) * m))
    pw = max(-(-w // m) * m, min(tile, -(-w // m) * m))
    if (ph, pw) != (h, w):
        x = np.pad(x, ((0, 0), (0, ph - h), (0, pw - w)), mode="reflect" if min(h, w) > 1 else "edge")
    th, tw = min(tile, ph), min(tile, pw)
    origins = [(r, c) for r in tile_origins(ph, th, overlap) for c in tile_origins(pw, tw, overlap)]
    peaks: list[Peak] = []
    with torch.inference_mode():
        for group in _batches(origins, batch):
            stack = np.stack([x[:, r : r + th, c : c + tw] for r, c in group])
            # Channels-last runs the convolutions about 1.4x faster on CPU (oneDNN's preferred layout).
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
                out = net(torch.from_numpy(stack).contiguous(memory_format=torch.channels_last))
            out = out.float()
            for (r, c), found in zip(group, decode(out, thresholds), strict=True):
                r_lo, r_hi = _core(r, th, ph, overlap)
                c_lo, c_hi = _core(c, tw, pw, overlap)
                for p in found:
                    row, col = p.row + r, p.col + c
                    if r_lo <= row < r_hi and c_lo <= col < c_hi and row < h and col < w:
                        peaks.append(Peak(row, col, p.class_index, p.score, p.length_m, p.width_m, p.heading_deg))
    return peaks


def merge_hulls(peaks: Sequence[Peak], pixel_m: float = 10.0, margin_m: float = 10.0) -> list[Peak]:
    """Drop weaker peaks that lie on a stronger object's footprint (one long hull can raise two peaks).

    A peak is suppressed when its centre falls inside the oriented rectangle of a higher-scoring peak, grown by
    ``margin_m`` across its axis. Only peaks within 16 pixels' buckets are compared (hulls are under 32 px at
    10 m), so the cost stays linear in the number of peaks.

    Args:
        peaks: Peaks in pixel coordinates.
        pixel_m: Ground metres per pixel.
        margin_m: Extra half-width in metres.

    Returns:
        The kept peaks, best first.
    """
    kept: list[Peak] = []
    cell = 16.0
    buckets: dict[tuple[int, int], list[Peak]] = {}
    for p in sorted(peaks, key=lambda q: -q.score):
        key = (int(p.row // cell), int(p.col // cell))
        near = [k for dr in (-1, 0, 1) for dc in (-1, 0, 1) for k in buckets.get((key[0] + dr, key[1] + dc), [])]
        if not any(_on_footprint(p, k, pixel_m, margin_m) for k in near):
            kept.append(p)
            buckets.setdefault(key, []).append(p)
    return kept


def _on_footprint(p: Peak, k: Peak, pixel_m: float, margin_m: float) -> bool:
    h = math.radians(k.heading_deg)
    dy, dx = (k.row - p.row) * pixel_m, (p.col - k.col) * pixel_m
    along = abs(dx * math.sin(h) + dy * math.cos(h))
    across = abs(dx * math.cos(h) - dy * math.sin(h))
    return along <= k.length_m / 2 and across <= k.width_m / 2 + margin_m
