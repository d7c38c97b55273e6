"""Surfaces of synthetic chips: per-material optical and radar looks, water colour and glint, wind on water.

Each material of the layout gets a per-chip look (a randomised spectrum or radar level with a texture) and the
10 m bands are the coverage-weighted sum of those looks. Levels follow the measurements on the training ports
listed in :mod:`monitor.training.synth.chips`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.training.synth import layout as L
from monitor.training.synth.textures import SPECTRA, blocks, choose, field, gaussian_noise, rotated, spectrum

__all__ = ("s1_surface", "s2_surface")

F32 = NDArray[np.float32]
Shape = tuple[int, int]
Window = tuple[slice, slice]
_FLAT = np.asarray([1.0, 1.0, 1.0, 0.97, 0.85], np.float32)[:, None, None]


def _palette(names: tuple[str, ...], rng: np.random.Generator, gain: tuple[float, float]) -> F32:
    return np.stack([spectrum(n, rng, gain)[:, 0, 0] for n in names]).astype(np.float32)


def _natural(rng: np.random.Generator, shape: tuple[int, int]) -> F32:
    biome = choose(rng, ("green", "dry", "bare", "mixed"), (0.25, 0.35, 0.15, 0.25))
    pairs = {
        "green": ("veg", "dry_veg"),
        "dry": ("dry_veg", "soil"),
        "bare": ("soil", "sand"),
        "mixed": ("veg", "soil"),
    }
    a, b = pairs[str(biome)]
    w = 1.0 / (1.0 + np.exp(-2.0 * field(rng, "smooth", shape) - 1.5 * field(rng, "medium", shape)))
    out = spectrum(a, rng) * w + spectrum(b, rng) * (1.0 - w)
    if rng.uniform() < 0.2:
        plots, _ = blocks(rng, *rotated(shape, rng.uniform(0, 180)), (rng.uniform(8, 30), rng.uniform(5, 20)),
                          _palette(("veg", "dry_veg", "soil"), rng, (0.8, 1.2)))  # fmt: skip
        out = 0.65 * out + 0.35 * plots
    return (out * (1.0 + 0.08 * field(rng, "medium", shape) + 0.06 * field(rng, "fine", shape))).astype(np.float32)


def _mosaic(
    rng: np.random.Generator, shape: tuple[int, int], names: tuple[str, ...], size: tuple[float, float], gap: float,
    lane: str, weights: tuple[float, ...] | None = None, mute: float = 0.0,
) -> F32:  # fmt: skip
    palette = _palette(names, rng, (0.7, 1.3))
    p = None if weights is None else np.asarray(weights, np.float64) / sum(weights)
    colours, lanes = blocks(rng, *rotated(shape, rng.uniform(0, 180)), size, palette, p, gap=gap)
    ground = spectrum(lane, rng)
    colours = colours * np.float32(1.0 - mute) + np.asarray(SPECTRA["concrete"], np.float32)[:, None, None] * mute
    return np.where(lanes[None], ground, colours * (1.0 + 0.1 * field(rng, "fine", shape))).astype(np.float32)


def _roof(rng: np.random.Generator, shape: tuple[int, int], names: tuple[str, ...]) -> F32:
    colour = spectrum(choose(rng, names), rng, (0.7, 1.2))
    return (colour * (1.0 + 0.05 * field(rng, "fine", shape))).astype(np.float32)


def _yard_floor(rng: np.random.Generator, shape: Shape) -> F32:
    """Quay and yard concrete: patches of lighter and darker slabs, tracks and stains, not a flat band."""
    slabs = _mosaic(rng, shape, ("concrete", "grey", "asphalt", "urban", "white", "red", "blue"),
                    (rng.uniform(1.0, 4.0), rng.uniform(1.0, 3.0)), rng.uniform(0.0, 0.3), "asphalt",
                    (6.0, 4.0, 2.0, 3.0, 0.6, 0.3, 0.3), rng.uniform(0.3, 0.7))  # fmt: skip
    return (slabs * np.float32(rng.uniform(0.7, 1.25))).astype(np.float32)


_TOWN = ("urban", "concrete", "soil", "grey", "red", "white", "dark", "veg", "dry_veg")
_TOWN_WEIGHTS = (6.0, 2.0, 1.5, 2.0, 0.5, 0.4, 1.0, 0.6, 0.8)


def _town(rng: np.random.Generator, shape: tuple[int, int]) -> F32:
    """Town fabric: a block grid with streets broken up by patches of fine unordered roofs, so no grid repeats."""
    grid = _mosaic(rng, shape, _TOWN, (rng.uniform(1.5, 4.0), rng.uniform(1.0, 3.0)), rng.uniform(0.2, 0.6),
                   "asphalt", _TOWN_WEIGHTS, rng.uniform(0.2, 0.6))  # fmt: skip
    grain = gaussian_noise(rng, (1, *shape))
    fill = spectrum("urban", rng) * (1.0 + np.float32(rng.uniform(0.2, 0.4)) * grain)
    pick = field(rng, "fine", shape) > rng.uniform(-0.5, 0.5)
    return np.where(pick[None], grid, fill).astype(np.float32)


def _water(rng: np.random.Generator, shape: tuple[int, int], near: F32) -> F32:
    clear = np.asarray(
        [rng.uniform(0.018, 0.045), rng.uniform(0.014, 0.04), rng.uniform(0.005, 0.022), rng.uniform(0.001, 0.012),
         rng.uniform(0.0, 0.025)], np.float32)[:, None, None]  # fmt: skip
    silt = np.asarray([0.008, 0.03, 0.035, 0.012, 0.002], np.float32)[:, None, None]
    murk = rng.uniform(0.0, 1.0) if rng.uniform() < 0.35 else rng.uniform(0.0, 0.2)
    sheen = rng.uniform(0.005, 0.05) if rng.uniform() < 0.4 else rng.uniform(0.0, 0.006)
    swell = field(rng, "smooth", shape)
    water = clear * (1.0 + 0.1 * swell) + silt * np.float32(murk) * (0.4 + near)
    water = water + _FLAT * np.float32(sheen) * np.clip(1.0 + 0.35 * swell + 0.2 * field(rng, "medium", shape), 0, 3)
    out: F32 = water.astype(np.float32)
    return out


def s2_surface(rng: np.random.Generator, lay: L.Layout, cover: F32) -> F32:
    """Reflectance (5, H, W) of the ground plan, without objects.

    Args:
        rng: Chip generator.
        lay: Ground plan.
        cover: Material coverage from :meth:`Layout.coverage`.

    Returns:
        float32 reflectance B02, B03, B04, B08, B11.
    """
    shape = (lay.size, lay.size)
    # Closeness to land at 40 m cells is plenty for a turbidity gradient and 20x cheaper than full resolution.
    coarse = ndimage.gaussian_filter(1.0 - cover[L.WATER][::4, ::4], 1.5)
    near = np.repeat(np.repeat(coarse, 4, axis=0), 4, axis=1)[: lay.size, : lay.size].astype(np.float32)
    pave = np.float32(rng.uniform(0.08, 0.35))
    runway = np.float32(rng.uniform(0.06, 0.12) if rng.uniform() < 0.6 else rng.uniform(0.18, 0.3))
    looks: dict[int, Callable[[Shape, Window], F32]] = {
        L.WATER: lambda sh, w: _water(rng, sh, near[w]),
        L.LAND: lambda sh, w: _natural(rng, sh),
        L.URBAN: lambda sh, w: _town(rng, sh),
        L.CONCRETE: lambda sh, w: _yard_floor(rng, sh),
        L.ROCK: lambda sh, w: spectrum("rock", rng, (0.6, 1.3)) * (1 + 0.15 * field(rng, "fine", sh)),
        L.PAVE: lambda sh, w: _NEUTRAL_PAVE * pave * (1 + 0.04 * field(rng, "medium", sh)),
        L.RUNWAY: lambda sh, w: _NEUTRAL_PAVE * runway * (1 + 0.03 * field(rng, "fine", sh)),
        L.ROOF: lambda sh, w: _roof(rng, sh, ("white", "grey", "concrete", "blue", "red")),
        L.ROOF_DARK: lambda sh, w: _roof(rng, sh, ("dark", "asphalt", "red", "green")),
        L.CONTAINERS: lambda sh, w: _mosaic(rng, sh, ("red", "blue", "white", "grey", "green", "orange"),
                                            (rng.uniform(2.0, 6.0), rng.uniform(0.4, 0.9)), rng.uniform(0.1, 0.4),
                                            "concrete", mute=rng.uniform(0.3, 0.7)),
        L.PARKING: lambda sh, w: spectrum("asphalt", rng, (0.9, 1.6)) * (1 + 0.25 * gaussian_noise(rng, (1, *sh))[0]),
        L.TANK: lambda sh, w: spectrum("white", rng, (0.6, 1.1)) + np.zeros(sh, np.float32),
        L.SAND: lambda sh, w: spectrum("sand", rng) * (1 + 0.08 * field(rng, "medium", sh)),
    }  # fmt: skip
    refl = np.zeros((5, *shape), np.float32)
    for code, win, sub in _extents(cover):
        refl[(slice(None), *win)] += cover[code][win] * looks[code](sub, win)
    refl *= 1.0 - np.float32(rng.uniform(0.4, 0.65)) * lay.shade_cover()
    return refl


def _extents(cover: F32) -> Iterator[tuple[int, Window, Shape]]:
    """Each material present with the bounding window of its pixels, so small ones cost little to texture."""
    present = cover > 0
    rows_any: NDArray[np.bool_] = np.any(present, axis=2)
    cols_any: NDArray[np.bool_] = np.any(present, axis=1)
    for code in np.flatnonzero(np.any(rows_any, axis=1)):
        rows, cols = np.flatnonzero(rows_any[code]), np.flatnonzero(cols_any[code])
        win = (slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1))
        yield int(code), win, (int(rows[-1] - rows[0]) + 1, int(cols[-1] - cols[0]) + 1)


_NEUTRAL_PAVE = np.asarray([0.9, 0.95, 1.0, 1.08, 1.15], np.float32)[:, None, None]


def _lognormal_blocks(rng: np.random.Generator, shape: tuple[int, int], mu: float, sd: float, size: float) -> F32:
    levels = np.exp(rng.normal(mu, sd, (12, 1))).astype(np.float32)
    out, _ = blocks(rng, *rotated(shape, rng.uniform(0, 180)), (size, size * rng.uniform(0.6, 1.0)), levels)
    first: F32 = out[0]
    return first


def s1_surface(rng: np.random.Generator, lay: L.Layout, cover: F32) -> F32:
    """Linear VV and VH (2, H, W) of the ground plan, before objects, blur and speckle.

    Args:
        rng: Chip generator.
        lay: Ground plan.
        cover: Material coverage.

    Returns:
        float32 sigma0.
    """
    shape = (lay.size, lay.size)
    wind = math.exp(rng.uniform(math.log(0.002), math.log(0.06)))
    gusts = 1.0 + 0.35 * field(rng, "medium", shape) + 0.25 * field(rng, "smooth", shape)
    streaks = np.clip(gusts, 0.2, 3.0).astype(np.float32) * np.float32(wind)

    def tex(kind: str, amp: float, sh: Shape) -> F32:
        out: F32 = np.exp(amp * field(rng, kind, sh)).astype(np.float32)
        return out

    def level(low: float, high: float) -> float:
        return math.exp(rng.uniform(math.log(low), math.log(high)))

    looks: dict[int, Callable[[Shape, Window], tuple[F32, float, float]]] = {
        L.WATER: lambda sh, w: (streaks[w], rng.uniform(0.2, 0.3), rng.uniform(0.0003, 0.001)),
        L.LAND: lambda sh, w: (level(0.03, 0.15) * tex("medium", 0.35, sh) * tex("fine", 0.2, sh),
                               rng.uniform(0.2, 0.35), 0),
        L.URBAN: lambda sh, w: (_lognormal_blocks(rng, sh, -1.8, 1.1, rng.uniform(1.2, 3.0)),
                                rng.uniform(0.08, 0.15), 0),
        L.CONCRETE: lambda sh, w: (level(0.02, 0.08) * tex("fine", 0.5, sh), 0.15, 0.0),
        L.ROCK: lambda sh, w: (level(0.1, 0.4) * tex("fine", 0.3, sh), 0.15, 0.0),
        L.PAVE: lambda sh, w: (level(0.001, 0.008) * tex("medium", 0.2, sh), 0.2, 0.0),
        L.RUNWAY: lambda sh, w: (level(0.001, 0.006) * tex("medium", 0.2, sh), 0.2, 0.0),
        L.ROOF: lambda sh, w: (_lognormal_blocks(rng, sh, -0.5, 1.0, 5.0), 0.1, 0.0),
        L.ROOF_DARK: lambda sh, w: (_lognormal_blocks(rng, sh, -0.8, 1.0, 5.0), 0.1, 0.0),
        L.CONTAINERS: lambda sh, w: (_lognormal_blocks(rng, sh, 0.0, 1.0, 1.5), 0.08, 0.0),
        L.PARKING: lambda sh, w: (level(0.1, 0.5) * tex("fine", 0.4, sh), 0.1, 0.0),
        L.TANK: lambda sh, w: (level(0.3, 2.0) + np.zeros(sh, np.float32), 0.1, 0.0),
        L.SAND: lambda sh, w: (level(0.01, 0.05) * tex("medium", 0.3, sh), 0.2, 0.0),
    }  # fmt: skip
    sigma0 = np.zeros((2, *shape), np.float32)
    for code, win, sub in _extents(cover):
        vv, ratio, floor = looks[code](sub, win)
        c = cover[code][win]
        sigma0[(0, *win)] += c * vv
        sigma0[(1, *win)] += c * (np.float32(ratio) * vv + np.float32(floor))
    water = cover[L.WATER]
    soft = cover[L.LAND] + cover[L.SAND]
    sigma0 += (4.0 * water * (1.0 - water) * (1.0 - soft) * np.float32(level(0.1, 1.5))) * np.asarray(
        [1.0, 0.15], np.float32
    )[:, None, None]
    return sigma0
