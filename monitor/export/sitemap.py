"""The layout of a site's QGIS project: which layers, in which groups, in which order.

Top to bottom: the claims, the site (AOI outline and layout), then one group per sensor holding its detection
points and footprints (filtered from the GeoPackage by sensor), its per-scene detection rasters and its
per-scene quicklooks. Only the first sensor group (Sentinel-2 when there is any) is switched on at first, as
the sensors' scenes cover the same ground. Every scene layer carries the period during which it is the site's
newest view from its sensor, so with the temporal controller on, any date shows the latest scene and its
detections.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence

from pyproj import Transformer
from rasterio.crs import CRS

from monitor.config.models import SENSORS, AOIConfig
from monitor.export.claims import ClaimRow
from monitor.export.files import SiteLayout
from monitor.export.project import Group, Layer, Project
from monitor.export.qml import Style
from monitor.export.records import SceneRow
from monitor.export.styles import detection_raster_style, quicklook_style

__all__ = ("SENSOR_LABELS", "site_project")

SENSOR_LABELS = {"sentinel-2-l2a": ("Sentinel-2 L2A", "S2"), "sentinel-1-grd": ("Sentinel-1 GRD", "S1")}


def _rel(path: os.PathLike[str], start: os.PathLike[str]) -> str:
    return "./" + os.path.relpath(path, start).replace(os.sep, "/")


def _layer_id(text: str) -> str:
    # QGIS 3.22 ignores a saved layer id of 10 characters or fewer and makes up a new one, which then no
    # longer matches the layer tree: the prefix keeps every id long enough.
    return "monitor_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def _extent(aoi: AOIConfig, crs: CRS) -> tuple[float, float, float, float]:
    tr = Transformer.from_crs("EPSG:4326", crs.to_wkt(), always_xy=True)
    x0, y0, x1, y1 = aoi.bbox
    xs, ys = tr.transform([x0, x1, x0, x1], [y0, y0, y1, y1])
    pad = 0.03 * max(max(xs) - min(xs), max(ys) - min(ys))
    return (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)


def _time_range(scenes: Sequence[SceneRow], claims: Sequence[ClaimRow]) -> tuple[dt.datetime, dt.datetime] | None:
    starts = [s.valid_from for s in scenes] + [c.start for c in claims]
    ends = [s.valid_to for s in scenes] + [c.end for c in claims]
    if not starts:
        return None
    first = min(starts).replace(hour=0, minute=0, second=0, microsecond=0)
    last = max(ends)
    midnight = last.replace(hour=0, minute=0, second=0, microsecond=0)
    return first, midnight if midnight == last else midnight + dt.timedelta(days=1)


def _sensor_group(
    layout: SiteLayout,
    aoi: AOIConfig,
    sensor: str,
    scenes: Sequence[SceneRow],
    styles: dict[str, Style],
    crs: CRS,
    checked: bool,
) -> Group:
    title, short = SENSOR_LABELS.get(sensor, (sensor, sensor))
    gpkg = _rel(layout.gpkg, layout.qgis_dir)
    subset = f"|subset=\"sensor\" = '{sensor}'"
    vectors = [
        Layer(
            _layer_id(f"{aoi.id}_{short}_{name}"),
            f"{short} {name}",
            "vector",
            f"{gpkg}|layername={name}{subset}",
            crs,
            styles[name],
            "Point" if name == "detections" else "Polygon",
        )
        for name in ("detections", "footprints")
    ]
    newest_first = sorted(scenes, key=lambda s: s.acquired, reverse=True)
    det_rasters: list[Layer | Group] = []
    quicklooks: list[Layer | Group] = []
    for s in newest_first:
        when = s.acquired.strftime("%Y-%m-%d %H:%M")
        scene_crs = CRS.from_user_input(s.crs)
        det_rasters.append(
            Layer(
                _layer_id(f"det_{s.scene_id}"),
                f"{when} {short} detections",
                "raster",
                _rel(layout.detections(s.sensor, s.scene_id), layout.qgis_dir),
                scene_crs,
                detection_raster_style(aoi.classes, s.valid_from, s.valid_to),
            )
        )
        quicklooks.append(
            Layer(
                _layer_id(f"ql_{s.scene_id}"),
                f"{when} {short} quicklook",
                "raster",
                _rel(layout.quicklook(s.sensor, s.scene_id), layout.qgis_dir),
                scene_crs,
                quicklook_style(s.valid_from, s.valid_to),
            )
        )
    children: list[Layer | Group] = [
        *vectors,
        Group(f"{short} detection rasters", det_rasters, expanded=False),
        Group(f"{short} quicklooks", quicklooks, expanded=False),
    ]
    return Group(title, children, checked=checked)


def site_project(
    layout: SiteLayout,
    aoi: AOIConfig,
    crs: CRS,
    scenes: Sequence[SceneRow],
    claims: Sequence[ClaimRow],
    styles: dict[str, Style],
) -> Project:
    """The project of one site.

    Args:
        layout: The site's output paths.
        aoi: The site.
        crs: The project (and GeoPackage) CRS.
        scenes: Scenes whose overlays exist.
        claims: The site's claims (they widen the time range).
        styles: Vector styles by GeoPackage layer name.

    Returns:
        The project, ready for :func:`monitor.export.project.write_project`.
    """
    gpkg = _rel(layout.gpkg, layout.qgis_dir)

    def vector(name: str, title: str, geometry: str) -> Layer:
        return Layer(
            _layer_id(f"{aoi.id}_{name}"), title, "vector", f"{gpkg}|layername={name}", crs, styles[name], geometry
        )

    tree: list[Layer | Group] = [
        vector("claims", "claims", "Point"),
        Group("site", [vector("aoi", "AOI outline", "Polygon"), vector("site", "site layout", "Polygon")]),
    ]
    sensors = sorted({s.sensor for s in scenes}, key=lambda x: SENSORS.index(x) if x in SENSORS else 99)
    for n, sensor in enumerate(sensors):
        group = [s for s in scenes if s.sensor == sensor]
        tree.append(_sensor_group(layout, aoi, sensor, group, styles, crs, checked=n == 0))
    return Project(f"{aoi.name} (monitor)", crs, _extent(aoi, crs), tree, _time_range(scenes, claims))
