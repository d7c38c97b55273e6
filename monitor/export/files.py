"""Where the QGIS outputs live under the data folder, and how every one of them is written atomically.

Layout (all paths relative to the data folder)::

    overlays/<aoi>/<sensor>/<scene_id>_quicklook.tif   RGBA quicklook COG      (+ .qml sidecar)
    overlays/<aoi>/<sensor>/<scene_id>_detections.tif  paletted detection COG  (+ .qml sidecar)
    qgis/<aoi>.gpkg                                    detections, footprints, AOI, site, claims
    qgis/<aoi>.qgz                                     the QGIS project (relative paths)

Every file is first written to a hidden temporary file in its destination folder and then moved over the old
one with :func:`os.replace` (unless it is identical), so a reader (or a crash) never sees a half-written output.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from monitor.imagery.verify import check_written, gdal_errors

__all__ = ("SiteLayout", "atomic_path", "sidecar", "write_text_atomic")


@dataclass(frozen=True)
class SiteLayout:
    """The output paths of one site."""

    data_dir: Path
    aoi: str

    @property
    def overlays(self) -> Path:
        """Folder of the per-scene COGs of this site."""
        return self.data_dir / "overlays" / self.aoi

    @property
    def qgis_dir(self) -> Path:
        """Folder holding the site's GeoPackage and project."""
        return self.data_dir / "qgis"

    @property
    def gpkg(self) -> Path:
        """The site GeoPackage."""
        return self.qgis_dir / f"{self.aoi}.gpkg"

    @property
    def project(self) -> Path:
        """The site's QGIS project."""
        return self.qgis_dir / f"{self.aoi}.qgz"

    def quicklook(self, sensor: str, scene_id: str) -> Path:
        """The quicklook COG of one scene.

        Args:
            sensor: Sensor name (``sentinel-2-l2a`` or ``sentinel-1-grd``).
            scene_id: The scene id.

        Returns:
            Its path.
        """
        return self.overlays / sensor / f"{scene_id}_quicklook.tif"

    def detections(self, sensor: str, scene_id: str) -> Path:
        """The detection-class COG of one scene.

        Args:
            sensor: Sensor name.
            scene_id: The scene id.

        Returns:
            Its path.
        """
        return self.overlays / sensor / f"{scene_id}_detections.tif"


def sidecar(path: Path) -> Path:
    """The QML that QGIS loads as a file's default style (``name.tif`` -> ``name.qml``, not ``name.tif.qml``).

    Args:
        path: The data file.

    Returns:
        The style path.
    """
    return path.with_suffix(".qml")


def _same_bytes(a: Path, b: Path) -> bool:
    return a.exists() and b.exists() and a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it over ``path``, on failure delete it.

    When the new file is byte for byte the old one, the old one is kept (its modification time too), so
    re-exporting unchanged outputs touches nothing.

    Args:
        path: The final destination.

    Yields:
        The temporary path to write to (same folder and suffix, so drivers pick the same format).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # The real suffix stays last: GDAL checks it (a GeoPackage must end in .gpkg).
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        with gdal_errors() as errors:
            yield tmp
        if tmp.suffix == ".tif":
            check_written(tmp, errors)
        if not _same_bytes(tmp, path):
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write a UTF-8 text file atomically.

    Args:
        path: Destination.
        text: Content.

    Returns:
        The path written.
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
