"""Classical baselines: two-parameter CFAR for Sentinel-1 and a robust bright-outlier test for Sentinel-2.

Both work at 10 m (scenes are resampled first) and compare each pixel with statistics of its own kind of
background only: water for ships, runway/taxiway/apron for aircraft. Quays and piers are bright in both
sensors, so letting them into the background would inflate the spread and hide the ships moored next to them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.config.models import AIRCRAFT_CLASSES, SHIP_CLASSES, AOIConfig, SizeRule
from monitor.detect.background import (
    away_from_gaps,
    cfar_threshold,
    cfar_z,
    fill_small_holes,
    inner,
    odd_window,
    otsu,
    robust_z,
)
from monitor.detect.base import Detection
from monitor.detect.measure import (
    Blob,
    feret_lengths,
    matching_rule,
    measure_blobs,
    rafted_pair,
    score_from_stat,
    split_long,
)
from monitor.imagery.grid import SiteMasks, site_masks, to_lonlat
from monitor.imagery.resample import map_pixels, to_resolution
from monitor.imagery.scene import Scene

__all__ = (
    "DEFAULT_SHIP_RULES",
    "ClassicalDetector",
    "ClassicalParams",
    "Layer",
    "cfar_threshold",
    "cfar_z",
    "robust_z",
)

Array = NDArray[np.float32]
Mask = NDArray[np.bool_]
_EIGHT = np.ones((3, 3), dtype=bool)

#: Size rules used without an AOI: any ship-sized object on water is a ``vessel``. Telling a landing ship
#: from a cargo ship of the same length needs site context (which berth it is at), so it is never guessed.
DEFAULT_SHIP_RULES: tuple[SizeRule, ...] = (SizeRule(object_class="vessel", min_length_m=50.0),)


@dataclass(frozen=True)
class ClassicalParams:
    """Tunable settings of :class:`ClassicalDetector` (defaults tuned on synthetic scenes and four real ports).

    Attributes:
        pfa: Sentinel-1 CFAR false-alarm probability per pixel (``10**-6.5`` gives t of about 4.98).
        guard_m: CFAR guard square side in metres (at least 200 m, longer than any ship).
        outer_m: CFAR background square side in metres (at least 2.5x the guard).
        k_nir: Sentinel-2 ships: NIR excess over the local water median, in local MADs.
        k_visible: Sentinel-2 ships without B08: absolute visible deviation, in local MADs.
        k_airside: Sentinel-2 aircraft: visible excess over the local apron median, in local MADs.
        mad_floor: Smallest MAD in reflectance, so glassy water does not fire on noise.
        block_px: Tile side of the local median (the window is three tiles wide).
        grow: Hysteresis: objects extend over neighbours above ``grow`` times the threshold.
        ndwi_min: NDWI above which a pixel counts as open water.
        blue_min: Without NIR, water needs ``(B02 - B04) / (B02 + B04)`` above this.
        texture_max: Without NIR, water needs a 5x5 visible standard deviation below this.
        dark_max: Without NIR, water needs a 5x5 visible mean below this.
        hole_m2: Enclosed non-water patches up to this area are searched (ships are such patches).
        layout_rim_px: Rim removed from layout water/airside polygons against other surfaces.
        shore_rim_px: Rim removed from estimated water against land (mixed shore pixels are bright).
        ship_length_m: Measured ship lengths kept after splitting.
        aircraft_length_m: Measured aircraft sizes (largest dimension) kept.
        longest_ship_m: Longest expected ship; None takes the largest finite ``max_length_m`` of the
            ship size rules, else the top of ``ship_length_m``. Objects 1.6x longer are split.
        min_core_px: Objects need this many pixels at or above the threshold (a lone bright pixel is
            more often speckle, a glint or a buoy than a ship or an aircraft).
        min_score: Objects scoring below this are dropped (0.5: mean contrast of peak and object at
            least the threshold, which removes speckle spikes held together only by hysteresis).
        cloud_buffer_px: Pixels this close to cloud, shadow or no-data are not searched: thin haze at cloud
            fringes is bright and patchy, and the scene classification rarely flags all of it.
    """

    pfa: float = 10.0**-6.5
    guard_m: float = 210.0
    outer_m: float = 550.0
    k_nir: float = 7.0
    k_visible: float = 9.0
    k_airside: float = 7.0
    mad_floor: float = 0.004
    block_px: int = 16
    grow: float = 0.5
    ndwi_min: float = 0.0
    blue_min: float = 0.0
    texture_max: float = 0.008
    dark_max: float = 0.25
    hole_m2: float = 30000.0
    layout_rim_px: int = 1
    shore_rim_px: int = 3
    ship_length_m: tuple[float, float] = (30.0, 250.0)
    aircraft_length_m: tuple[float, float] = (20.0, 90.0)
    longest_ship_m: float | None = None
    min_score: float = 0.5
    min_core_px: int = 2
    cloud_buffer_px: int = 8


@dataclass(frozen=True)
class Layer:
    """One family's contrast statistic: ``z`` in background spreads, searched over ``domain``."""

    z: Array
    domain: Mask
    threshold: float
    family: tuple[str, ...]


class ClassicalDetector:
    """Threshold-based ship and aircraft detector (no training, no weights).

    Sentinel-1: two-parameter CFAR on VV+VH with water-only (ships) or airside-only (aircraft) background.
    Sentinel-2: robust local outlier test; ships are NIR-bright over water when B08 exists (else any strong
    visible deviation, as hulls can be darker or brighter than water), aircraft are visible-bright over
    concrete. Candidates are grown by hysteresis, measured, split where several hulls merged, and classed
    with the AOI's size rules; objects centred on invalid (cloudy, no-data) pixels are dropped.

    Without an AOI the detector estimates water itself (NDWI; blue, smooth pixels; or dark SAR pixels) and
    reports ships only, all as ``vessel`` (:data:`DEFAULT_SHIP_RULES`): a landing ship is never assigned
    without site context, and no aircraft are reported since airside surfaces are unknown.

    Args:
        params: Settings; defaults when None.
    """

    name = "classical"
    version = "classical-1"

    def __init__(self, params: ClassicalParams | None = None) -> None:
        self.params = params or ClassicalParams()

    def detect(self, scene: Scene, aoi: AOIConfig | None, masks: SiteMasks | None) -> list[Detection]:
        """Find ships (on water) and aircraft (on airside surfaces) in one scene.

        Args:
            scene: The scene in any CRS; resampled internally to 10 m when needed.
            aoi: The site, or None to search the whole image for ships.
            masks: The site layout on the scene grid (rebuilt on the working grid when resampling).

        Returns:
            Detections, best score first, with x/y in the scene's CRS and row/col on its pixel grid.
        """
        work, _ = to_resolution(scene)
        if aoi is not None and (masks is None or masks.grid != work.grid):
            masks = site_masks(aoi, work.grid)
        rules = list(aoi.size_rules) if aoi is not None else list(DEFAULT_SHIP_RULES)
        layers, clear = self.layers(work, masks)
        found: list[tuple[Blob, str, float, float]] = []
        for layer in layers:
            if any(r.object_class in layer.family for r in rules) and layer.domain.any():
                found += self._objects(layer, clear, work.pixel_size_m, rules, masks, work.sensor)
        return self._report(scene, work, found)

    def layers(self, work: Scene, masks: SiteMasks | None) -> tuple[list[Layer], Mask]:
        """The contrast statistics of a 10 m scene, one layer per object family, and the pixels searched.

        Args:
            work: The scene on its 10 m working grid.
            masks: The site layout on that grid (None: water is estimated from the image, ships only).

        Returns:
            ``(layers, clear)``: the layers, and the valid pixels away from cloud and no-data.
        """
        clear = away_from_gaps(work.valid, self.params.cloud_buffer_px)
        s1 = work.sensor == "sentinel-1-grd"
        return (self._s1(work, masks, clear) if s1 else self._s2(work, masks, clear)), clear

    def _s1(self, work: Scene, masks: SiteMasks | None, clear: Mask) -> list[Layer]:
        p, px = self.params, work.pixel_size_m
        present = [work.bands[b] for b in ("VV", "VH") if b in work.bands]
        inten = np.sum(present, axis=0).astype(np.float32) if present else np.zeros(work.grid.shape, np.float32)
        guard = odd_window(p.guard_m / px)
        outer = odd_window(max(p.outer_m / px, 2.5 * guard))
        t = cfar_threshold(p.pfa)
        if masks is None:
            db = (10.0 * np.log10(ndimage.uniform_filter(inten, 5) + 1e-10)).astype(np.float32)
            cut = otsu(db[clear]) if clear.any() else 0.0
            dark, light = db[clear & (db <= cut)], db[clear & (db > cut)]
            # A unimodal (all-sea) scene has no land class: Otsu would then split the sea's own speckle.
            two = dark.size > 0 and light.size > 0 and float(np.median(light) - np.median(dark)) > 6.0
            water = clear & (db <= cut) if two else clear
            dom = inner(fill_small_holes(water, int(p.hole_m2 / px**2)), p.shore_rim_px)
            return [Layer(cfar_z(inten, water, guard, outer), dom, t, SHIP_CLASSES)]
        water, air, rim = masks.water, masks.airside, p.layout_rim_px
        return [
            Layer(cfar_z(inten, water & clear, guard, outer), inner(water, rim), t, SHIP_CLASSES),
            Layer(cfar_z(inten, air & clear, guard, outer), inner(air, rim), t, AIRCRAFT_CLASSES),
        ]

    def _s2(self, work: Scene, masks: SiteMasks | None, clear: Mask) -> list[Layer]:
        p, b, px = self.params, work.bands, work.pixel_size_m
        vis = ((b["B02"] + b["B03"] + b["B04"]) / 3.0).astype(np.float32)
        nir = b.get("B08")
        if nir is not None:
            wet = (b["B03"] - nir) / np.maximum(b["B03"] + nir, 1e-6) > p.ndwi_min
            bright, signed, k = nir, True, p.k_nir
        else:
            wet, bright, signed, k = self._visible_water(vis, b), vis, False, p.k_visible
        if masks is None:
            bg = ~fill_small_holes(~(wet & clear), int(p.hole_m2 / px**2) // 4)
            dom = inner(fill_small_holes(bg, int(p.hole_m2 / px**2)), p.shore_rim_px)
            return [Layer(robust_z(bright, bg, p.block_px, p.mad_floor, signed), dom, k, SHIP_CLASSES)]
        water, air, rim = masks.water, masks.airside, p.layout_rim_px
        # The layout is trusted over a single image's water index (turbid water, drawn too generously).
        open_water = water & wet & clear if (water & wet).sum() >= 0.1 * water.sum() else water & clear
        return [
            Layer(robust_z(bright, open_water, p.block_px, p.mad_floor, signed), inner(water, rim), k, SHIP_CLASSES),
            Layer(robust_z(vis, air & clear, p.block_px, p.mad_floor), inner(air, rim), p.k_airside, AIRCRAFT_CLASSES),
        ]

    def _visible_water(self, vis: Array, b: dict[str, Array]) -> Mask:
        # Without NIR, water is told from land by being blue-dominant and smooth; brightness alone fails
        # under haze, where open water can be as bright as the town.
        p = self.params
        blue = ndimage.uniform_filter((b["B02"] - b["B04"]) / np.maximum(b["B02"] + b["B04"], 1e-6), 3)
        mean = ndimage.uniform_filter(vis, 5)
        texture = np.sqrt(np.maximum(ndimage.uniform_filter(vis * vis, 5) - mean * mean, 0.0))
        wet: Mask = (blue > p.blue_min) & (texture < p.texture_max) & (mean < p.dark_max)
        return wet

    def _objects(
        self, layer: Layer, clear: Mask, px: float, rules: list[SizeRule], masks: SiteMasks | None, sensor: str
    ) -> list[tuple[Blob, str, float, float]]:
        p, thr = self.params, layer.threshold
        zd = np.where(layer.domain & clear, layer.z, 0.0).astype(np.float32)
        lab, n = ndimage.label(zd > p.grow * thr, structure=_EIGHT)
        if n == 0:
            return []
        keep = np.zeros(n + 1, dtype=bool)
        keep[1:] = np.bincount(lab[zd >= thr], minlength=n + 1)[1:] >= p.min_core_px
        lab = np.where(keep[lab], lab, 0)
        aircraft = layer.family == AIRCRAFT_CLASSES
        if not aircraft:
            ship_max = [r.max_length_m for r in rules if r.object_class in SHIP_CLASSES and r.max_length_m < 1e4]
            longest = p.longest_ship_m or (max(ship_max) if ship_max else p.ship_length_m[1])
            lab, n = split_long(lab, measure_blobs(lab, n, zd, px), zd, px, longest)
        blobs = measure_blobs(lab, n, zd, px)
        lengths = feret_lengths(lab, blobs, px) if aircraft else [b.length_m for b in blobs]
        lo, hi = p.aircraft_length_m if aircraft else p.ship_length_m
        out: list[tuple[Blob, str, float, float]] = []
        for blob, length in zip(blobs, lengths, strict=True):
            if not lo <= length <= hi:
                continue
            zones = masks.zone_names_at(round(blob.row), round(blob.col)) if masks is not None else set()
            rule = matching_rule(length, blob.width_m, zones, rules, layer.family, sensor)
            score = score_from_stat(blob.peak, blob.mean, thr)
            if rule is None or score < p.min_score:
                continue
            if rule.rafted(blob.width_m):
                # As wide as two hulls: a rafted pair, reported as two objects side by side.
                half = dataclasses.replace(blob, width_m=blob.width_m / 2.0)
                for row, col in rafted_pair(blob.row, blob.col, blob.heading_deg, blob.width_m, px):
                    out.append((dataclasses.replace(half, row=row, col=col), rule.object_class, length, score))
                continue
            out.append((blob, rule.object_class, length, score))
        return out

    @staticmethod
    def _report(scene: Scene, work: Scene, found: list[tuple[Blob, str, float, float]]) -> list[Detection]:
        if not found:
            return []
        rows, cols = np.array([f[0].row for f in found]), np.array([f[0].col for f in found])
        xs, ys, r0, c0 = map_pixels(work.grid, scene.grid, rows, cols)
        ri, ci = np.round(r0).astype(int), np.round(c0).astype(int)
        ok = (ri >= 0) & (ri < scene.grid.height) & (ci >= 0) & (ci < scene.grid.width)
        ok[ok] = scene.valid[ri[ok], ci[ok]]
        lons, lats = to_lonlat(scene.grid.crs, xs[ok], ys[ok])
        dets = []
        for i, lon, lat in zip(np.flatnonzero(ok), lons, lats, strict=True):
            blob, cls, length, score = found[i]
            x, y, row, col = float(xs[i]), float(ys[i]), float(r0[i]), float(c0[i])
            width = min(blob.width_m, length)
            dets.append(Detection(cls, score, x, y, lon, lat, length, width, blob.heading_deg, row, col))
        return sorted(dets, key=lambda d: -d.score)
