"""The per-site GeoPackage: detections, footprints, AOI outline, site layout and claims, with embedded styles.

GDAL writes the layers (through pyogrio's own bundled GDAL, so no system GDAL is needed) and handles the
GeoPackage details: the geometry encoding, ``gpkg_contents``, the R-tree spatial index. Then stdlib ``sqlite3``
adds the QGIS ``layer_styles`` table with one default style per layer. All layers share the site's UTM CRS.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from numpy.typing import NDArray
from pyogrio.raw import write as ogr_write
from pyproj import Transformer
from rasterio.crs import CRS

from monitor.config.models import AOIConfig
from monitor.export.claims import ClaimRow
from monitor.export.files import atomic_path
from monitor.export.qml import Style
from monitor.export.records import DetectionRow

__all__ = ("LAYERS", "write_site_gpkg")

LAYERS = ("detections", "footprints", "claims", "aoi", "site")
_STYLES_DDL = """
CREATE TABLE layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
    f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
    useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
    update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


def _times(values: Sequence[dt.datetime]) -> NDArray[np.datetime64]:
    return np.array([v.astimezone(dt.UTC).replace(tzinfo=None) for v in values], dtype="datetime64[ms]")


def _strings(values: Sequence[str | None]) -> NDArray[np.object_]:
    return np.array(list(values), dtype=object)


def _floats(values: Sequence[float]) -> NDArray[np.float64]:
    return np.array(list(values), dtype=np.float64)


class _Layers:
    """Writes layers into one GeoPackage file (the first write creates it)."""

    def __init__(self, path: Path, crs: CRS) -> None:
        self.path = path
        self.crs = crs.to_wkt()
        self.created = False

    def write(
        self, name: str, geoms: Sequence[shapely.Geometry], kind: str, fields: dict[str, NDArray[np.generic]]
    ) -> None:
        times = {k: np.full(len(v), 100) for k, v in fields.items() if v.dtype.kind == "M"}
        masks = [np.array([x is None for x in v], dtype=bool) if v.dtype == object else None for v in fields.values()]
        ogr_write(
            str(self.path),
            geometry=np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
            field_data=list(fields.values()),
            fields=list(fields),
            field_mask=masks,
            layer=name,
            driver="GPKG",
            crs=self.crs,
            geometry_type=kind,
            # 100 is GDAL's code for UTC; times are then stored as 2024-10-17T01:50:39.000Z.
            gdal_tz_offsets=times,
            # GeoPackage 1.3, not GDAL 3.10's default 1.4, so QGIS builds on older GDAL read it without warnings.
            dataset_options=None if self.created else {"VERSION": "1.3"},
        )
        self.created = True


def _detection_fields(dets: Sequence[DetectionRow]) -> dict[str, NDArray[np.generic]]:
    return {
        "detection_id": np.array([d.id for d in dets], dtype=np.int64),
        "scene_id": _strings([d.scene.scene_id for d in dets]),
        "sensor": _strings([d.scene.sensor for d in dets]),
        "acquired": _times([d.scene.acquired for d in dets]),
        "valid_from": _times([d.scene.valid_from for d in dets]),
        "valid_to": _times([d.scene.valid_to for d in dets]),
        "class": _strings([d.object_class for d in dets]),
        "score": _floats([d.score for d in dets]),
        "length_m": _floats([d.length_m for d in dets]),
        "width_m": _floats([d.width_m for d in dets]),
        "heading_deg": _floats([d.heading_deg for d in dets]),
        "lon": _floats([d.lon for d in dets]),
        "lat": _floats([d.lat for d in dets]),
        "model": _strings([d.scene.model for d in dets]),
        "alert_id": _strings([d.alert_id for d in dets]),
    }


def _to_site(crs: CRS, src: str | CRS) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(src).to_wkt(), crs.to_wkt(), always_xy=True)


def _reproject(geom: shapely.Geometry, tr: Transformer) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _footprints(dets: Sequence[DetectionRow], crs: CRS) -> list[shapely.Geometry]:
    out: list[shapely.Geometry] = []
    cache: dict[str, Transformer | None] = {}
    for d in dets:
        geom = shapely.from_wkt(d.footprint)
        if d.scene.crs not in cache:
            cache[d.scene.crs] = None if CRS.from_user_input(d.scene.crs) == crs else _to_site(crs, d.scene.crs)
        tr = cache[d.scene.crs]
        out.append(geom if tr is None else _reproject(geom, tr))
    return out


def _ring(coords: Sequence[tuple[float, float]], lonlat: Transformer) -> shapely.Polygon:
    return _reproject(shapely.Polygon([*coords, coords[0]]), lonlat)


def _aoi_outline(aoi: AOIConfig, lonlat: Transformer) -> shapely.Geometry:
    box = shapely.segmentize(shapely.box(*aoi.bbox), (aoi.bbox[2] - aoi.bbox[0]) / 16.0)
    return _reproject(box, lonlat)


def write_site_gpkg(
    path: Path,
    aoi: AOIConfig,
    crs: CRS,
    detections: Sequence[DetectionRow],
    claims: Sequence[ClaimRow],
    styles: dict[str, Style],
    stamp: dt.datetime,
) -> Path:
    """Write (atomically) a site's GeoPackage.

    Args:
        path: Destination ``.gpkg``.
        aoi: The site.
        crs: The site CRS (every layer is written in it).
        detections: The detections to map.
        claims: The site's claims (drawn at the AOI centre during their period).
        styles: Default style per layer name (see :data:`LAYERS`).
        stamp: Time written as the layers' last change, so the same inputs give the same file.

    Returns:
        The path written.
    """
    lonlat = _to_site(crs, "EPSG:4326")
    points = [shapely.Point(*lonlat.transform(d.lon, d.lat)) for d in detections]
    centre = shapely.Point(*lonlat.transform(*aoi.centre))
    when = stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": when})
    try:
        with atomic_path(path) as tmp:
            layers = _Layers(tmp, crs)
            fields = _detection_fields(detections)
            layers.write("detections", points, "Point", fields)
            layers.write("footprints", _footprints(detections, crs), "Polygon", fields)
            layers.write(
                "claims",
                [centre] * len(claims),
                "Point",
                {
                    "id": _strings([c.id for c in claims]),
                    "kind": _strings([c.kind for c in claims]),
                    "date": _strings([c.date for c in claims]),
                    "precision": _strings([c.precision for c in claims]),
                    "valid_from": _times([c.start for c in claims]),
                    "valid_to": _times([c.end for c in claims]),
                    "statement": _strings([c.statement for c in claims]),
                    "signal": _strings([c.signal for c in claims]),
                    "quantity": _strings([c.quantity for c in claims]),
                    "sources": _strings([c.sources for c in claims]),
                },
            )
            layers.write(
                "aoi",
                [_aoi_outline(aoi, lonlat)],
                "Polygon",
                {"id": _strings([aoi.id]), "name": _strings([aoi.name]), "description": _strings([aoi.description])},
            )
            layers.write(
                "site",
                [_ring(p.coordinates, lonlat) for p in aoi.layout],
                "Polygon",
                {
                    "name": _strings([p.name for p in aoi.layout]),
                    "kind": _strings([p.kind for p in aoi.layout]),
                    "role": _strings([p.role for p in aoi.layout]),
                },
            )
            _embed_styles(tmp, styles, when)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return path


def _embed_styles(path: Path, styles: dict[str, Style], when: str) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(_STYLES_DDL)
            for name in LAYERS:
                conn.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,"
                    " styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)"
                    " VALUES ('', '', ?, 'geom', ?, ?, '', 1, 'monitor default style', '', NULL, ?)",
                    (name, name, styles[name].qml(), when),
                )
            conn.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change)"
                " VALUES ('layer_styles', 'attributes', 'layer_styles', ?)",
                (when,),
            )
    finally:
        conn.close()
