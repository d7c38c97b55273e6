"""Synthetic aircraft painted onto the dry land of real Sentinel-2 port chips.

Every real chip the network learns from is a port, and before this every pixel of their land was background, while
every aircraft it ever saw stood on a drawn surface. That teaches a shortcut: real texture means "no aircraft". On
the real development airports the network then scored parked airliners that were plainly visible at 0.05-0.3, or
not at all. Grafting drawn aircraft (with their pads, shadows and service vehicles) onto real paved land breaks
the shortcut: the same real texture now holds aircraft in some chips and not in others, so only the aircraft
themselves can explain the labels.

Aircraft are drawn at 2 m over the real pixels repeated 5 x 5, with :class:`~.stage.Stage`, and area-averaged
back to 10 m; only what was drawn is then softened by a small Gaussian, so untouched pixels keep their real values
exactly. Spots are dry (no image water within 60 m, the no-AOI rule's own test), not vegetated, not too dark or
bright, and away from the chip's labelled ships.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.config.models import MIN_LENGTH_M, TRANSPORT_MIN_M
from monitor.detect.cnn.surface import image_water
from monitor.training.chip import CLASS_INDEX, Chip
from monitor.training.synth.stage import SUB, TRUE_COLOUR, Stage, frame, leave_out, plane_size
from monitor.training.targets import TargetObject
from monitor.world.surfaces import S2_BANDS

__all__ = ("PATCH", "dry_land", "dry_spots", "graft_aircraft")

F32 = NDArray[np.float32]
PATCH = 32  # pixels (320 m) drawn per group of aircraft


def dry_land(bands: dict[str, F32], valid: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Pixels of a real chip where an aircraft may stand: dry, paved-looking land.

    Args:
        bands: The chip's reflectance bands (B02, B03, B04, optionally B08).
        valid: The chip's valid pixels.

    Returns:
        Valid pixels with no image water within 6 px, not vegetated and neither very dark nor very bright.
    """
    h, w = valid.shape
    water = image_water(bands)
    wet = np.zeros((h, w), np.float32) if water is None else water.astype(np.float32)
    near_water = ndimage.uniform_filter(wet, 13, mode="nearest") > 0.02
    lum = (bands["B02"] + bands["B03"] + bands["B04"]) / 3.0
    ok: NDArray[np.bool_] = valid & ~near_water & (lum > 0.06) & (lum < 0.3)
    if "B08" in bands:
        red, green, nir = bands["B04"], bands["B03"], bands["B08"]
        ok &= (nir - red) / np.maximum(nir + red, 1e-6) < 0.3
        # Hazy sea escapes the water test (NDWI a little below 0); paved land is well below it.
        ok &= (green - nir) / np.maximum(green + nir, 1e-6) < -0.12
    return ok


def dry_spots(land: NDArray[np.bool_], avoid: list[tuple[float, float]]) -> NDArray[np.bool_]:
    """Centre pixels for a group of aircraft: dry land at least ``PATCH / 2`` from the border.

    Args:
        land: :func:`dry_land` of the chip.
        avoid: (row, col) of labelled objects; no group is centred within 8 px of them.

    Returns:
        Candidate centre pixels.
    """
    ok = land.copy()
    h, w = land.shape
    half = PATCH // 2
    border = np.zeros_like(ok)
    border[half : h - half, half : w - half] = True
    ok &= border
    rr, cc = np.ogrid[:h, :w]
    for r, c in avoid:
        ok &= (rr - r) ** 2 + (cc - c) ** 2 > 64
    return ok


def _draw_group(stage: Stage, rng: np.random.Generator) -> None:
    """A row of parked aircraft through the stage's centre, sometimes with service vehicles beside them.

    Only the centre is known to be dry: a long row may reach a quay's edge, as rows of stands do at real airports.
    """
    e = stage.extent
    theta = float(rng.uniform(0.0, 360.0))
    count = int(rng.integers(1, 6))
    gap = float(rng.uniform(2.0, 15.0))
    sizes = [plane_size(rng) for _ in range(count)]
    row = sum(max(s[0], s[1]) for s in sizes) + gap * (count - 1)
    along = -row / 2
    nose = theta + (0.0 if rng.uniform() < 0.7 else float(rng.uniform(0.0, 360.0)))
    if rng.uniform() < 0.7:
        # Most aircraft stand on an apron: a slab of pavement in the real surroundings.
        depth = max(max(sz[0], sz[1]) for sz in sizes) + float(rng.uniform(10.0, 60.0))
        slab = stage.cv.spectrum("concrete" if rng.uniform() < 0.6 else "asphalt", 0.15)
        stage.cv.rect(e / 2, e / 2, theta + 90.0, min(row + rng.uniform(10.0, 80.0), e), min(depth, e), slab)
    for size in sizes:
        reach = max(size[0], size[1])
        along += reach / 2
        y, x = frame(e / 2, e / 2, theta + 90.0, along, 0.0)
        if reach / 2 < y < e - reach / 2 and reach / 2 < x < e - reach / 2:
            stage.plane(y, x, nose + float(rng.normal(0.0, 4.0)), size)
        along += reach / 2 + gap
    for p in list(stage.planes):
        if rng.uniform() < 0.4:
            stage.vehicle(p.y + rng.uniform(-0.6, 0.6) * p.length, p.x + rng.uniform(-0.6, 0.6) * p.span, theta)


def graft_aircraft(chip: Chip, rng: np.random.Generator, groups: int = 2) -> Chip:
    """Paint up to ``groups`` rows of aircraft onto a real Sentinel-2 chip's dry land.

    Args:
        chip: A real chip (reflectance bands B02, B03, B04 and optionally B08/B11).
        rng: Generator; the result is a deterministic function of its state and the chip.
        groups: Most groups of aircraft painted.

    Returns:
        A new chip with the aircraft in its bands and labels (``transport_aircraft`` from 38 m, else ``aircraft``;
        smaller ones and those off the patch are left out of the loss). A chip with no dry land comes back as it is.
        It is true colour (B08 and B11 dropped) with the terminal chips' probability.
    """
    bands = {k: v.copy() for k, v in chip.bands.items()}
    spots = dry_spots(dry_land(bands, chip.valid), [(o.row, o.col) for o in chip.objects])
    ignore = np.zeros(chip.valid.shape, bool) if chip.ignore is None else chip.ignore.copy()
    objects = list(chip.objects)
    present = [b for b in S2_BANDS if b in bands]
    half = PATCH // 2
    for _ in range(int(rng.integers(1, groups + 1))):
        rows, cols = np.nonzero(spots)
        if rows.size == 0:
            break
        k = int(rng.integers(rows.size))
        r0, c0 = int(rows[k]) - half, int(cols[k]) - half
        win = (slice(r0, r0 + PATCH), slice(c0, c0 + PATCH))
        stack = np.stack([bands.get(b, bands.get("B08", bands["B04"]))[win] for b in S2_BANDS])
        stage = Stage(rng, PATCH)
        under = stack.repeat(SUB, axis=1).repeat(SUB, axis=2)
        stage.cv.img[:] = under
        _draw_group(stage, rng)
        # The change, not the drawing, is averaged and softened: it is exactly zero a few pixels from anything
        # drawn, so the real pixels there keep their values bit for bit.
        change = (stage.cv.img - under).reshape(len(S2_BANDS), PATCH, SUB, PATCH, SUB).mean(axis=(2, 4))
        added = ndimage.gaussian_filter(change, (0, *(2 * [float(rng.uniform(0.0, 0.7))])))
        for i, b in enumerate(S2_BANDS):
            if b in present:
                bands[b][win] = np.maximum(stack[i] + added[i], 0.0).astype(np.float32)
        for p in stage.planes:
            placed = dataclasses.replace(p, y=p.y + r0 * 10.0, x=p.x + c0 * 10.0)
            span = max(p.length, p.span)
            if span >= MIN_LENGTH_M["aircraft"]:
                cls = "transport_aircraft" if span >= TRANSPORT_MIN_M else "aircraft"
                objects.append(
                    TargetObject(placed.y / 10.0, placed.x / 10.0, CLASS_INDEX[cls], p.length, p.span, p.heading % 180)
                )
            else:
                leave_out(ignore, placed)
        spots[max(r0 - half, 0) : r0 + PATCH + half, max(c0 - half, 0) : c0 + PATCH + half] = False
    if rng.uniform() < TRUE_COLOUR:
        bands = {k: v for k, v in bands.items() if k in ("B02", "B03", "B04")}
    return dataclasses.replace(chip, bands=bands, objects=objects, ignore=ignore, origin=f"{chip.origin}+aircraft")
