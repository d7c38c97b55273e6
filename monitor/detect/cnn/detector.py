"""The trained detector behind the :class:`~monitor.detect.base.Detector` interface.

Scenes are resampled to 10 m, normalised, run through the sensor's network in overlapping tiles, and decoded
into objects with class, size and heading. With an AOI, the model decides the family (ship or aircraft) and the
size; the site's ordered size rules then decide the class from the predicted length, width and zone, first match
wins, and an object no rule accepts is dropped. At 10 m a 112 m landing ship and a 110 m warship or cargo ship
look alike, so the berth (a site fact) is the better judge: Dunai's rules make a landing-ship-sized hull a
``landing_ship`` only at the naval berths.

With ``sizing="image"`` (the default) a sited object's size is measured from the pixels around its peak
(:mod:`monitor.detect.hull`) rather than taken from the network's size head, which cannot tell a 60 m patrol
boat from a 112 m landing ship nor an An-148 from an Il-76; and peaks within the classical detector's cloud rim
(8 px) are not believed, as haze at cloud fringes passes for hulls. The version then carries ``+hull`` so that
counts made either way are never mixed in one series.

With ``second_look`` (the default) doubtful Sentinel-2 peaks are scored again over the eight flips and turns of a
window around them (:mod:`monitor.detect.cnn.rescore`) before any threshold or site rule, and the version carries
``+d4``.

Without an AOI the bundle's ``unsited`` operating point applies to ships (a minimum score and length chosen on the
real training ports, whose labels leave out small boats), and peaks lying on a stronger object's footprint are
merged.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import AIRCRAFT_CLASSES, CLASSES, SHIP_CLASSES, AOIConfig, SizeRule
from monitor.detect.base import Detection
from monitor.detect.classical import ClassicalDetector
from monitor.detect.cnn.fast import Precision, fold_batch_norms, use_bfloat16
from monitor.detect.cnn.heatmap import Peak
from monitor.detect.cnn.inputs import to_input
from monitor.detect.cnn.rescore import rescore
from monitor.detect.cnn.surface import image_water, loosest_class, unsited_families
from monitor.detect.cnn.tiles import merge_hulls, predict
from monitor.detect.cnn.weights import Bundle, load_bundle, sensor_model
from monitor.detect.hull import object_sizes
from monitor.detect.measure import matching_rule, rafted_pair
from monitor.imagery.grid import SiteMasks, site_masks, to_lonlat
from monitor.imagery.resample import map_pixels, to_resolution
from monitor.imagery.scene import Scene

__all__ = ("SECOND_LOOK_BAND", "CnnDetector", "Sizing", "unsited_keeps", "unsited_thresholds")

Sizing = Literal["image", "network"]
#: First scores that get a second look. On the 22 tuning airports, widening it to [0.15, 1.0] changed one
#: detection in 471, at the price of many more windows.
SECOND_LOOK_BAND = (0.25, 0.75)


def unsited_thresholds(thresholds: list[float], unsited: dict[str, float]) -> list[float]:
    """Per-class decoding thresholds without a site.

    The floors chosen on real images (``aircraft_min_score`` on the tuning airports, ``min_score`` on the real
    training ports) replace the synthetic-chip thresholds of their family, lower or higher: a ship floor under
    the vessel threshold used to be chosen by the sweep yet never reached, as no vessel under its threshold was
    decoded.

    Args:
        thresholds: The model's thresholds, in ``CLASSES`` order.
        unsited: The bundle's ``unsited`` card entry.

    Returns:
        The thresholds to decode with.
    """
    floors = {"aircraft_min_score": AIRCRAFT_CLASSES, "min_score": SHIP_CLASSES}
    out = list(thresholds)
    for key, family in floors.items():
        if key in unsited:
            out = [unsited[key] if c in family else t for c, t in zip(CLASSES, out, strict=True)]
    return out


def unsited_keeps(p: Peak, cls: str, unsited: dict[str, float]) -> bool:
    """Whether a peak passes the no-AOI operating point.

    Ships need ``min_score`` and ``min_length_m`` (chosen on the real training ports). Both score floors are
    also the decoding thresholds of their families (:func:`unsited_thresholds`), and a peak whose family the
    image's water changes is held to its new family's floor, so in :meth:`CnnDetector.detect` only the length
    test can still remove a ship here; the score test states the whole operating point for other callers.

    Args:
        p: The peak.
        cls: Its class name.
        unsited: The bundle's ``unsited`` card entry.

    Returns:
        True to keep it.
    """
    if cls not in SHIP_CLASSES:
        return True
    return p.score >= unsited.get("min_score", 0.0) and p.length_m >= unsited.get("min_length_m", 0.0)


class CnnDetector:
    """CenterNet-style point detector with shipped default weights.

    Args:
        weights: A weights bundle file (default: the one shipped in the package).
        tile: Tile size for inference. One 2,048 px tile runs about twice as fast on a CPU as sixteen
            overlapping 512 px ones and needs well under 1 GB; larger inputs are read in windows anyway.
        batch: Tiles per forward pass.
        precision: ``float32``, ``bfloat16`` or ``auto`` (bfloat16 where the CPU has AMX tiles; see
            :mod:`monitor.detect.cnn.fast`).
        sizing: Where a sited object's size comes from: ``image`` (measured around the peak, falling back to the
            network where the image shows no hull) or ``network`` (the size head alone).
        second_look: On Sentinel-2, re-score doubtful peaks (first score in :data:`SECOND_LOOK_BAND`) by the
            mean over the eight flips and quarter turns of a window around them
            (:mod:`monitor.detect.cnn.rescore`); the version then carries ``+d4``.
    """

    name = "cnn"

    def __init__(
        self,
        weights: Path | None = None,
        tile: int = 2048,
        batch: int = 1,
        precision: Precision = "auto",
        sizing: Sizing = "image",
        second_look: bool = True,
    ) -> None:
        self.bundle: Bundle = load_bundle(weights)
        self.sizing = sizing
        self.second_look = second_look
        self.version = self.bundle.version + ("+hull" if sizing == "image" else "") + ("+d4" if second_look else "")
        self.tile = tile
        self.batch = batch
        self.bfloat16 = use_bfloat16(precision)
        # Folded copies for inference: the bundle's own networks stay as trained, so a bundle saved back from
        # this detector (the no-AOI calibration does that) still loads.
        self._nets = {sensor: fold_batch_norms(copy.deepcopy(m.net)) for sensor, m in self.bundle.models.items()}

    def detect(self, scene: Scene, aoi: AOIConfig | None, masks: SiteMasks | None) -> list[Detection]:
        """Detect objects in a scene.

        Args:
            scene: The scene (any CRS and pixel size).
            aoi: The site, for class refinement by its size rules (None: classes from the model alone).
            masks: The site layout on the scene grid (rebuilt on the 10 m grid when resampling).

        Returns:
            Detections on valid pixels, best score first.
        """
        model = sensor_model(self.bundle, scene.sensor)
        work, _ = to_resolution(scene)
        if aoi is not None and (masks is None or masks.grid != work.grid):
            masks = site_masks(aoi, work.grid)
        x = to_input(work.sensor, work.bands)
        unsited = self.bundle.card.get("sensors", {}).get(scene.sensor, {}).get("unsited", {})
        thresholds = list(model.thresholds)
        if aoi is None:
            thresholds = unsited_thresholds(thresholds, unsited)
        site_rules = aoi is not None and masks is not None and self.sizing == "image"
        water = image_water(work.bands) if aoi is None and work.sensor == "sentinel-2-l2a" else None
        decoding = [min(thresholds)] * len(thresholds) if site_rules or water is not None else thresholds
        found = self._peaks(scene.sensor, x, decoding)
        if site_rules and masks is not None:
            found = self._surface_families(found, masks, thresholds)
        elif water is not None:
            found = unsited_families(found, water, thresholds)
        peaks = merge_hulls(found)
        searched = work.valid
        blobs = [0] * len(peaks)
        if site_rules and masks is not None and peaks:
            peaks, blobs, searched = self._measure(work, masks, peaks)
        kept: list[tuple[Peak, str]] = []
        for p, blob in zip(peaks, blobs, strict=True):
            r, c = int(p.row), int(p.col)
            if not searched[min(r, work.grid.height - 1), min(c, work.grid.width - 1)]:
                continue
            cls: str = CLASSES[p.class_index]
            if aoi is None and not unsited_keeps(p, cls, unsited):
                continue
            if aoi is not None and masks is not None:
                rule = self._refine(p, cls, aoi, masks.zone_names_at(r, c), work.sensor)
                if rule is None or (site_rules and p.score < thresholds[CLASSES.index(rule.object_class)]):
                    continue
                cls = rule.object_class
                # One measured object under one peak that is as wide as two hulls is a rafted pair; where two
                # peaks already share the object, each hull has its own.
                if rule.rafted(p.width_m) and blob and blobs.count(blob) == 1:
                    for row, col in rafted_pair(p.row, p.col, p.heading_deg, p.width_m, work.pixel_size_m):
                        kept.append((dataclasses.replace(p, row=row, col=col, width_m=p.width_m / 2.0), cls))
                    continue
            kept.append((p, cls))
        return self._report(scene, work, kept)

    def _peaks(self, sensor: str, x: NDArray[np.float32], thresholds: list[float]) -> list[Peak]:
        """Peaks over the decoding thresholds, doubtful ones looked at again when ``second_look`` is set."""
        net = self._nets[sensor]
        # Radar keeps one pass: the second look was measured on real Sentinel-2 only (no labelled radar exists
        # here), and on the synthetic radar scenes it cost transport aircraft F1 (0.95 to 0.93).
        if not self.second_look or sensor != "sentinel-2-l2a":
            return predict(net, x, thresholds, tile=self.tile, batch=self.batch, bfloat16=self.bfloat16)
        low, high = SECOND_LOOK_BAND
        # Decode below the thresholds too: a second look may lift a doubtful peak over its class's one.
        lowered = [min(t, low) for t in thresholds]
        first = predict(net, x, lowered, tile=self.tile, batch=self.batch, bfloat16=self.bfloat16)
        looked = rescore(net, x, first, (low, high), bfloat16=self.bfloat16)
        return [p for p in looked if p.score >= thresholds[p.class_index]]

    @staticmethod
    def _surface_families(peaks: list[Peak], masks: SiteMasks, thresholds: list[float]) -> list[Peak]:
        # The site's surface is a fact the network only guesses at: a peak on water is a ship and one on an apron,
        # taxiway or runway an aircraft, whatever family its strongest heatmap named (the radar network calls
        # some aircraft parked at an apron's edge vessels). A peak whose family the surface overrules takes the
        # surface family's most permissive class and threshold; the size rules then decide its class.
        h, w = masks.grid.shape
        loosest = {f: loosest_class(f, thresholds) for f in (SHIP_CLASSES, AIRCRAFT_CLASSES)}
        out = []
        for p in peaks:
            r, c = min(int(p.row), h - 1), min(int(p.col), w - 1)
            surface = SHIP_CLASSES if masks.water[r, c] else AIRCRAFT_CLASSES if masks.airside[r, c] else None
            if surface is not None and CLASSES[p.class_index] not in surface:
                p = dataclasses.replace(p, class_index=loosest[surface])
            # Within a family the size rules, not the network, name the class, so here a peak only has to pass
            # its family's most permissive threshold; the class it is given is held to its own one later.
            family = SHIP_CLASSES if CLASSES[p.class_index] in SHIP_CLASSES else AIRCRAFT_CLASSES
            if p.score >= thresholds[loosest[family]]:
                out.append(p)
        return out

    @staticmethod
    def _measure(work: Scene, masks: SiteMasks, peaks: list[Peak]) -> tuple[list[Peak], list[int], NDArray[np.bool_]]:
        """Image sizes and object labels of the peaks, and the pixels away from cloud where peaks are believed."""
        out, blobs = list(peaks), [0] * len(peaks)
        h, w = work.grid.shape
        # One computation of the classical statistics serves both families and gives the cloud rim.
        classical = ClassicalDetector()
        statistics = classical.layers(work, masks)
        # Sentinel-1's 20 m cell and speckle do not resolve an aircraft's cross shape (image sizes of a 29 m An-148
        # spread over 20-61 m there), so radar aircraft keep the network's size; hulls of 60 m and more span
        # several cells and measure well on both sensors.
        families = (SHIP_CLASSES,) if work.sensor == "sentinel-1-grd" else (SHIP_CLASSES, AIRCRAFT_CLASSES)
        for family in families:
            mine = [k for k, p in enumerate(peaks) if CLASSES[p.class_index] in family]
            points = [(min(int(peaks[k].row), h - 1), min(int(peaks[k].col), w - 1)) for k in mine]
            sizes = object_sizes(
                work, masks, points, aircraft=family == AIRCRAFT_CLASSES, classical=classical, statistics=statistics
            )
            for k, size in zip(mine, sizes, strict=True):
                if size is not None:
                    out[k] = dataclasses.replace(peaks[k], length_m=size[0], width_m=size[1])
                    # Labels of the two families' images are separate numberings.
                    blobs[k] = size[2] if family == SHIP_CLASSES else -size[2]
        return out, blobs, statistics[1]

    @staticmethod
    def _refine(p: Peak, cls: str, aoi: AOIConfig, zones: set[str], sensor: str) -> SizeRule | None:
        family = SHIP_CLASSES if cls in SHIP_CLASSES else AIRCRAFT_CLASSES
        return matching_rule(p.length_m, p.width_m, zones, aoi.size_rules, family, sensor)

    @staticmethod
    def _report(scene: Scene, work: Scene, kept: list[tuple[Peak, str]]) -> list[Detection]:
        if not kept:
            return []
        rows = np.array([p.row - 0.5 for p, _ in kept])
        cols = np.array([p.col - 0.5 for p, _ in kept])
        xs, ys, r0, c0 = map_pixels(work.grid, scene.grid, rows, cols)
        lons, lats = to_lonlat(scene.grid.crs, xs, ys)
        dets = [
            Detection(
                cls, p.score, float(x), float(y), lon, lat, p.length_m, p.width_m, p.heading_deg, float(r), float(c)
            )
            for (p, cls), x, y, lon, lat, r, c in zip(kept, xs, ys, lons, lats, r0, c0, strict=True)
        ]
        return sorted(dets, key=lambda d: -d.score)
