"""Detection over a scene file of any size: overlapping windows read one at a time.

A full Sentinel-2 tile (10,980 px square, 5 bands) is 2.4 GB as float32. Reading it in windows keeps memory to
a few windows' worth; each window owns a core region (the window minus half the overlap towards each
neighbour), so an object on a window seam is counted once, with context on both sides. A small scene is one
window. With an AOI, only objects inside its counting zone count, and the observed fraction is the zone's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import rasterio
from rasterio.errors import RasterioIOError
from rasterio.windows import Window

from monitor.config.models import CLASSES, AOIConfig, SensorName
from monitor.detect.base import Detection, Detector
from monitor.detect.cnn.tiles import tile_origins
from monitor.detect.counting import count_by_class, site_zone
from monitor.errors import InputDataError
from monitor.imagery.grid import Grid, ground_pixel_size, site_masks
from monitor.imagery.scene import read_scene

__all__ = ("FileResult", "detect_file_windows")

LARGE_SIDE = 4096
_GDAL_CACHE_MB = 64


@dataclass
class FileResult:
    """Detections over a whole file with the facts ``monitor detect`` reports."""

    detections: list[Detection]
    observed_fraction: float
    sensor: SensorName
    acquired: dt.datetime | None
    grid: Grid

    @property
    def pixel_size_m(self) -> float:
        """Ground pixel size at the image centre."""
        return ground_pixel_size(self.grid.crs, self.grid.transform, self.grid.shape)


def _core(start: int, size: int, total: int, overlap: int) -> tuple[int, int]:
    lo = overlap // 2 if start > 0 else 0
    hi = size - overlap // 2 if start + size < total else size
    return lo, hi


def detect_file_windows(
    path: Path,
    detector: Detector,
    aoi: AOIConfig | None = None,
    window: int = 2048,
    overlap: int = 128,
    single_max: int = LARGE_SIDE,
) -> FileResult:
    """Detect objects in a GeoTIFF window by window (one window when it is at most ``LARGE_SIDE`` px).

    Args:
        path: Scene GeoTIFF.
        detector: Any detector.
        aoi: Optional site: its layout is rasterised per window and only its counting zone counts.
        window: Window side for large files.
        overlap: Pixels shared by neighbouring windows (more than the longest object).
        single_max: Files up to this many pixels a side are read as one window.

    Returns:
        The detections (row/col on the whole image grid) and what the JSON output reports.
    """
    try:
        with rasterio.open(path) as ds:
            height, width = ds.height, ds.width
            full = Grid(ds.crs, ds.transform, height, width)
    except RasterioIOError as exc:
        raise InputDataError(f"{path}: cannot open as a GeoTIFF ({exc})") from None
    if max(height, width) <= single_max:
        window = max(height, width)
    kept: list[Detection] = []
    seen = total = 0
    sensor: SensorName = "sentinel-2-l2a"
    acquired = None
    # Each window is read once, so GDAL's block cache (5 % of the machine's memory by default) only adds to the
    # peak memory of a full-tile run; a small cache keeps it bounded.
    with rasterio.Env(GDAL_CACHEMAX=_GDAL_CACHE_MB):
        for r in tile_origins(height, window, overlap):
            for c in tile_origins(width, window, overlap):
                win = Window(c, r, min(window, width - c), min(window, height - r))
                scene = read_scene(path, win)
                sensor, acquired = scene.sensor, scene.acquired
                masks = site_masks(aoi, scene.grid) if aoi is not None else None
                zone = site_zone(aoi, masks) if aoi is not None and masks is not None else None
                _, found = count_by_class(detector.detect(scene, aoi, masks), CLASSES, zone)
                r0, r1 = _core(r, int(win.height), height, overlap)
                c0, c1 = _core(c, int(win.width), width, overlap)
                core = np.zeros(scene.grid.shape, dtype=bool)
                core[r0:r1, c0:c1] = True
                if zone is not None:
                    core &= zone
                seen += int((scene.valid & core).sum())
                total += int(core.sum())
                for d in found:
                    if r0 <= d.row + 0.5 < r1 and c0 <= d.col + 0.5 < c1:
                        kept.append(replace(d, row=d.row + r, col=d.col + c))
    kept.sort(key=lambda d: -d.score)
    return FileResult(kept, seen / total if total else 0.0, sensor, acquired, full)
