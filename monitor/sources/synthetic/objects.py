"""Drawing ships and aircraft: sub-pixel coverage of their parts, then paint into reflectance or backscatter.

Each object is drawn on a small patch at ``SUPERSAMPLE`` x the pixel grid and block-averaged down, so a 15 m
beam covers 1.5 pixels the way a real sensor integrates it. Parts (hull, superstructure, cargo, wings) get
their own coverage so they can carry different reflectance or radar cross-section. An object's look is seeded by
its key, so the same ship keeps its colours from scene to scene.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from monitor.sources.synthetic.noise import keyed_rng
from monitor.world.objects import (
    BAY_FILL,
    BAY_FRACTION,
    BOW_FRACTION,
    BOW_TIP,
    CATALOGUE,
    HOLD_BEAM,
    HOLD_BOW,
    HOLD_GAP_M,
    HOLD_TYPES,
    SUPER_BEAM,
    PlacedObject,
)

__all__ = ("SUPERSAMPLE", "Patch", "draw", "paint_s1", "paint_s2", "patch_window", "ship_parts")

SUPERSAMPLE = 5
_AIRCRAFT_HEIGHT_M = 5.0


@dataclass(frozen=True)
class Patch:
    """Coverage (0..1) of an object's parts on a pixel window starting at (row0, col0)."""

    obj: PlacedObject
    row0: int
    col0: int
    parts: dict[str, NDArray[np.float32]]


def _local(
    obj: PlacedObject, px: float, shift: tuple[float, float] = (0.0, 0.0)
) -> tuple[int, int, int, NDArray[np.float32], NDArray[np.float32]]:
    half = math.ceil(max(obj.length_m, obj.width_m) / 2.0 / px) + 3
    r0, c0 = math.floor(obj.row) - half, math.floor(obj.col) - half
    n = 2 * half + 1
    sub = ((np.arange(n * SUPERSAMPLE, dtype=np.float32) + 0.5) / SUPERSAMPLE).astype(np.float32)
    north = ((obj.row - r0) - sub)[:, None] * px - shift[1]
    east = (sub - (obj.col - c0))[None, :] * px - shift[0]
    rad = math.radians(obj.heading_deg)
    sin, cos = np.float32(math.sin(rad)), np.float32(math.cos(rad))
    along = east * sin + north * cos
    across = east * cos - north * sin
    return r0, c0, n, along, across


def _down(mask: NDArray[np.bool_], n: int) -> NDArray[np.float32]:
    out: NDArray[np.float32] = mask.reshape(n, SUPERSAMPLE, n, SUPERSAMPLE).mean(axis=(1, 3), dtype=np.float32)
    return out


def ship_parts(obj: PlacedObject, u: NDArray[np.float32], v: NDArray[np.float32]) -> dict[str, NDArray[np.bool_]]:
    """Which sample points fall on a ship's hull, superstructure and (cargo ships, tankers) hatch bays.

    Args:
        obj: The ship; ``type`` picks the superstructure layout from the catalogue.
        u: Metres along the hull from its centre, towards the bow.
        v: Metres across the hull from its centre line (either sign).

    Returns:
        Masks ``hull``, ``super`` and, for holds, ``cargo``; the parts do not overlap.
    """
    length, beam = obj.length_m, obj.width_m
    bow = BOW_FRACTION * length
    taper = np.clip((length / 2.0 - u) / bow, BOW_TIP, 1.0)
    hull = (np.abs(u) <= length / 2.0) & (np.abs(v) <= beam / 2.0 * taper)
    start, size = CATALOGUE[obj.type].superstructure
    s0 = -length / 2.0 + start * length
    superstructure = hull & (u >= s0) & (u <= s0 + size * length) & (np.abs(v) <= SUPER_BEAM * beam)
    parts = {"hull": hull & ~superstructure, "super": superstructure}
    if obj.type in HOLD_TYPES:
        hold = (
            (u > s0 + size * length + HOLD_GAP_M)
            & (u < length / 2.0 - bow * HOLD_BOW)
            & (np.abs(v) <= HOLD_BEAM * beam)
        )
        bays = ((u - s0) / (length * BAY_FRACTION)) % 1.0 < BAY_FILL
        parts["cargo"] = hull & hold & bays
        parts["hull"] &= ~parts["cargo"]
    return parts


def _aircraft_shape(obj: PlacedObject, u: NDArray[np.float32], v: NDArray[np.float32]) -> NDArray[np.bool_]:
    length, span = obj.length_m, obj.width_m
    large = CATALOGUE[obj.type].object_class == "transport_aircraft"
    fuselage_half = max(1.2, 0.045 * length)
    nose = np.clip((length / 2.0 - u) / (0.08 * length), 0.3, 1.0)
    fuselage = (np.abs(u) <= length / 2.0) & (np.abs(v) <= fuselage_half * nose)
    sweep = math.tan(math.radians(28.0 if large else 4.0))
    root = 0.2 * length
    chord = root * (1.0 - 0.6 * np.abs(v) / (span / 2.0))
    lead = 0.06 * length + root / 2.0 - np.abs(v) * sweep
    wing = (np.abs(v) <= span / 2.0) & (u <= lead) & (u >= lead - chord)
    tail_lead = -0.36 * length - np.abs(v) * sweep
    tail = (np.abs(v) <= 0.19 * span) & (u <= tail_lead) & (u >= tail_lead - 0.09 * length)
    shape: NDArray[np.bool_] = fuselage | wing | tail
    return shape


def draw(objects: list[PlacedObject], px: float, sun: tuple[float, float] | None = None) -> list[Patch]:
    """Sub-pixel coverage patches for every object.

    Args:
        objects: Placed objects.
        px: Pixel size in metres.
        sun: (azimuth, elevation) in degrees; when given, aircraft also get a ``shadow`` part.

    Returns:
        One patch per object.
    """
    patches = []
    for obj in objects:
        r0, c0, n, u, v = _local(obj, px)
        if obj.domain == "ship":
            parts = {k: _down(m, n) for k, m in ship_parts(obj, u, v).items()}
        else:
            body = _aircraft_shape(obj, u, v)
            parts = {"body": _down(body, n)}
            if sun is not None and sun[1] > 3.0:
                reach = _AIRCRAFT_HEIGHT_M / math.tan(math.radians(sun[1]))
                az = math.radians(sun[0] + 180.0)
                shift = (reach * math.sin(az), reach * math.cos(az))
                _, _, _, su, sv = _local(obj, px, shift)
                parts["shadow"] = _down(_aircraft_shape(obj, su, sv) & ~body, n)
        patches.append(Patch(obj, r0, c0, parts))
    return patches


def patch_window(patch: Patch, shape: tuple[int, ...]) -> tuple[slice, slice, slice, slice] | None:
    """Where a patch lands on an image: (image rows, image cols, patch rows, patch cols), clipped to the image.

    Args:
        patch: The drawn patch.
        shape: Image shape; its last two entries are (rows, cols).

    Returns:
        The slices, or None when the patch lies wholly outside.
    """
    nr, nc = next(iter(patch.parts.values())).shape
    r0, c0 = max(patch.row0, 0), max(patch.col0, 0)
    r1, c1 = min(patch.row0 + nr, shape[-2]), min(patch.col0 + nc, shape[-1])
    if r0 >= r1 or c0 >= c1:
        return None
    return (
        slice(r0, r1),
        slice(c0, c1),
        slice(r0 - patch.row0, r1 - patch.row0),
        slice(c0 - patch.col0, c1 - patch.col0),
    )


def _s2_look(obj: PlacedObject) -> dict[str, NDArray[np.float32]]:
    rng = keyed_rng(obj.key, "look")
    grey = np.asarray([0.92, 0.97, 1.0, 1.04, 0.9], dtype=np.float32)
    if obj.domain == "aircraft":
        white = float(rng.uniform(0.35, 0.6))
        return {"body": grey * white * rng.uniform(0.97, 1.03, 5).astype(np.float32)}
    military = CATALOGUE[obj.type].object_class == "landing_ship" or obj.type == "patrol_boat"
    deck = float(rng.uniform(0.12, 0.24) if military else rng.uniform(0.08, 0.35))
    tint = rng.uniform(0.9, 1.1, 5).astype(np.float32)
    look = {"hull": grey * deck * tint, "super": grey * min(deck + float(rng.uniform(0.1, 0.25)), 0.6)}
    look["cargo"] = grey * float(rng.uniform(0.08, 0.3)) * rng.uniform(0.75, 1.3, 5).astype(np.float32)
    return look


def paint_s2(bands: NDArray[np.float32], patches: list[Patch]) -> None:
    """Composite objects (and aircraft shadows) into a (5, H, W) reflectance stack in place.

    Args:
        bands: Reflectance stack B02, B03, B04, B08, B11.
        patches: Output of :func:`draw`.
    """
    for patch in patches:
        win = patch_window(patch, bands.shape)
        if win is None:
            continue
        rs, cs, pr, pc = win
        view = bands[:, rs, cs]
        look = _s2_look(patch.obj)
        if "shadow" in patch.parts:
            view *= 1.0 - 0.55 * patch.parts["shadow"][pr, pc]
        for name, cover in patch.parts.items():
            if name == "shadow":
                continue
            c = cover[pr, pc]
            view[:] = view * (1.0 - c) + look[name][:, None, None] * c


def paint_s1(bands: NDArray[np.float32], patches: list[Patch]) -> None:
    """Add objects' radar returns to a (2, H, W) VV/VH stack in place (before blur and speckle).

    Args:
        bands: Linear VV and VH backscatter.
        patches: Output of :func:`draw`.
    """
    for patch in patches:
        win = patch_window(patch, bands.shape)
        if win is None:
            continue
        rs, cs, pr, pc = win
        rng = keyed_rng(patch.obj.key, "radar")
        if patch.obj.domain == "ship":
            base = float(np.exp(rng.uniform(math.log(1.0), math.log(6.0))))
            gains = {"hull": base, "super": base * 2.5, "cargo": base * 1.5}
        else:
            gains = {"body": float(np.exp(rng.uniform(math.log(1.5), math.log(5.0))))}
        ratio = float(rng.uniform(0.1, 0.3))
        for name, cover in patch.parts.items():
            if name in gains:
                c = cover[pr, pc]
                bands[0, rs, cs] = bands[0, rs, cs] * (1.0 - c) + gains[name] * c
                bands[1, rs, cs] = bands[1, rs, cs] * (1.0 - c) + gains[name] * ratio * c
