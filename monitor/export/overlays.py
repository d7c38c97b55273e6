"""Per-scene overlay pixels: an RGBA quicklook of the scene and a paletted raster of its detections.

The quicklook uses fixed stretches rather than per-scene percentiles, so the same surface keeps the same
colour from date to date while an analyst scrubs through time:

* Sentinel-2: true colour (B04, B03, B02), reflectance 0-0.30 with a 1/1.8 gamma to lift dark water and quays.
* Sentinel-1: the usual dual-polarisation false colour, red VV -25..-3 dB, green VH -30..-10 dB, blue the
  VV/VH ratio 0..15 dB; ships and buildings come out bright, calm water dark, land green-brown. With only one
  polarisation the composite is grey.

Alpha is 0 only where the scene has no data; clouds stay visible (they explain a missing detection).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from numpy.typing import NDArray
from rasterio.features import rasterize
from shapely import wkt

from monitor.export.palette import NODATA, pixel_code
from monitor.imagery.grid import Grid
from monitor.imagery.scene import Scene, read_scene

__all__ = ("FootprintCode", "detection_pixels", "quicklook_pixels", "s1_false_colour", "s2_true_colour")

log = logging.getLogger("monitor.export")

S2_MAX_REFLECTANCE = 0.30
S2_GAMMA = 1.8
S1_RANGES_DB = {"VV": (-25.0, -3.0), "VH": (-30.0, -10.0), "ratio": (0.0, 15.0)}


def _to_byte(values: NDArray[np.float32], lo: float, hi: float, gamma: float = 1.0) -> NDArray[np.uint8]:
    scaled = np.clip((values - lo) / (hi - lo), 0.0, 1.0)
    if gamma != 1.0:
        scaled = scaled ** (1.0 / gamma)
    out: NDArray[np.uint8] = np.round(np.nan_to_num(scaled, nan=0.0) * 255.0).astype(np.uint8)
    return out


def s2_true_colour(bands: dict[str, NDArray[np.float32]]) -> NDArray[np.uint8]:
    """True-colour bytes of a Sentinel-2 scene.

    Args:
        bands: Reflectance bands (B04, B03, B02 needed).

    Returns:
        Array (3, rows, cols).
    """
    return np.stack([_to_byte(bands[b], 0.0, S2_MAX_REFLECTANCE, S2_GAMMA) for b in ("B04", "B03", "B02")])


def _db(power: NDArray[np.float32]) -> NDArray[np.float32]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (10.0 * np.log10(np.maximum(power, np.float32(1e-6)))).astype(np.float32)


def s1_false_colour(bands: dict[str, NDArray[np.float32]]) -> NDArray[np.uint8]:
    """VV / VH / ratio false-colour bytes of a Sentinel-1 scene (grey when one polarisation is missing).

    Args:
        bands: Linear backscatter bands (VV and/or VH).

    Returns:
        Array (3, rows, cols).
    """
    if "VV" in bands and "VH" in bands:
        vv, vh = _db(bands["VV"]), _db(bands["VH"])
        return np.stack(
            [
                _to_byte(vv, *S1_RANGES_DB["VV"]),
                _to_byte(vh, *S1_RANGES_DB["VH"]),
                _to_byte(vv - vh, *S1_RANGES_DB["ratio"]),
            ]
        )
    name = "VV" if "VV" in bands else "VH"
    grey = _to_byte(_db(bands[name]), *S1_RANGES_DB[name])
    return np.stack([grey, grey, grey])


def _has_data(scene: Scene) -> NDArray[np.bool_]:
    ok = np.ones(scene.grid.shape, dtype=bool)
    for arr in scene.bands.values():
        ok &= np.isfinite(arr)
    if scene.scl is not None:
        ok &= scene.scl != 0
    assert scene.path is not None
    with rasterio.open(scene.path) as ds:
        names = list(ds.descriptions)
        if "dataMask" in names:
            ok &= ds.read(names.index("dataMask") + 1) > 0
    return ok


def quicklook_pixels(path: Path) -> tuple[Scene, NDArray[np.uint8]]:
    """Read a scene GeoTIFF and render its quicklook.

    Args:
        path: The scene file.

    Returns:
        The scene and its RGBA array (4, rows, cols).

    Raises:
        InputDataError: The scene cannot be read.
    """
    scene = read_scene(path)
    rgb = s2_true_colour(scene.bands) if scene.sensor == "sentinel-2-l2a" else s1_false_colour(scene.bands)
    alpha = np.where(_has_data(scene), np.uint8(255), np.uint8(0)).astype(np.uint8)
    return scene, np.concatenate([rgb, alpha[None]], axis=0)


@dataclass(frozen=True)
class FootprintCode:
    """A detection footprint (WKT in the scene CRS) with its class and score."""

    footprint: str
    object_class: str
    score: float


def detection_pixels(grid: Grid, detections: Iterable[FootprintCode]) -> NDArray[np.uint8]:
    """Burn detection footprints into a class/score raster on the scene grid.

    Every pixel a footprint touches is painted, so a 10 m-wide hull still shows; where two overlap the higher
    score wins.

    Args:
        grid: The scene grid (footprints are in its CRS).
        detections: The scene's detections.

    Returns:
        Array (1, rows, cols) of codes (see :mod:`monitor.export.palette`), 0 where nothing was detected.
    """
    shapes: list[tuple[object, int]] = []
    skipped: list[str] = []
    for det in sorted(detections, key=lambda d: d.score):
        try:
            code = pixel_code(det.object_class, det.score)
        except ValueError:
            skipped.append(det.object_class)
            continue
        shapes.append((wkt.loads(det.footprint), code))
    if skipped:
        log.warning("detection raster: skipped %d detection(s) of unknown class %s", len(skipped), sorted(set(skipped)))
    if not shapes:
        return np.full((1, *grid.shape), NODATA, dtype=np.uint8)
    burnt = rasterize(
        shapes, out_shape=grid.shape, transform=grid.transform, fill=NODATA, all_touched=True, dtype="uint8"
    )
    return np.asarray(burnt, dtype=np.uint8)[None]
