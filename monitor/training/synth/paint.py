"""Painting objects, thin lines and wakes into synthetic Sentinel-2 reflectance and Sentinel-1 backscatter.

Outlines come from :mod:`monitor.training.synth.outline` (hulls) and the shared drawing code
(:func:`monitor.sources.synthetic.objects.draw`, aircraft and their shadows); the paint is chosen here per object
from a wider palette than the scenario renderer uses (grey naval hulls, rusty decks, mosaics of container colours,
white ferries, airliner white to camouflage dark), and hulls of 30 m or more cast a short shadow (freeboard and
superstructure) away from the sun. In radar, big hulls get the cross-shaped sidelobes of a
bright point target; wakes are bright foam in optical and a dark turbulent trail in radar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from monitor.sources.synthetic.objects import Patch, patch_window
from monitor.training.synth.fleet import Item
from monitor.training.synth.layout import Line, unit
from monitor.training.synth.textures import SPECTRA, choose

__all__ = ("Wake", "paint_lines", "paint_objects_s1", "paint_objects_s2", "paint_wakes", "segment")

F32 = NDArray[np.float32]
# Neutral paint: B11 below B08 as in the training ports' vessel pixels (B11/B08 about 0.7-0.85).
_NEUTRAL = np.asarray([0.9, 0.95, 1.0, 1.04, 0.8], dtype=np.float32)
_HULLS = ("red", "blue", "green", "dark", "grey", "orange")
_BOX_COLOURS = np.stack(
    [np.asarray(SPECTRA[k], np.float32) for k in ("red", "blue", "white", "grey", "green", "orange")]
)


@dataclass(frozen=True)
class Wake:
    """Foam trail behind a moving hull (or alone): stern point (px), travel heading, length and width (px)."""

    row: float
    col: float
    heading: float
    length: float
    width: float
    strength: float


def _colour(rng: np.random.Generator, name: str, level: float) -> F32:
    base = np.asarray(SPECTRA[name], dtype=np.float32)
    return (base / np.float32(base[:4].mean()) * np.float32(level) * rng.uniform(0.93, 1.07, 5)).astype(np.float32)


def _grey(rng: np.random.Generator, low: float, high: float) -> F32:
    return (_NEUTRAL * np.float32(rng.uniform(low, high)) * rng.uniform(0.95, 1.05, 5)).astype(np.float32)


def _look(rng: np.random.Generator, item: Item) -> dict[str, F32]:
    scheme = item.kind.look
    white = _grey(rng, 0.28, 0.55)
    if scheme == "plane":
        draw = rng.uniform()
        body = _grey(rng, 0.3, 0.6) if draw < 0.55 else _grey(rng, 0.12, 0.3) if draw < 0.9 else _grey(rng, 0.05, 0.1)
        return {"body": body}
    if scheme == "navy":
        deck = _grey(rng, 0.07, 0.17)
        return {"hull": deck, "super": deck + _grey(rng, 0.04, 0.15), "cargo": deck}
    if scheme == "white":
        return {"hull": white * np.float32(rng.uniform(0.8, 1.0)), "super": white, "cargo": white}
    if scheme == "boat":
        body = white if rng.uniform() < 0.7 else _colour(rng, choose(rng, _HULLS), rng.uniform(0.1, 0.3))
        return {"hull": body, "super": white, "cargo": body}
    hull = _colour(rng, choose(rng, _HULLS), rng.uniform(0.06, 0.2))
    cargo = _colour(rng, choose(rng, _HULLS), rng.uniform(0.1, 0.32)) if scheme == "cargo" else hull * 1.1
    return {"hull": hull, "super": white if rng.uniform() < 0.8 else hull * 1.6, "cargo": cargo}


def _shifted(arr: F32, dr: float, dc: float) -> F32:
    """``arr`` moved by (dr, dc) pixels with bilinear weights, zero-filled (a cheap ``ndimage.shift``)."""
    out = np.zeros_like(arr)
    ir, ic = math.floor(dr), math.floor(dc)
    fr, fc = dr - ir, dc - ic
    h, w = arr.shape
    for sr, sc, wt in ((ir, ic, (1 - fr) * (1 - fc)), (ir + 1, ic, fr * (1 - fc)), (ir, ic + 1, (1 - fr) * fc),
                       (ir + 1, ic + 1, fr * fc)):  # fmt: skip
        if abs(sr) < h and abs(sc) < w and wt > 0:
            out[max(sr, 0) : h + min(sr, 0), max(sc, 0) : w + min(sc, 0)] += (
                np.float32(wt) * arr[max(-sr, 0) : h - max(sr, 0), max(-sc, 0) : w - max(sc, 0)]
            )
    return out


def paint_objects_s2(
    refl: F32, patches: list[Patch], items: list[Item], rng: np.random.Generator, shadow: tuple[float, float]
) -> None:
    """Composite ships and aircraft (with shadows) into a (5, H, W) reflectance stack in place.

    Args:
        refl: Reflectance B02, B03, B04, B08, B11.
        patches: Outlines from ``draw`` (aircraft shadows included), one per item.
        items: The items drawn.
        rng: Chip generator (paint choices).
        shadow: (row, col) px of shadow per metre of height.
    """
    for patch, item in zip(patches, items, strict=True):
        look = _look(rng, item)
        win = patch_window(patch, refl.shape)
        if win is None:
            continue
        rs, cs, pr, pc = win
        view = refl[:, rs, cs]
        if item.kind.domain == "ship" and item.length_m >= 30.0:
            total: F32 = np.sum(np.stack(list(patch.parts.values())), axis=0, dtype=np.float32)
            height = rng.uniform(2.0, 6.0) + item.length_m / 40.0
            cast = _shifted(total, shadow[0] * height, shadow[1] * height)
            view *= 1.0 - rng.uniform(0.3, 0.6) * (cast * (1.0 - total))[pr, pc]
        elif "shadow" in patch.parts:
            view *= 1.0 - rng.uniform(0.35, 0.6) * patch.parts["shadow"][pr, pc]
        for name, cover in patch.parts.items():
            if name == "shadow":
                continue
            c = cover[pr, pc]
            if name == "cargo" and item.kind.look == "container":
                pick = rng.integers(0, len(_BOX_COLOURS), c.shape)
                paint = _BOX_COLOURS.T[:, pick] * np.float32(rng.uniform(0.6, 1.0))
                view[:] = view * (1.0 - c) + paint * c
            else:
                view -= (view - look[name][:, None, None]) * c


def paint_objects_s1(sigma0: F32, patches: list[Patch], items: list[Item], rng: np.random.Generator) -> None:
    """Add ships' and aircraft's radar returns to a (2, H, W) VV/VH stack in place (before blur and speckle).

    Args:
        sigma0: Linear VV and VH.
        patches: Outlines from ``draw``, one per item.
        items: The items drawn.
        rng: Chip generator.
    """
    for patch, item in zip(patches, items, strict=True):
        win = patch_window(patch, sigma0.shape)
        if win is None:
            continue
        rs, cs, pr, pc = win
        ratio = rng.uniform(0.08, 0.3)
        if item.kind.domain == "ship":
            # A few strong scatterers (superstructure, cranes, container walls) over a weaker hull.
            base = math.exp(rng.uniform(math.log(0.08), math.log(2.0))) * math.sqrt(item.length_m / 100.0)
            gains = {"hull": base, "super": base * rng.uniform(3.0, 10.0), "cargo": base * rng.uniform(1.5, 4.0)}
        else:
            gains = {"body": math.exp(rng.uniform(math.log(0.2), math.log(4.0)))}
        for name, cover in patch.parts.items():
            if name in gains:
                c = cover[pr, pc]
                sigma0[0, rs, cs] = sigma0[0, rs, cs] * (1.0 - c) + gains[name] * c
                sigma0[1, rs, cs] = sigma0[1, rs, cs] * (1.0 - c) + gains[name] * ratio * c
        r, c0 = int(item.row), int(item.col)
        h, w = sigma0.shape[1:]
        if item.kind.domain == "ship" and item.length_m >= 60 and rng.uniform() < 0.5 and 0 <= r < h and 0 <= c0 < w:
            peak = max(gains.values()) * rng.uniform(3.0, 15.0)
            k = np.arange(1, int(rng.integers(5, 16)), dtype=np.float32)
            arm = (peak * rng.uniform(0.01, 0.05) / k**1.5).astype(np.float32)
            sigma0[:, r, c0] += np.float32(peak) * np.asarray([1.0, ratio], np.float32)
            for sign in (-1, 1):
                rows, cols = r + sign * k.astype(int), c0 + sign * k.astype(int)
                ok_r, ok_c = (rows >= 0) & (rows < h), (cols >= 0) & (cols < w)
                sigma0[0, rows[ok_r], c0] += arm[ok_r]
                sigma0[0, r, cols[ok_c]] += arm[ok_c]
                sigma0[1, rows[ok_r], c0] += arm[ok_r] * ratio
                sigma0[1, r, cols[ok_c]] += arm[ok_c] * ratio


def segment(
    shape: tuple[int, int], r0: float, c0: float, r1: float, c1: float, width_px: float
) -> tuple[slice, slice, F32, F32] | None:
    """Area coverage of a straight strip (or a dot when both ends coincide) on a pixel grid.

    Args:
        shape: Grid (rows, cols).
        r0: Start row (px, pixel (0, 0) spans 0..1).
        c0: Start column.
        r1: End row.
        c1: End column.
        width_px: Strip width in pixels (sub-pixel widths give partial coverage with the right total).

    Returns:
        ``(rows, cols, coverage, t)`` on the strip's bounding box, ``t`` the 0..1 position along the strip;
        None when the strip misses the grid.
    """
    pad = width_px / 2 + 1.5
    ra, rb = max(0, int(min(r0, r1) - pad)), min(shape[0], int(max(r0, r1) + pad) + 1)
    ca, cb = max(0, int(min(c0, c1) - pad)), min(shape[1], int(max(c0, c1) + pad) + 1)
    if ra >= rb or ca >= cb:
        return None
    rr = (np.arange(ra, rb, dtype=np.float32) + 0.5)[:, None] - np.float32(r0)
    cc = (np.arange(ca, cb, dtype=np.float32) + 0.5)[None, :] - np.float32(c0)
    dr, dc = r1 - r0, c1 - c0
    length2 = dr * dr + dc * dc
    if length2 < 1e-6:
        area = min(width_px * width_px, 1.0)
        cov = area * np.clip(1.0 - np.abs(rr), 0, 1) * np.clip(1.0 - np.abs(cc), 0, 1)
        return slice(ra, rb), slice(ca, cb), cov.astype(np.float32), np.zeros_like(cov, dtype=np.float32)
    t = np.clip((rr * dr + cc * dc) / np.float32(length2), 0.0, 1.0)
    dist = np.hypot(rr - t * dr, cc - t * dc)
    wide = width_px >= 1.0
    cov = np.clip(width_px / 2 + 0.5 - dist, 0.0, 1.0) if wide else width_px * np.clip(1.0 - dist, 0.0, 1.0)
    return slice(ra, rb), slice(ca, cb), cov.astype(np.float32), t.astype(np.float32)


def paint_lines(
    bands: F32, lines: list[Line], rng: np.random.Generator, shadow: tuple[float, float], radar: bool
) -> None:
    """Paint thin features (markings, cranes, pontoons, vehicles, buoys) in place.

    Args:
        bands: (5, H, W) reflectance or (2, H, W) linear VV/VH.
        lines: Features to paint.
        rng: Chip generator (colour jitter).
        shadow: (row, col) px of shadow per metre of height (optical only).
        radar: Whether ``bands`` is Sentinel-1.
    """
    shape = (bands.shape[1], bands.shape[2])
    for line in lines:
        if line.height_m > 0 and not radar:
            sr, sc = shadow[0] * line.height_m, shadow[1] * line.height_m
            hit = segment(shape, line.r0 + sr, line.c0 + sc, line.r1 + sr, line.c1 + sc, line.width_m / 10.0)
            if hit is not None:
                rs, cs, cov, _ = hit
                bands[:, rs, cs] *= 1.0 - 0.5 * cov
        hit = segment(shape, line.r0, line.c0, line.r1, line.c1, line.width_m / 10.0)
        if hit is None:
            continue
        rs, cs, cov, _ = hit
        if radar:
            bands[0, rs, cs] += cov * np.float32(line.radar)
            bands[1, rs, cs] += cov * np.float32(line.radar * 0.15)
        else:
            paint = np.asarray(SPECTRA[line.look], np.float32)[:, None, None] * np.float32(rng.uniform(0.8, 1.2))
            bands[:, rs, cs] = bands[:, rs, cs] * (1.0 - cov) + paint * cov


def paint_wakes(bands: F32, wakes: list[Wake], radar: bool) -> None:
    """Paint wakes: a fading turbulent trail behind the stern and the two Kelvin arms, in place.

    Args:
        bands: (5, H, W) reflectance or (2, H, W) linear VV/VH.
        wakes: Wakes to paint.
        radar: Whether ``bands`` is Sentinel-1 (trail darkens, arms brighten) or optical (foam brightens).
    """
    shape = (bands.shape[1], bands.shape[2])
    foam = np.asarray([1.0, 1.0, 0.95, 0.85, 0.45], np.float32)[:, None, None]
    for w in wakes:
        back = w.heading + 180.0
        parts = [(back, w.length, w.width, 1.0)]
        parts += [(back + s * 19.5, 0.6 * w.length, 0.5, 0.35) for s in (-1, 1)]
        for angle, length, width, gain in parts:
            dr, dc = unit(angle)
            hit = segment(shape, w.row, w.col, w.row + dr * length, w.col + dc * length, width)
            if hit is None:
                continue
            rs, cs, cov, t = hit
            fade = cov * (1.0 - t) * np.float32(gain)
            if radar:
                factor = 1.0 + (1.5 * fade if gain < 1 else -0.6 * fade)
                bands[:, rs, cs] *= factor
            else:
                bands[:, rs, cs] += foam * (fade * np.float32(w.strength))
