"""The ``folder`` source: scene GeoTIFFs a user already has, anywhere in a folder tree.

Files follow the scene format of interfaces.md (bands found by description, ``SENSOR`` or band names,
``ACQUISITION_TIME`` or ``ACQUISITION_DATE``, any CRS). The tree is indexed from file headers only; a file
that is not a usable scene (unreadable, no date, unknown bands) is skipped with a warning naming the file and
the field, so one stray image does not stop a cron job. ``fetch`` cuts the AOI's bounding box out of the file
and writes it to the archive like any other source, keeping the file's CRS, bands and tags.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import rasterio
from rasterio.errors import RasterioError
from rasterio.warp import transform_bounds
from rasterio.windows import Window, from_bounds

from monitor.config.models import AOIConfig, SensorName
from monitor.errors import ConfigError, InputDataError
from monitor.imagery.grid import Grid
from monitor.imagery.scene import S1_BANDS, write_scene
from monitor.sources.base import SceneRef, make_scene_id

__all__ = ("FolderScene", "FolderSource")

log = logging.getLogger("monitor.sources.folder")

_SUFFIXES = (".tif", ".tiff")


@dataclass(frozen=True)
class FolderScene:
    """One usable file of the tree, from its header."""

    path: Path
    sensor: SensorName
    acquired: dt.datetime
    lonlat: tuple[float, float, float, float]
    cloud_cover: float | None


def _sensor(tags: dict[str, str], names: list[str]) -> SensorName | None:
    declared = tags.get("SENSOR", "").strip().lower()
    if declared in ("sentinel-2-l2a", "sentinel-1-grd"):
        return declared  # type: ignore[return-value]
    if declared:
        return None
    if {"B02", "B03", "B04"} <= set(names):
        return "sentinel-2-l2a"
    return "sentinel-1-grd" if set(S1_BANDS) & set(names) else None


def _when(tags: dict[str, str]) -> dt.datetime | None:
    raw = (tags.get("ACQUISITION_TIME") or tags.get("ACQUISITION_DATE") or "").strip()
    if len(raw) == 8 and raw.isdigit():
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _cloud(tags: dict[str, str]) -> float | None:
    try:
        value = float(tags["CLOUD_COVER"])
    except (KeyError, ValueError):
        return None
    return value if 0.0 <= value <= 1.0 else None


def read_header(path: Path) -> FolderScene | None:
    """Index one file, or explain in the log why it is not a usable scene.

    Args:
        path: A GeoTIFF.

    Returns:
        The scene, or None when the file is skipped.
    """
    try:
        with rasterio.open(path) as ds:
            tags = {k.upper(): v for k, v in ds.tags().items()}
            names = [d or "" for d in ds.descriptions]
            crs, bounds = ds.crs, ds.bounds
            lonlat = transform_bounds(crs, "EPSG:4326", *bounds) if crs is not None else None
    except (RasterioError, ValueError) as exc:  # rasterio's CRSError is a ValueError
        log.warning("%s: skipped, not a readable GeoTIFF with a usable CRS (%s)", path, exc)
        return None
    sensor, when = _sensor(tags, names), _when(tags)
    if sensor is None:
        log.warning("%s: skipped, band descriptions/SENSOR name no Sentinel-1/-2 scene (got %s)", path, names)
        return None
    if when is None:
        log.warning("%s: skipped, tag ACQUISITION_TIME/DATE missing or not ISO 8601", path)
        return None
    if lonlat is None:
        log.warning("%s: skipped, crs: the file has no coordinate reference system", path)
        return None
    return FolderScene(path, sensor, when, lonlat, _cloud(tags))


class FolderSource:
    """Scenes from GeoTIFFs in a folder tree (``source.folder``).

    Args:
        folder: The tree's root.
        where: The config file, for messages.

    Raises:
        ConfigError: ``source.folder`` is unset or not a folder.
    """

    name = "folder"

    def __init__(self, folder: Path | None, where: str) -> None:
        if folder is None or not folder.is_dir():
            raise ConfigError(f"{where}: source.folder: not an existing folder (got {str(folder) if folder else None})")
        self.folder = folder
        self._index: list[FolderScene] | None = None

    def index(self) -> list[FolderScene]:
        """Every usable scene of the tree (read once per source object).

        Returns:
            Scenes sorted by acquisition time, then path.
        """
        if self._index is None:
            files = sorted(p for p in self.folder.rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file())
            found = [s for s in (read_header(p) for p in files) if s is not None]
            self._index = sorted(found, key=lambda s: (s.acquired, str(s.path)))
        return self._index

    def discover(self, aoi: AOIConfig, sensor: SensorName, since: dt.date, until: dt.date) -> list[SceneRef]:
        """Files of ``sensor`` overlapping the AOI, acquired from ``since`` to ``until`` inclusive.

        Args:
            aoi: The AOI.
            sensor: Sensor name.
            since: First date.
            until: Last date, inclusive.

        Returns:
            One reference per acquisition (the first file by path when several share one second).
        """
        x0, y0, x1, y1 = aoi.bbox
        refs: dict[str, SceneRef] = {}
        for scene in self.index():
            lon0, lat0, lon1, lat1 = scene.lonlat
            if scene.sensor != sensor or not since <= scene.acquired.date() <= until:
                continue
            if lon1 <= x0 or lon0 >= x1 or lat1 <= y0 or lat0 >= y1:
                continue
            when = scene.acquired.replace(microsecond=0)
            sid = make_scene_id(aoi.id, sensor, when)
            if sid in refs:
                log.warning("%s: skipped, same acquisition as %s", scene.path, refs[sid].meta["path"])
                continue
            refs[sid] = SceneRef(aoi.id, sensor, when, sid, scene.cloud_cover, {"path": str(scene.path)})
        return list(refs.values())

    def fetch(self, ref: SceneRef, aoi: AOIConfig, dest: Path) -> Path:
        """Cut the AOI's bounding box out of the file and write it to ``dest``.

        Args:
            ref: A reference from :meth:`discover`.
            aoi: Its AOI.
            dest: The archive file to write.

        Returns:
            ``dest``.

        Raises:
            InputDataError: The file vanished, became unreadable or does not overlap the AOI.
        """
        path = Path(ref.meta["path"])
        try:
            with rasterio.open(path) as ds:
                box = transform_bounds("EPSG:4326", ds.crs, *aoi.bbox)
                win = from_bounds(*box, transform=ds.transform)
                c0, r0 = max(math.floor(win.col_off), 0), max(math.floor(win.row_off), 0)
                c1 = min(math.ceil(win.col_off + win.width), ds.width)
                r1 = min(math.ceil(win.row_off + win.height), ds.height)
                if c1 <= c0 or r1 <= r0:
                    raise InputDataError(f"{path}: does not overlap AOI {aoi.id} bbox {list(aoi.bbox)}")
                window = Window(c0, r0, c1 - c0, r1 - r0)
                names = [d or f"band{i + 1}" for i, d in enumerate(ds.descriptions)]
                bands = {n: ds.read(i + 1, window=window) for i, n in enumerate(names)}
                grid = Grid(ds.crs, ds.window_transform(window), r1 - r0, c1 - c0)
                tags = dict(ds.tags())
                dtype, nodata = ds.dtypes[0], ds.nodata
        except (RasterioError, ValueError) as exc:
            raise InputDataError(f"{path}: cannot read the scene ({exc})") from None
        tags |= {"SENSOR": ref.sensor, "SCENE_ID": ref.scene_id, "SOURCE": "folder", "ORIGIN": str(path)}
        return write_scene(dest, grid, bands, tags, dtype, nodata)
