"""The trained detector behind the :class:`~monitor.detect.base.Detector` interface.

Scenes are resampled to 10 m, normalised, run through the sensor's network in overlapping tiles, and decoded
into objects with class, size and heading. With an AOI, its size rules refine classes within the model's family
(ships or aircraft): the model's class stands when the AOI's rule for that class accepts the object's size and
zone; otherwise the first other rule of the family that accepts it applies; an object no rule accepts is
dropped. That is how Dunai turns a landing-ship-sized hull at the cargo quay into a ``vessel``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from monitor.config.models import AIRCRAFT_CLASSES, CLASSES, SHIP_CLASSES, AOIConfig
from monitor.detect.base import Detection
from monitor.detect.cnn.heatmap import Peak
from monitor.detect.cnn.inputs import to_input
from monitor.detect.cnn.tiles import predict
from monitor.detect.cnn.weights import Bundle, load_bundle, sensor_model
from monitor.detect.measure import classify
from monitor.imagery.grid import SiteMasks, site_masks, to_lonlat
from monitor.imagery.resample import map_pixels, to_resolution
from monitor.imagery.scene import Scene

__all__ = ("CnnDetector",)


class CnnDetector:
    """CenterNet-style point detector with shipped default weights.

    Args:
        weights: A weights bundle file (default: the one shipped in the package).
        tile: Tile size for inference.
        batch: Tiles per forward pass.
    """

    name = "cnn"

    def __init__(self, weights: Path | None = None, tile: int = 512, batch: int = 4) -> None:
        self.bundle: Bundle = load_bundle(weights)
        self.version = self.bundle.version
        self.tile = tile
        self.batch = batch

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
        peaks = predict(model.net, x, model.thresholds, tile=self.tile, batch=self.batch)
        kept: list[tuple[Peak, str]] = []
        for p in peaks:
            r, c = int(p.row), int(p.col)
            if not work.valid[min(r, work.grid.height - 1), min(c, work.grid.width - 1)]:
                continue
            cls: str = CLASSES[p.class_index]
            if aoi is not None and masks is not None:
                refined = self._refine(p, cls, aoi, masks.zone_names_at(r, c))
                if refined is None:
                    continue
                cls = refined
            kept.append((p, cls))
        return self._report(scene, work, kept)

    @staticmethod
    def _refine(p: Peak, cls: str, aoi: AOIConfig, zones: set[str]) -> str | None:
        own = [r for r in aoi.size_rules if r.object_class == cls]
        if classify(p.length_m, p.width_m, zones, own, [cls]) is not None:
            return cls
        family = SHIP_CLASSES if cls in SHIP_CLASSES else AIRCRAFT_CLASSES
        return classify(p.length_m, p.width_m, zones, aoi.size_rules, family)

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
