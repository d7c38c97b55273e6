"""Synthetic training chips with wide domain randomisation, calibrated on the four sen2ships training ports.

Each chip is drawn as one scene type: a harbour (straight quay, dock basins, curved or jagged coast; piers, moles,
breakwaters, pontoons; yards of containers, warehouses, car parks and tanks; cranes), open water, an airfield
(runway, taxiways, aprons or hardstands, terminals and hangars), a mix of the two, or a pure background chip with
the same clutter and no object. Ships and aircraft are drawn at true size (see
:mod:`monitor.training.synth.fleet`), then the sensor is imitated: a Gaussian PSF, haze, cirrus veil, partial cloud
(invalid where thick; objects under it are not drawn), noise, and for ~30 % of chips no B08/B11 (true colour only)
or, for ~15 %, no B11. Sentinel-1 chips use the same plans in linear sigma0: dark wind-roughened water, bright
town, quays and containers, dark aprons, bright hulls with sidelobe crosses, blurred to the 20 x 22 m cell and
multiplied by gamma speckle.

Calibration (measured on algiers, athens, cartagena, casablanca only, after ``to_resolution`` to 10 m; water =
B08 below the Otsu threshold, eroded 8 px, boxes masked; per-port medians):

* Water reflectance B02/B03/B04/B08/B11: algiers .059/.058/.055/.052/.048 (glint: flat spectrum), athens
  .037/.031/.022/.021/.028, casablanca .027/.031/.017/.015/.016, cartagena .153/.154/.130/.130/.105 (haze and
  silt). Deep-water std .004-.016 (swell, glint), high-pass (x - gauss2 px) .0009-.0016 per pixel.
* Per-pixel noise (robust std of neighbour differences / sqrt 2 on water): B02 .0010-.0012, B03 .0009-.0011,
  B04 .0008-.0011, B08 .0007-.0012, B11 .0002-.0004 (B11 is resampled from 20 m, hence smoother).
* Land median: B02 .11-.15, B03 .15-.16, B04 .16-.18, B08 .21-.26, B11 .23-.32; brightest tenth of land (quays,
  roofs) .16-.25/.21-.29/.24-.33/.28-.37/.29-.36; land high-pass std .010-.025 (town texture).
* Vessels (mean of the 3 brightest B08 pixels per labelled box): median .14-.28/.15-.29/.18-.30/.19-.35/.11-.24,
  B11/B08 about 0.6-0.85; contrast over the surrounding water in B08: median .06 (cartagena) to .34 (athens),
  10th-90th percentile over ports .03-.55.
* Apparent blur: erf fits across sharp land-water edges in B08 give sigma (PSF and pixel footprint together)
  q10 .62-.82 px, median 1.0-1.3 px (natural shores are not steps, so the low quantiles are the PSF).

The generator was tuned until the same estimators on 300 synthetic harbour and open-water chips gave: water median
.053/.050/.035/.022/.023 (B02 q10-q90 .029-.116, spanning the ports), noise .0009-.0011 (B11 .0004), high-pass
.0009-.0011, vessel top-3 median .18/.19/.20/.21/.17 with B11/B08 .77, B08 contrast q10/50/90 .08/.18/.32, and edge
sigma q10/25/50 .64/.81/1.08 px. Hence a PSF sigma of 0.45-0.85 px (B11 +0.8 px), noise 0.0006-0.0013, haze up to
0.1 in B02 (the cartagena look) and flat glint up to 0.05 (the algiers look).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.config.models import MIN_LENGTH_M, SensorName
from monitor.sources.synthetic.objects import Patch, draw
from monitor.training.chip import Chip
from monitor.training.synth.airport import add_apron, airport
from monitor.training.synth.coast import paint_coast
from monitor.training.synth.fleet import Item, populate
from monitor.training.synth.harbour import harbour
from monitor.training.synth.layout import SAND, SS, WATER, Layout, Line
from monitor.training.synth.outline import hull_patch
from monitor.training.synth.paint import Wake, paint_lines, paint_objects_s1, paint_objects_s2, paint_wakes
from monitor.training.synth.render import s1_surface, s2_surface
from monitor.training.synth.sensor import Sky, s1_finish, s2_finish, sky
from monitor.training.synth.terminal import terminal_chip
from monitor.training.synth.textures import choose
from monitor.world.surfaces import S2_BANDS

__all__ = ("IGNORE_SHIP_M", "MIN_AIRCRAFT_M", "MIN_SHIP_M", "NAVAL", "S2_DROP", "S2_SCENES", "SCENES", "synthetic_chip")

# Share of chips per scene type; "negative" chips reuse the other plans with clutter and no object.
SCENES = {"harbour": 0.45, "open": 0.12, "airport": 0.25, "mixed": 0.08, "negative": 0.10}
# Sentinel-2 chips add airport terminals drawn after the real development airports (:mod:`.terminal`); the radar
# network keeps the mix above.
S2_SCENES = {"harbour": 0.36, "open": 0.10, "airport": 0.13, "terminal": 0.25, "mixed": 0.06, "negative": 0.10}
# Share of optical chips that keep only B02-B04, and that keep B08 but lose B11.
S2_DROP = {"true_colour": 0.30, "no_b11": 0.15}
# Share of harbours laid out as naval bases (warships and landing ships at the berths).
NAVAL = 0.3
# Smallest objects the detector is taught to report (MIN_LENGTH_M: at 10 m a hull under about 3 px is not
# reliably separable from harbour clutter, and labelled sets such as sen2ships leave small boats out). Smaller
# boats are drawn but taught as background; 20-30 m ones and aircraft under the floor are left out of the loss.
MIN_SHIP_M, MIN_AIRCRAFT_M = MIN_LENGTH_M["vessel"], MIN_LENGTH_M["aircraft"]
IGNORE_SHIP_M = 20.0
F32 = NDArray[np.float32]


def _sun(rng: np.random.Generator) -> tuple[tuple[float, float], tuple[float, float]]:
    elevation = rng.uniform(20.0, 72.0)
    azimuth = rng.uniform(100.0, 260.0) if rng.uniform() < 0.85 else rng.uniform(0.0, 360.0)
    reach = 1.0 / (10.0 * math.tan(math.radians(elevation)))
    away = math.radians(azimuth + 180.0)
    return (azimuth, elevation), (-math.cos(away) * reach, math.sin(away) * reach)


def _plan(rng: np.random.Generator, scene: str, size: int, shadow: tuple[float, float]) -> tuple[Layout, int]:
    if scene == "negative":
        scene = choose(rng, ("harbour", "open", "airport"), (0.5, 0.2, 0.3))
    if scene == "open":
        return harbour(rng, size, shadow, "offshore"), int(rng.integers(1, 8))
    if scene == "airport":
        return airport(rng, size, shadow), 0
    lay = harbour(rng, size, shadow, "quay" if scene == "mixed" else None)
    if scene == "mixed":
        for _ in range(int(rng.integers(1, 3))):
            add_apron(rng, lay, rng.uniform(0, 180), rng.uniform(-0.4, 0.4) * size, rng.uniform(-0.6, 0.0) * size, -1)
        lay.finish()
    return lay, choose(rng, (0, 1, 2, 3), (0.4, 0.3, 0.2, 0.1))


def _clutter(rng: np.random.Generator, lay: Layout, items: list[Item], negative: bool) -> list[Wake]:
    """Wakes of moving ships plus hard negatives on water: wakes with no ship, buoys, floating debris."""
    wakes = []
    for it in items:
        if it.moving:
            dr, dc = -math.cos(math.radians(it.heading)), math.sin(math.radians(it.heading))
            stern = (it.row - dr * it.length_m / 20.0, it.col - dc * it.length_m / 20.0)
            length = it.length_m / 10.0 * rng.uniform(1.0, 6.0)
            wakes.append(Wake(*stern, it.heading, length, max(0.5, it.width_m / 10.0 * rng.uniform(1.0, 2.0)),
                              rng.uniform(0.01, 0.06)))  # fmt: skip
    # Water cells on a 40 m lattice are enough to scatter a few hard negatives.
    water = np.argwhere(lay.labels[:: SS * 4, :: SS * 4] == WATER) * 4.0 + 2.0
    if len(water):
        for _ in range(int(rng.poisson(2.5 if negative else 0.7))):
            r, c = water[int(rng.integers(len(water)))]
            wakes.append(
                Wake(r, c, rng.uniform(0, 360), rng.uniform(5, 40), rng.uniform(0.5, 2.5), rng.uniform(0.01, 0.05))
            )
        for _ in range(int(rng.poisson(3.0 if negative else 1.0))):
            r, c = water[int(rng.integers(len(water)))] + rng.uniform(-2, 2, 2)
            look = choose(rng, ("white", "orange", "red", "grey"))
            lay.lines.append(Line(r, c, r, c, rng.uniform(1.5, 6.0), look, rng.uniform(0.05, 1.0)))
    return wakes


def _whitecaps(rng: np.random.Generator, refl: NDArray[np.float32], water: NDArray[np.float32]) -> None:
    count = choose(rng, (0, 0, 0, 10, 60))
    if count:
        rows, cols = rng.integers(0, refl.shape[1], count), rng.integers(0, refl.shape[2], count)
        gain = rng.uniform(0.003, 0.025, count).astype(np.float32) * water[rows, cols]
        refl[:, rows, cols] += np.asarray([1.0, 1.0, 1.0, 0.9, 0.5], np.float32)[:, None] * gain


def _footprint(patch: Patch, size: int) -> NDArray[np.bool_]:
    """Pixels a drawn object touches on the chip."""
    nr, nc = next(iter(patch.parts.values())).shape
    total = np.zeros((nr, nc), np.float32)
    for name, cover in patch.parts.items():
        if name != "shadow":
            total += cover
    out = np.zeros((size, size), dtype=bool)
    r0, c0 = max(patch.row0, 0), max(patch.col0, 0)
    r1, c1 = min(patch.row0 + nr, size), min(patch.col0 + nc, size)
    if r0 < r1 and c0 < c1:
        out[r0:r1, c0:c1] = total[r0 - patch.row0 : r1 - patch.row0, c0 - patch.col0 : c1 - patch.col0] > 0.05
    return out


def _ignore(size: int, patches: list[NDArray[np.bool_]]) -> NDArray[np.bool_] | None:
    """Union of the footprints of objects cut by the border, grown by one pixel for the PSF."""
    if not patches:
        return None
    out = np.zeros((size, size), dtype=bool)
    for p in patches:
        out |= p
    grown: NDArray[np.bool_] = ndimage.binary_dilation(out)
    return grown


def _optical(
    rng: np.random.Generator,
    lay: Layout,
    cover: F32,
    scene: _Drawn,
    atmosphere: Sky,
    shadow: tuple[float, float],
    negative: bool,
) -> tuple[dict[str, F32], NDArray[np.bool_]]:
    refl = s2_surface(rng, lay, cover)
    paint_coast(rng, refl, cover[WATER], cover[SAND], negative)
    paint_wakes(refl, scene.wakes, radar=False)
    _whitecaps(rng, refl, cover[WATER])
    paint_lines(refl, lay.lines, rng, shadow, radar=False)
    paint_objects_s2(refl, scene.patches, scene.items, rng, shadow)
    out = s2_finish(rng, refl, atmosphere)
    draw = rng.uniform()
    count = 3 if draw < S2_DROP["true_colour"] else 4 if draw < sum(S2_DROP.values()) else 5
    bands = {n: np.ascontiguousarray(out[i]) for i, n in enumerate(S2_BANDS[:count])}
    return bands, atmosphere.opacity < 0.5


def _radar(
    rng: np.random.Generator, lay: Layout, cover: F32, scene: _Drawn, shadow: tuple[float, float]
) -> tuple[dict[str, F32], NDArray[np.bool_]]:
    sigma0 = s1_surface(rng, lay, cover)
    paint_wakes(sigma0, scene.wakes, radar=True)
    paint_lines(sigma0, lay.lines, rng, shadow, radar=True)
    paint_objects_s1(sigma0, scene.patches, scene.items, rng)
    out = s1_finish(rng, sigma0)
    bands = {"VV": np.ascontiguousarray(out[0]), "VH": np.ascontiguousarray(out[1])}
    return bands, np.ones((lay.size, lay.size), dtype=bool)


def _reported(item: Item) -> bool:
    if item.kind.domain == "ship":
        return item.length_m >= MIN_SHIP_M
    return max(item.length_m, item.width_m) >= MIN_AIRCRAFT_M


def _unsure(item: Item) -> bool:
    """Objects whose label is ambiguous: ships near the size floor and aircraft below it."""
    if item.kind.domain == "ship":
        return IGNORE_SHIP_M <= item.length_m < MIN_SHIP_M
    return max(item.length_m, item.width_m) < MIN_AIRCRAFT_M


class _Drawn:
    """The items that reach the chip, their outlines, which are labelled (centre inside) and the wakes."""

    def __init__(self, items: list[Item], size: int, sun: tuple[float, float], wakes: list[Wake]) -> None:
        half = size / 2
        self.items = [
            i for i in items if max(abs(i.row - half), abs(i.col - half)) < half + max(i.length_m, i.width_m) / 20 + 2
        ]
        planes = iter(draw([i.placed() for i in self.items if i.kind.domain == "aircraft"], 10.0, sun))
        self.patches = [hull_patch(i.placed()) if i.kind.domain == "ship" else next(planes) for i in self.items]
        inside = [0 <= i.row < size and 0 <= i.col < size for i in self.items]
        self.labelled = [keep and _reported(i) for i, keep in zip(self.items, inside, strict=True)]
        self.wakes = wakes
        unsure = [not keep or _unsure(i) for i, keep in zip(self.items, inside, strict=True)]
        self.ignore = _ignore(size, [_footprint(p, size) for p, u in zip(self.patches, unsure, strict=True) if u])


def synthetic_chip(rng: np.random.Generator, sensor: SensorName, size: int = 96) -> Chip:
    """Draw one random synthetic training chip.

    Args:
        rng: Generator; the chip is a deterministic function of its state.
        sensor: ``sentinel-2-l2a`` (reflectance B02, B03, B04 and usually B08, B11) or ``sentinel-1-grd``
            (linear VV and VH).
        size: Chip side in 10 m pixels (even, at most 128).

    Returns:
        The chip; every drawn object whose centre lies inside it and that is at least ``MIN_SHIP_M`` (ships) or
        ``MIN_AIRCRAFT_M`` (aircraft) long is labelled with its true class, size and heading. Objects cut by the
        border with their centre outside, ships of ``IGNORE_SHIP_M`` up to ``MIN_SHIP_M`` and aircraft under
        ``MIN_AIRCRAFT_M`` are drawn and their pixels put in ``ignore``; smaller boats are plain background.
    """
    mix = S2_SCENES if sensor == "sentinel-2-l2a" else SCENES
    kind = choose(rng, tuple(mix), tuple(mix.values()))
    if kind == "terminal":
        return terminal_chip(rng, size)
    sun, shadow = _sun(rng)
    lay, at_sea = _plan(rng, kind, size, shadow)
    negative = kind == "negative"
    items = [] if negative else populate(rng, lay, naval=rng.uniform() < NAVAL, at_sea=at_sea)
    atmosphere = sky(rng, size, shadow) if sensor == "sentinel-2-l2a" else None
    if atmosphere is not None:
        # Objects under thick cloud are simply not drawn, so they need no label and no ignore mask.
        op = atmosphere.opacity
        items = [i for i in items if not (0 <= i.row < size and 0 <= i.col < size) or op[int(i.row), int(i.col)] < 0.35]
    scene = _Drawn(items, size, sun, _clutter(rng, lay, items, negative))
    cover = lay.coverage()
    if atmosphere is not None:
        bands, valid = _optical(rng, lay, cover, scene, atmosphere, shadow, negative)
    else:
        bands, valid = _radar(rng, lay, cover, scene, shadow)
    objects = [i.target() for i, keep in zip(scene.items, scene.labelled, strict=True) if keep]
    return Chip(sensor, bands, valid, objects, scene.ignore, True, "synthetic")
