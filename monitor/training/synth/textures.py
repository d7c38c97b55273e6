"""Texture fields for synthetic chips: a per-process bank of fractal noise plus cheap procedural patterns.

Fractal fields are the only expensive texture (a zoom per octave), so a few are made once per process from fixed
seeds and every chip takes a random crop, flip and transpose of one. The grid-like patterns (town blocks, container
stacks, car parks) are computed per chip from rotated coordinates, which costs a few array operations on 96 x 96.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from monitor.sources.synthetic.noise import fractal

__all__ = ("SPECTRA", "blocks", "choose", "field", "gaussian_noise", "rotated", "spectrum")

F32 = NDArray[np.float32]
_T = TypeVar("_T")
_BANK = 256
_PER_SCALE = 3
_SCALES = {"smooth": (90.0, 4, 0.55), "medium": (24.0, 4, 0.6), "fine": (5.0, 2, 0.7)}

# Reflectance B02, B03, B04, B08, B11 of surfaces, before per-chip jitter. Land-cover values follow the four
# training ports' land quantiles (module docstring of synth_chips); the rest are typical library spectra.
SPECTRA: dict[str, tuple[float, float, float, float, float]] = {
    "veg": (0.035, 0.065, 0.045, 0.30, 0.16),
    "dry_veg": (0.06, 0.085, 0.10, 0.22, 0.25),
    "soil": (0.09, 0.125, 0.165, 0.23, 0.31),
    "sand": (0.13, 0.16, 0.19, 0.23, 0.29),
    "urban": (0.11, 0.145, 0.18, 0.23, 0.26),
    "concrete": (0.17, 0.19, 0.21, 0.24, 0.27),
    "asphalt": (0.07, 0.08, 0.09, 0.11, 0.14),
    "rock": (0.13, 0.15, 0.17, 0.21, 0.25),
    "white": (0.40, 0.42, 0.43, 0.45, 0.40),
    "red": (0.07, 0.07, 0.19, 0.26, 0.28),
    "blue": (0.13, 0.10, 0.06, 0.13, 0.10),
    "green": (0.05, 0.09, 0.06, 0.10, 0.09),
    "orange": (0.07, 0.12, 0.26, 0.31, 0.30),
    "grey": (0.16, 0.17, 0.18, 0.20, 0.21),
    "dark": (0.05, 0.055, 0.06, 0.07, 0.08),
}


def choose(rng: np.random.Generator, options: Sequence[_T], weights: tuple[float, ...] | None = None) -> _T:
    """One of ``options``, uniformly or by relative ``weights`` (a cheap ``rng.choice`` for a handful of items).

    Args:
        rng: Chip generator.
        options: What to choose from.
        weights: Relative weights, same length, or None.

    Returns:
        The chosen item.
    """
    if weights is None:
        return options[min(int(rng.uniform() * len(options)), len(options) - 1)]
    cumulative = _cumsum(weights)
    return options[int(np.searchsorted(cumulative, rng.uniform() * cumulative[-1], side="right"))]


@functools.cache
def _cumsum(weights: tuple[float, ...]) -> NDArray[np.float64]:
    return np.cumsum(weights, dtype=np.float64)


def spectrum(name: str, rng: np.random.Generator, gain: tuple[float, float] = (0.8, 1.2)) -> F32:
    """A library spectrum with a random brightness gain and a small per-band tint, shaped (5, 1, 1).

    Args:
        name: Key of :data:`SPECTRA`.
        rng: Chip generator.
        gain: Range of the overall brightness factor.

    Returns:
        float32 spectrum ready to broadcast against (5, H, W).
    """
    base = np.asarray(SPECTRA[name], dtype=np.float32)
    scale = rng.uniform(*gain) * rng.uniform(0.92, 1.08, 5)
    return (base * scale.astype(np.float32))[:, None, None]


@functools.cache
def _bank() -> dict[str, list[F32]]:
    out: dict[str, list[F32]] = {}
    for i, (name, (scale, octaves, persistence)) in enumerate(_SCALES.items()):
        rng = np.random.default_rng(7_919 + i)
        out[name] = [
            fractal(rng, (_BANK, _BANK), scale_px=scale, octaves=octaves, persistence=persistence, coarse=2)
            for _ in range(_PER_SCALE)
        ]
    return out


def field(rng: np.random.Generator, kind: str, shape: tuple[int, int]) -> F32:
    """A zero-mean, unit-variance noise field: a random crop of a cached fractal.

    Args:
        rng: Chip generator (chooses the field, crop, flips and transpose).
        kind: ``smooth`` (~900 m features), ``medium`` (~240 m) or ``fine`` (~50 m).
        shape: Output (rows, cols), at most 256 each.

    Returns:
        float32 array of ``shape`` (a copy).
    """
    src = _bank()[kind][int(rng.integers(_PER_SCALE))]
    if rng.uniform() < 0.5:
        src = src.T
    r0 = int(rng.integers(0, _BANK - shape[0] + 1))
    c0 = int(rng.integers(0, _BANK - shape[1] + 1))
    crop = src[r0 : r0 + shape[0], c0 : c0 + shape[1]]
    if rng.uniform() < 0.5:
        crop = crop[::-1]
    if rng.uniform() < 0.5:
        crop = crop[:, ::-1]
    return np.ascontiguousarray(crop, dtype=np.float32)


@functools.cache
def _white() -> F32:
    return np.random.default_rng(104_729).standard_normal((6, _BANK, _BANK), dtype=np.float32)


def gaussian_noise(rng: np.random.Generator, shape: tuple[int, ...]) -> F32:
    """Unit white noise of ``shape`` (bands, rows, cols): a random crop of a cached block, 5x cheaper than drawing.

    Args:
        rng: Chip generator (chooses the crop, band offset and sign).
        shape: (bands <= 6, rows <= 256, cols <= 256).

    Returns:
        float32 array (a copy).
    """
    bank = _white()
    b0 = int(rng.integers(0, bank.shape[0] - shape[0] + 1))
    r0 = int(rng.integers(0, _BANK - shape[1] + 1))
    c0 = int(rng.integers(0, _BANK - shape[2] + 1))
    crop = bank[b0 : b0 + shape[0], r0 : r0 + shape[1], c0 : c0 + shape[2]]
    return crop * np.float32(1.0 if rng.uniform() < 0.5 else -1.0)


def rotated(shape: tuple[int, int], angle_deg: float, scale: float = 1.0) -> tuple[F32, F32]:
    """Coordinates along and across a direction, in units of ``scale`` pixels.

    Args:
        shape: (rows, cols) of the grid.
        angle_deg: Direction of the first axis, clockwise from up.
        scale: Pixel size of the grid relative to the wanted unit (0.5 for a 2x grid measured in 1x pixels).

    Returns:
        ``(along, across)`` float32 arrays of ``shape``.
    """
    rows = (np.arange(shape[0], dtype=np.float32) + 0.5)[:, None] * np.float32(scale)
    cols = (np.arange(shape[1], dtype=np.float32) + 0.5)[None, :] * np.float32(scale)
    a = math.radians(angle_deg)
    s, c = np.float32(math.sin(a)), np.float32(math.cos(a))
    along = cols * s - rows * c
    across = cols * c + rows * s
    return along.astype(np.float32), across.astype(np.float32)


def blocks(
    rng: np.random.Generator,
    along: F32,
    across: F32,
    size: tuple[float, float],
    palette: F32,
    weights: NDArray[np.float64] | None = None,
    gap: float = 0.0,
) -> tuple[F32, NDArray[np.bool_]]:
    """Rectangular blocks of random palette colours laid on rotated coordinates (roofs, containers, cars).

    Rows of blocks are staggered by a random offset each, as stacks and buildings are in real yards.

    Args:
        rng: Chip generator.
        along: Coordinate along the rows (from :func:`rotated`).
        across: Coordinate across the rows.
        size: Block (length along, depth across) in the coordinates' unit.
        palette: (K, 5) spectra to pick from.
        weights: Probabilities of the palette entries, or None for uniform.
        gap: Width of the empty lane between block rows, same unit.

    Returns:
        ``(spectra, lanes)``: (5, H, W) float32 colours and the mask of lane pixels between rows.
    """
    pitch = size[1] + gap
    row = np.floor(across * np.float32(1.0 / pitch)).astype(np.int32)
    lanes = (across - row * np.float32(pitch)) >= size[1]
    row &= 63
    stagger = rng.uniform(0.0, size[0], 64).astype(np.float32)
    col = np.floor((along + stagger[row]) * np.float32(1.0 / size[0])).astype(np.int32) & 63
    table = rng.choice(len(palette), size=(64, 64), p=weights)
    pick = table[row, col]
    colours: F32 = np.ascontiguousarray(palette.T, dtype=np.float32)[:, pick]
    return colours, np.asarray(lanes)
