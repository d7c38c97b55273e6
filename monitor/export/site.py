"""Build every QGIS output of one site: per-scene COGs with QML sidecars, the GeoPackage and the project.

:func:`export_site` is what ``monitor export`` and the hook in ``monitor run`` call. COGs are rewritten when
asked (``force``) or when missing or stale (their tags record what they were made from); styles, the
GeoPackage and the project are rebuilt from the store every time, and a file whose new content is identical
is left untouched, so a repeated export changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import rasterio
from rasterio.enums import ColorInterp
from rasterio.errors import RasterioIOError

from monitor.config.models import AOIConfig
from monitor.errors import InputDataError
from monitor.export.claims import ClaimRow, default_claims_path, site_claims
from monitor.export.cog import IMAGERY, PALETTED, write_cog
from monitor.export.files import SiteLayout, sidecar, write_text_atomic
from monitor.export.gpkg import write_site_gpkg
from monitor.export.overlays import FootprintCode, detection_pixels, quicklook_pixels
from monitor.export.palette import NODATA, detection_colormap
from monitor.export.project import write_project
from monitor.export.records import DetectionRow, SceneRow, site_detections, site_scenes
from monitor.export.sitemap import site_project
from monitor.export.styles import (
    aoi_style,
    claims_style,
    detection_raster_style,
    detections_style,
    footprints_style,
    quicklook_style,
    site_style,
)
from monitor.imagery.grid import Grid, utm_crs
from monitor.store.db import Store

__all__ = ("QUICKLOOK_RENDER", "SiteExport", "export_site")

log = logging.getLogger("monitor.export")

# Bump when the quicklook stretch changes, so existing quicklooks count as stale and are redrawn.
QUICKLOOK_RENDER = "quicklook-v1"


@dataclass
class SiteExport:
    """What one site's export did."""

    aoi: str
    scenes: int = 0
    cogs_written: int = 0
    detections: int = 0
    claims: int = 0
    gpkg: Path | None = None
    project: Path | None = None
    failed: list[str] = field(default_factory=list)


def _digest(dets: Sequence[DetectionRow], model: str | None) -> str:
    # Positions, not row ids: the ids depend on the order scenes were stored in (dask finishes out of order).
    h = hashlib.sha1(str(model).encode())
    for i, d in enumerate(dets):
        h.update(f"|{i}:{d.object_class}:{d.score:.4f}:{d.footprint}".encode())
    return h.hexdigest()[:16]


def _tags(path: Path) -> dict[str, str] | None:
    try:
        with rasterio.open(path) as ds:
            tags: dict[str, str] = ds.tags()
            return tags
    except RasterioIOError:
        return None


def _scene_cogs(layout: SiteLayout, scene: SceneRow, dets: Sequence[DetectionRow], force: bool) -> int:
    quick, det_path = layout.quicklook(scene.sensor, scene.scene_id), layout.detections(scene.sensor, scene.scene_id)
    digest = _digest(dets, scene.model)
    q_tags, d_tags = _tags(quick), _tags(det_path)
    redo_quick = force or q_tags is None or q_tags.get("MONITOR_RENDER") != QUICKLOOK_RENDER
    redo_det = force or d_tags is None or d_tags.get("MONITOR_DETECTIONS") != digest
    if not (redo_quick or redo_det):
        return 0
    loaded, rgba = quicklook_pixels(scene.path)
    grid: Grid = loaded.grid
    common = {"SCENE_ID": scene.scene_id, "SENSOR": scene.sensor, "ACQUISITION_TIME": scene.acquired.isoformat()}
    written = 0
    if redo_quick:
        interp = [ColorInterp.red, ColorInterp.green, ColorInterp.blue, ColorInterp.alpha]
        write_cog(quick, rgba, grid, IMAGERY, interp, tags={**common, "MONITOR_RENDER": QUICKLOOK_RENDER})
        written += 1
    if redo_det:
        codes = detection_pixels(grid, [FootprintCode(d.footprint, d.object_class, d.score) for d in dets])
        tags = {**common, "MODEL": scene.model or "", "MONITOR_DETECTIONS": digest, "N_DETECTIONS": str(len(dets))}
        tags["CODES"] = "10 * class (1 landing_ship, 2 vessel, 3 transport_aircraft, 4 aircraft) + score decile"
        write_cog(det_path, codes, grid, PALETTED, [ColorInterp.palette], NODATA, detection_colormap(), tags)
        written += 1
    return written


def _in_window(scene: SceneRow, since: dt.date | None, until: dt.date | None) -> bool:
    day = scene.acquired.date()
    return (since is None or day >= since) and (until is None or day <= until)


def export_site(
    data_dir: Path,
    aoi: AOIConfig,
    since: dt.date | None = None,
    until: dt.date | None = None,
    force: bool = True,
    claims_path: Path | None = None,
) -> SiteExport:
    """(Re)build a site's QGIS outputs from the store.

    Args:
        data_dir: The data folder (holding ``monitor.sqlite`` and the scene archive).
        aoi: The site.
        since: First acquisition date whose COGs are (re)written (None: from the first).
        until: Last acquisition date whose COGs are (re)written (None: to the last).
        force: Rewrite the COGs in the window even when they look current (False: only missing or stale ones).
        claims_path: The claims ledger (None: the project's ``seeds/claims.yaml``).

    Returns:
        What was done. Scenes whose archive file cannot be read are listed in ``failed`` and left out of the
        project; everything else is still written.

    Raises:
        InputDataError: The claims ledger is unusable.
    """
    layout = SiteLayout(data_dir, aoi.id)
    summary = SiteExport(aoi.id, gpkg=layout.gpkg, project=layout.project)
    db = data_dir / "monitor.sqlite"
    scenes: list[SceneRow] = []
    dets: list[DetectionRow] = []
    if db.exists():
        with Store(db) as store:
            scenes = site_scenes(store.conn, aoi.id, data_dir)
            dets = site_detections(store.conn, scenes)
    claims_file = claims_path or default_claims_path()
    claims: list[ClaimRow] = site_claims(claims_file, aoi.id) if claims_file.exists() else []
    if not claims_file.exists():
        log.warning("%s: claims ledger not found; the claims layer is empty", claims_file)
    summary.scenes, summary.detections, summary.claims = len(scenes), len(dets), len(claims)

    by_scene: dict[str, list[DetectionRow]] = {s.scene_id: [] for s in scenes}
    for d in dets:
        by_scene[d.scene.scene_id].append(d)
    shown: list[SceneRow] = []
    for scene in scenes:
        if _in_window(scene, since, until) or not force:
            try:
                summary.cogs_written += _scene_cogs(layout, scene, by_scene[scene.scene_id], force)
            except InputDataError as exc:
                log.warning("%s", exc)
                summary.failed.append(str(scene.path))
                continue
        quick, det_path = (
            layout.quicklook(scene.sensor, scene.scene_id),
            layout.detections(scene.sensor, scene.scene_id),
        )
        if quick.exists() and det_path.exists():
            write_text_atomic(sidecar(quick), quicklook_style(scene.valid_from, scene.valid_to).qml())
            style = detection_raster_style(aoi.classes, scene.valid_from, scene.valid_to)
            write_text_atomic(sidecar(det_path), style.qml())
            shown.append(scene)

    crs = utm_crs(*aoi.centre)
    styles = {
        "detections": detections_style(aoi.classes),
        "footprints": footprints_style(aoi.classes),
        "claims": claims_style(),
        "aoi": aoi_style(),
        "site": site_style(list(dict.fromkeys(p.kind for p in aoi.layout))),
    }
    stamp = max((s.acquired for s in scenes), default=dt.datetime.combine(aoi.start, dt.time(), dt.UTC))
    write_site_gpkg(layout.gpkg, aoi, crs, dets, claims, styles, stamp)
    write_project(layout.project, site_project(layout, aoi, crs, shown, claims, styles))
    return summary
