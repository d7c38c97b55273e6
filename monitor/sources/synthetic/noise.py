"""Deterministic randomness for the synthetic source: keyed generators and smooth fractal fields.

Every random draw is keyed by a tuple of plain values (AOI id, date, seed, ...) hashed with SHA-256, never by
Python's salted ``hash``, so the same inputs give the same arrays in every process and on every machine.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

__all__ = ("blocky", "fractal", "keyed_rng", "stable_int")


def stable_int(*parts: object) -> int:
    """A 64-bit integer derived from ``parts``, identical across processes and platforms.

    Args:
        *parts: Values whose ``str`` forms identify the draw.

    Returns:
        A non-negative integer below 2**64.
    """
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def keyed_rng(*parts: object) -> np.random.Generator:
    """A numpy generator seeded from ``parts`` (see :func:`stable_int`).

    Args:
        *parts: Values identifying the draw.

    Returns:
        A fresh PCG64 generator.
    """
    return np.random.default_rng(stable_int(*parts))


def _resize(arr: NDArray[np.float32], shape: tuple[int, int], order: int) -> NDArray[np.float32]:
    factors = (shape[0] / arr.shape[0], shape[1] / arr.shape[1])
    out = ndimage.zoom(arr, factors, order=order, mode="nearest", grid_mode=True)
    return np.ascontiguousarray(out[: shape[0], : shape[1]], dtype=np.float32)


def fractal(
    rng: np.random.Generator,
    shape: tuple[int, int],
    *,
    scale_px: float = 200.0,
    octaves: int = 4,
    persistence: float = 0.55,
    coarse: int = 4,
) -> NDArray[np.float32]:
    """A smooth multi-scale noise field with zero mean and unit standard deviation.

    The octaves are summed on a grid ``coarse`` times smaller than ``shape`` and upsampled once at the end,
    which keeps a 570 x 570 field to a few milliseconds.

    Args:
        rng: Generator for the random lattice values.
        shape: Output (rows, cols).
        scale_px: Size in output pixels of the largest features.
        octaves: Number of octaves, each twice as fine as the last.
        persistence: Amplitude ratio between successive octaves (higher = rougher).
        coarse: Downsampling factor of the working grid.

    Returns:
        float32 array of ``shape``.
    """
    work = (max(2, math.ceil(shape[0] / coarse)), max(2, math.ceil(shape[1] / coarse)))
    total = np.zeros(work, dtype=np.float32)
    amp = 1.0
    for k in range(octaves):
        cell = max(scale_px / (2**k) / coarse, 1.0)
        lattice = (max(2, math.ceil(work[0] / cell) + 1), max(2, math.ceil(work[1] / cell) + 1))
        values = rng.standard_normal(lattice, dtype=np.float32)
        total += np.float32(amp) * (_resize(values, work, order=3) if cell > 1.0 else values[: work[0], : work[1]])
        amp *= persistence
    total -= total.mean()
    total /= max(float(total.std()), 1e-6)
    return _resize(total, shape, order=1) if coarse > 1 else total


def blocky(
    rng: np.random.Generator, shape: tuple[int, int], block_px: int, low: float, high: float
) -> NDArray[np.float32]:
    """Piecewise-constant blocks of uniform random values (roofs, lots, container stacks).

    Args:
        rng: Generator for the block values.
        shape: Output (rows, cols).
        block_px: Block side in pixels.
        low: Smallest block value.
        high: Largest block value.

    Returns:
        float32 array of ``shape``.
    """
    rows = math.ceil(shape[0] / block_px)
    cols = math.ceil(shape[1] / block_px)
    values = rng.uniform(low, high, (rows, cols)).astype(np.float32)
    full = np.repeat(np.repeat(values, block_px, axis=0), block_px, axis=1)
    return np.ascontiguousarray(full[: shape[0], : shape[1]])
