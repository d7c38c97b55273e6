"""The scene GeoTIFF format of interfaces.md: one reader and one writer that every stage uses.

Bands are found by description, never by position. Sentinel-2 reflectance comes back as float32 0..1
whatever the file's scale; Sentinel-1 backscatter as float32 linear power. Masks come from ``dataMask`` and,
for Sentinel-2, the scene classification layer (SCL).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from numpy.typing import NDArray
from rasterio.errors import RasterioIOError
from rasterio.windows import Window

from monitor.config.models import SensorName
from monitor.errors import InputDataError
from monitor.imagery.estimate import ESTIMATED_TAG, estimate_b02
from monitor.imagery.grid import Grid, ground_pixel_size
from monitor.imagery.verify import check_written, gdal_errors
from monitor.world.surfaces import S2_BANDS

# Ground pixel sizes the detector accepts: Sentinel bands are 10-60 m; far outside, resampling to 10 m would
# either erase every object or blow a small file up into an enormous array.
MIN_PIXEL_M = 0.1
MAX_PIXEL_M = 100.0

__all__ = (
    "S1_BANDS",
    "S2_BANDS",
    "SCL_CLOUD",
    "SCL_INVALID",
    "Scene",
    "cloud_fraction",
    "observed_mask",
    "read_scene",
    "write_scene",
)

S1_BANDS = ("VV", "VH")
# SCL classes that hide the ground: no data, saturated, cloud shadow, cloud medium/high, cirrus.
SCL_INVALID = (0, 1, 3, 8, 9, 10)
# SCL classes counted as cloud: cloud shadow, cloud medium/high probability, thin cirrus.
SCL_CLOUD = (3, 8, 9, 10)
_DEFAULT_DN_SCALE = 1.0e-4


@dataclass
class Scene:
    """One acquisition over one grid, with bands in physical units and a validity mask."""

    sensor: SensorName
    grid: Grid
    bands: dict[str, NDArray[np.float32]]
    valid: NDArray[np.bool_]
    acquired: dt.datetime | None = None
    scl: NDArray[np.uint8] | None = None
    scene_id: str | None = None
    path: Path | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def pixel_size_m(self) -> float:
        """Ground size of a pixel at the scene centre, in metres."""
        return ground_pixel_size(self.grid.crs, self.grid.transform, self.grid.shape)

    @property
    def observed_fraction(self) -> float:
        """Share of pixels that are valid and cloud-free."""
        return float(self.valid.mean()) if self.valid.size else 0.0


def observed_mask(
    shape: tuple[int, int], data_mask: NDArray[np.number] | None, scl: NDArray[np.number] | None
) -> NDArray[np.bool_]:
    """Pixels with data that are not cloud, cloud shadow, cirrus or saturated.

    Args:
        shape: (rows, cols).
        data_mask: ``dataMask`` band (non-zero = data) or None.
        scl: Sentinel-2 scene classification or None.

    Returns:
        Boolean mask of usable pixels.
    """
    ok = np.ones(shape, dtype=bool)
    if data_mask is not None:
        ok &= data_mask > 0
    if scl is not None:
        ok &= ~np.isin(scl, SCL_INVALID)
    return ok


def cloud_fraction(
    scl: NDArray[np.number], data_mask: NDArray[np.number] | None = None, zone: NDArray[np.bool_] | None = None
) -> float:
    """Share of the pixels with data (optionally within a zone) that SCL marks as cloud, shadow or cirrus.

    Args:
        scl: Sentinel-2 scene classification.
        data_mask: ``dataMask`` band (non-zero = data), or None when every pixel has data.
        zone: Restrict to these pixels (None = all).

    Returns:
        A fraction in 0..1 (0 when no pixel with data is in the zone).
    """
    has_data = np.ones(scl.shape, dtype=bool) if data_mask is None else data_mask > 0
    has_data &= scl != 0
    if zone is not None:
        has_data &= zone
    n = int(has_data.sum())
    return float((np.isin(scl, SCL_CLOUD) & has_data).sum() / n) if n else 0.0


def _parse_time(tags: dict[str, str]) -> dt.datetime | None:
    raw = tags.get("ACQUISITION_TIME") or tags.get("ACQUISITION_DATE")
    if not raw:
        return None
    text = raw.strip().replace("Z", "+00:00")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"tag ACQUISITION_TIME/DATE: not an ISO 8601 date (got {raw!r})") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _infer_sensor(tags: dict[str, str], names: list[str]) -> SensorName:
    sensor = tags.get("SENSOR", "").strip().lower()
    if sensor in ("sentinel-2-l2a", "sentinel-1-grd"):
        return sensor  # type: ignore[return-value]
    if sensor:
        raise ValueError(f"tag SENSOR: unknown sensor (got {sensor!r}; use sentinel-2-l2a or sentinel-1-grd)")
    if {"B02", "B03", "B04"} <= set(names):
        return "sentinel-2-l2a"
    if {"VV", "VH"} & set(names):
        return "sentinel-1-grd"
    raise ValueError(f"band descriptions: need B02, B03, B04 (Sentinel-2) or VV/VH (Sentinel-1), got {names or 'none'}")


def read_scene(path: str | os.PathLike[str], window: Window | None = None) -> Scene:
    """Read a scene GeoTIFF (or one window of it) into physical units.

    Args:
        path: The GeoTIFF.
        window: Read only this pixel window (for scenes too large to hold at once).

    Returns:
        The scene.

    Raises:
        InputDataError: The file is missing, unreadable, or lacks the bands or georeferencing it needs.
    """
    p = Path(path)
    try:
        with rasterio.open(p) as ds:
            names = [d or "" for d in ds.descriptions]
            tags = {k.upper(): v for k, v in ds.tags().items()}
            if ds.crs is None:
                raise ValueError("crs: the file has no coordinate reference system")
            if ds.transform == Affine.identity():
                raise ValueError("transform: the file is not georeferenced")
            sensor = _infer_sensor(tags, names)
            acquired = _parse_time(tags)
            wanted = S2_BANDS if sensor == "sentinel-2-l2a" else S1_BANDS
            index = {n: i + 1 for i, n in enumerate(names) if n}
            present = [n for n in (*wanted, "SCL", "dataMask") if n in index]
            # One read for all bands: a pixel-interleaved tiled file then decodes each block once, not per band.
            stack = ds.read([index[n] for n in present], window=window) if present else []
            raw = dict(zip(present, stack, strict=True))
            if window is None:
                grid = Grid(ds.crs, ds.transform, ds.height, ds.width)
            else:
                grid = Grid(ds.crs, ds.window_transform(window), int(window.height), int(window.width))
            dtypes = {n: ds.dtypes[index[n] - 1] for n in raw}
            size = ground_pixel_size(ds.crs, ds.transform, (ds.height, ds.width))
            if not MIN_PIXEL_M <= size <= MAX_PIXEL_M:
                raise ValueError(
                    f"pixel size: {size:.3g} m on the ground is outside {MIN_PIXEL_M:g}..{MAX_PIXEL_M:g} m"
                    " (the detector works at 10 m; check the file's transform and CRS)"
                )
    except RasterioIOError as exc:
        raise InputDataError(f"{p}: cannot open as a GeoTIFF ({exc})") from None
    except ValueError as exc:
        raise InputDataError(f"{p}: {exc}") from None
    bands = _scale_bands(p, sensor, raw, dtypes, tags)
    scl = raw["SCL"].astype(np.uint8) if "SCL" in raw and sensor == "sentinel-2-l2a" else None
    valid = observed_mask(grid.shape, raw.get("dataMask"), scl)
    for arr in bands.values():
        valid &= np.isfinite(arr)
    return Scene(
        sensor=sensor,
        grid=grid,
        bands=bands,
        valid=valid,
        acquired=acquired,
        scl=scl,
        scene_id=tags.get("SCENE_ID") or p.stem,
        path=p,
        tags=tags,
    )


def _scale_bands(
    p: Path,
    sensor: SensorName,
    raw: dict[str, NDArray[np.number]],
    dtypes: dict[str, str],
    tags: dict[str, str],
) -> dict[str, NDArray[np.float32]]:
    if sensor == "sentinel-2-l2a":
        missing = [b for b in ("B03", "B04") if b not in raw]
        if missing:
            raise InputDataError(f"{p}: band descriptions: Sentinel-2 scene lacks {', '.join(missing)}")
        scale = _DEFAULT_DN_SCALE
        if "REFLECTANCE_SCALE" in tags:
            try:
                scale = float(tags["REFLECTANCE_SCALE"])
            except ValueError:
                raise InputDataError(
                    f"{p}: tag REFLECTANCE_SCALE: not a number (got {tags['REFLECTANCE_SCALE']!r})"
                ) from None
        out: dict[str, NDArray[np.float32]] = {}
        for name in S2_BANDS:
            if name in raw:
                arr = raw[name].astype(np.float32)
                out[name] = arr if dtypes[name].startswith("float") else arr * np.float32(scale)
        if "B02" not in out:
            out = {"B02": estimate_b02(out), **out}
            tags[ESTIMATED_TAG] = "B02"
        return out
    db = tags.get("UNITS", "").strip().lower() == "db"
    out = {}
    for name in S1_BANDS:
        if name in raw:
            arr = raw[name].astype(np.float32)
            out[name] = np.power(np.float32(10.0), arr / np.float32(10.0)) if db else arr
    return out


def write_scene(
    path: Path,
    grid: Grid,
    bands: dict[str, NDArray[np.number]],
    tags: dict[str, str],
    dtype: str,
    nodata: float | None = None,
) -> Path:
    """Write a scene GeoTIFF atomically (temporary file in the same folder, then rename).

    Args:
        path: Destination file.
        grid: Grid of the arrays.
        bands: Band description to 2-D array, written in this order.
        tags: Dataset tags (SENSOR, ACQUISITION_TIME, SCENE_ID, REFLECTANCE_SCALE, ...).
        dtype: Output data type for all bands.
        nodata: Optional nodata value.

    Returns:
        The path written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tif.tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": len(bands),
        "dtype": dtype,
        "crs": grid.crs,
        "transform": grid.transform,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "nodata": nodata,
    }
    try:
        with gdal_errors() as errors, rasterio.open(tmp, "w", **profile) as dst:
            for i, (name, arr) in enumerate(bands.items(), start=1):
                dst.write(arr.astype(dtype), i)
                dst.set_band_description(i, name)
            dst.update_tags(**tags)
        check_written(tmp, errors)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
