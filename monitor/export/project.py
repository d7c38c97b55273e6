"""Write a QGIS project (``.qgz``) from plain XML, so exporting never needs QGIS installed.

The project holds a layer tree of groups and layers, each layer with its style, CRS and temporal properties,
the project CRS, the initial view and the time range for QGIS's temporal controller. Data sources are relative
to the project file, so the data folder can be copied to another machine as a whole. Element names follow the
project files QGIS 3.22 writes; the version attribute says 3.22 so later QGIS versions upgrade it as usual.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rasterio.crs import CRS

from monitor.export.files import atomic_path
from monitor.export.qml import DOCTYPE, QGIS_VERSION, Style, iso_z

__all__ = ("Group", "Layer", "Project", "project_xml", "srs_element", "write_project")


@dataclass(frozen=True)
class Layer:
    """One map layer of the project."""

    id: str
    name: str
    kind: str  # "vector" or "raster"
    source: str  # relative to the project file, OGR/GDAL style (``./x.gpkg|layername=y``)
    crs: CRS
    style: Style
    geometry: str | None = None  # "Point" or "Polygon" for vectors
    checked: bool = True

    @property
    def provider(self) -> str:
        """QGIS data provider key."""
        return "ogr" if self.kind == "vector" else "gdal"


@dataclass(frozen=True)
class Group:
    """A layer-tree group."""

    name: str
    children: Sequence[Layer | Group]
    checked: bool = True
    expanded: bool = True


@dataclass(frozen=True)
class Project:
    """A whole project."""

    title: str
    crs: CRS
    extent: tuple[float, float, float, float]
    tree: Sequence[Layer | Group]
    time_range: tuple[dt.datetime, dt.datetime] | None = None
    layers: list[Layer] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        def walk(nodes: Sequence[Layer | Group]) -> None:
            for node in nodes:
                if isinstance(node, Group):
                    walk(node.children)
                else:
                    self.layers.append(node)

        walk(self.tree)


def srs_element(crs: CRS) -> ET.Element:
    """A ``<spatialrefsys>`` element.

    Args:
        crs: The CRS (an EPSG code is written as ``authid`` when it has one).

    Returns:
        The element.
    """
    srs = ET.Element("spatialrefsys")
    epsg = crs.to_epsg()
    ET.SubElement(srs, "wkt").text = crs.to_wkt()
    ET.SubElement(srs, "srid").text = str(epsg or 0)
    ET.SubElement(srs, "authid").text = f"EPSG:{epsg}" if epsg else ""
    ET.SubElement(srs, "description").text = _crs_name(crs)
    ET.SubElement(srs, "geographicflag").text = "true" if crs.is_geographic else "false"
    return srs


def _crs_name(crs: CRS) -> str:
    wkt = crs.to_wkt()
    return wkt.split('"', 2)[1] if '"' in wkt else ""


def _bool_state(checked: bool) -> str:
    return "Qt::Checked" if checked else "Qt::Unchecked"


def _tree(parent: ET.Element, nodes: Sequence[Layer | Group]) -> None:
    for node in nodes:
        if isinstance(node, Group):
            el = ET.SubElement(
                parent,
                "layer-tree-group",
                {"name": node.name, "checked": _bool_state(node.checked), "expanded": "1" if node.expanded else "0"},
            )
            _tree(el, node.children)
        else:
            ET.SubElement(
                parent,
                "layer-tree-layer",
                {
                    "id": node.id,
                    "name": node.name,
                    "source": node.source,
                    "providerKey": node.provider,
                    "checked": _bool_state(node.checked),
                    "expanded": "0",
                },
            )


def _maplayer(layer: Layer) -> ET.Element:
    attrs = {"type": layer.kind, "styleCategories": "AllStyleCategories", **layer.style.attrs}
    if layer.geometry:
        attrs.update(geometry=layer.geometry, wkbType=layer.geometry)
    el = ET.Element("maplayer", attrs)
    ET.SubElement(el, "id").text = layer.id
    ET.SubElement(el, "datasource").text = layer.source
    ET.SubElement(el, "layername").text = layer.name
    ET.SubElement(ET.SubElement(el, "srs"), "spatialrefsys").extend(list(srs_element(layer.crs)))
    prov = ET.SubElement(el, "provider", {"encoding": "UTF-8"} if layer.kind == "vector" else {})
    prov.text = layer.provider
    el.extend(ET.fromstring(ET.tostring(child)) for child in layer.style.children)
    return el


def _extent(parent: ET.Element, tag: str, box: tuple[float, float, float, float]) -> ET.Element:
    el = ET.SubElement(parent, tag)
    for name, value in zip(("xmin", "ymin", "xmax", "ymax"), box, strict=True):
        ET.SubElement(el, name).text = f"{value:.3f}"
    return el


def project_xml(project: Project) -> str:
    """The ``.qgs`` XML of a project.

    Args:
        project: The project.

    Returns:
        The document text.
    """
    root = ET.Element("qgis", {"projectname": project.title, "version": QGIS_VERSION})
    ET.SubElement(root, "homePath", {"path": ""})
    ET.SubElement(root, "title").text = project.title
    ET.SubElement(root, "projectCrs").append(srs_element(project.crs))
    _tree(ET.SubElement(root, "layer-tree-group"), project.tree)
    layers = ET.SubElement(root, "projectlayers")
    layers.extend(_maplayer(layer) for layer in project.layers)
    order = ET.SubElement(root, "layerorder")
    for layer in project.layers:
        ET.SubElement(order, "layer", {"id": layer.id})
    props = ET.SubElement(root, "properties")
    paths = ET.SubElement(props, "Paths")
    ET.SubElement(paths, "Absolute", {"type": "bool"}).text = "false"
    # QGIS 3.22 reads <projectCrs> only when this flag is set.
    srs = ET.SubElement(props, "SpatialRefSys")
    ET.SubElement(srs, "ProjectionsEnabled", {"type": "int"}).text = "1"
    canvas = ET.SubElement(root, "mapcanvas", {"name": "theMapCanvas", "annotationsVisible": "1"})
    ET.SubElement(canvas, "units").text = "degrees" if project.crs.is_geographic else "meters"
    _extent(canvas, "extent", project.extent)
    ET.SubElement(canvas, "rotation").text = "0"
    ET.SubElement(canvas, "destinationsrs").append(srs_element(project.crs))
    view = ET.SubElement(root, "ProjectViewSettings", {"UseProjectScales": "0", "rotation": "0"})
    x0, y0, x1, y1 = project.extent
    default = ET.SubElement(
        view, "DefaultViewExtent", {"xmin": f"{x0:.3f}", "ymin": f"{y0:.3f}", "xmax": f"{x1:.3f}", "ymax": f"{y1:.3f}"}
    )
    default.append(srs_element(project.crs))
    times = ET.SubElement(
        root,
        "ProjectTimeSettings",
        {"timeStepUnit": "d", "timeStep": "1", "frameRate": "1", "cumulativeTemporalRange": "0"},
    )
    if project.time_range is not None:
        rng = ET.SubElement(times, "TemporalRange")
        ET.SubElement(rng, "start").text = iso_z(project.time_range[0])
        ET.SubElement(rng, "end").text = iso_z(project.time_range[1])
    ET.indent(root)
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def write_project(path: Path, project: Project) -> Path:
    """Write a ``.qgz`` (a zip holding the ``.qgs``) atomically and reproducibly; an identical file is kept.

    Args:
        path: Destination ``.qgz``.
        project: The project.

    Returns:
        The path written.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        # A fixed entry time: the same project gives the same bytes.
        info = zipfile.ZipInfo(f"{path.stem}.qgs", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, project_xml(project).encode("utf-8"))
    with atomic_path(path) as tmp:
        tmp.write_bytes(buf.getvalue())
    return path
