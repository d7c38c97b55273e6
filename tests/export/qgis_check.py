"""Open monitor's QGIS outputs in real, headless QGIS and report what QGIS sees, as JSON on stdout.

Runs under Debian's system Python (``/usr/bin/python3``, where PyQGIS imports), never in the project venv;
tests/export/test_qgis.py drives it in a subprocess. It reads the project, describes every layer (validity,
CRS, renderer, categories, temporal properties, feature counts), renders every layer and one composite per
requested date to PNG, and also opens the GeoPackage layers and COGs directly, without the project, to check
that their embedded and sidecar default styles load.

Usage: python3 qgis_check.py PROJECT.qgz OUT_DIR [DATE ...] [--zoom=XMIN,YMIN,XMAX,YMAX]
(--zoom also renders each date's per-sensor composite over that extent, in the project CRS.)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsFeatureRequest,
    QgsInterval,
    QgsLayerTreeGroup,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsTemporalNavigationObject,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
)
from qgis.PyQt.QtCore import QDateTime, QSize, Qt
from qgis.PyQt.QtGui import QColor

SIZE = 480
COMPOSITE = 640


def _sensor_groups(root):
    """The top-level sensor groups with their short names (S2, S1)."""
    out = []
    for node in root.children():
        if isinstance(node, QgsLayerTreeGroup) and node.name().startswith("Sentinel-"):
            out.append((node, "S" + node.name().split("-")[1][0]))
    return out


def _outside_sensor_groups(root, layer):
    return all(layer.id() not in group.findLayerIds() for group, _ in _sensor_groups(root))


def _iso(value):
    return value.toUTC().toString(Qt.ISODate) if value is not None and value.isValid() else None


def _render(layers, extent, crs, path, time_range=None, size=SIZE):
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(size, size))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setExtent(extent)
    if time_range is not None:
        settings.setIsTemporal(True)
        settings.setTemporalRange(time_range)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(str(path), "PNG")
    painted = 0
    step = 4
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            if image.pixel(x, y) & 0xFFFFFF != 0xFFFFFF:
                painted += 1
    return {"png": str(path), "painted_samples": painted, "errors": [e.message for e in job.errors()]}


def _renderer(layer):
    if isinstance(layer, QgsVectorLayer):
        rend = layer.renderer()
        info = {"renderer": rend.type() if rend else None}
        if rend is not None and rend.type() == "categorizedSymbol":
            info["attr"] = rend.classAttribute()
            info["categories"] = [
                {
                    "value": c.value(),
                    "label": c.label(),
                    "colour": c.symbol().color().name(),
                    "stroke": c.symbol().symbolLayer(0).strokeColor().name(),
                }
                for c in rend.categories()
            ]
        info["labels"] = bool(layer.labelsEnabled() and layer.labeling() is not None)
        return info
    rend = layer.renderer()
    info = {"renderer": rend.type() if rend else None, "opacity": rend.opacity() if rend else None}
    if rend is not None and rend.type() == "paletted":
        info["classes"] = [{"value": c.value, "label": c.label, "colour": c.color.name()} for c in rend.classes()]
    if rend is not None and rend.type() == "multibandcolor":
        info["bands"] = [rend.redBand(), rend.greenBand(), rend.blueBand(), rend.alphaBand()]
        info["enhancement"] = [
            ce.contrastEnhancementAlgorithm() if ce else None
            for ce in (rend.redContrastEnhancement(), rend.greenContrastEnhancement(), rend.blueContrastEnhancement())
        ]
    return info


def _temporal(layer):
    props = layer.temporalProperties()
    info = {"active": props.isActive(), "mode": int(props.mode())}
    if isinstance(layer, QgsVectorLayer):
        info.update(start_field=props.startField(), end_field=props.endField())
    else:
        rng = props.fixedTemporalRange()
        info["fixed_range"] = [_iso(rng.begin()), _iso(rng.end())]
    return info


def _describe(layer):
    info = {
        "id": layer.id(),
        "name": layer.name(),
        "type": "vector" if isinstance(layer, QgsVectorLayer) else "raster",
        "valid": layer.isValid(),
        "crs": layer.crs().authid(),
        "source": layer.source(),
        "temporal": _temporal(layer),
        **_renderer(layer),
    }
    if isinstance(layer, QgsVectorLayer):
        info["feature_count"] = layer.featureCount()
        info["subset"] = layer.subsetString()
        info["fields"] = [f.name() for f in layer.fields()]
        info["field_types"] = {f.name(): f.typeName() for f in layer.fields()}
    return info


def _frames(project):
    """The temporal controller's one-day frames over the project's range, as the QGIS GUI steps through them."""
    nav = QgsTemporalNavigationObject()
    nav.setTemporalExtents(project.timeSettings().temporalRange())
    nav.setFrameDuration(QgsInterval(1, QgsUnitTypes.TemporalDays))
    first = project.timeSettings().temporalRange().begin()

    def frame(day):
        n = first.daysTo(QDateTime.fromString(day + "T00:00:00Z", Qt.ISODate))
        return nav.dateTimeRangeForFrameNumber(n)

    return frame


def _visible_on(layer, rng):
    """How QGIS's temporal filter treats a layer on one day: shown or not, and features passing for vectors."""
    props = layer.temporalProperties()
    if isinstance(layer, QgsVectorLayer):
        ctx = QgsVectorLayerTemporalContext()
        ctx.setLayer(layer)
        expr = props.createFilterString(ctx, rng)
        return sum(1 for _ in layer.getFeatures(QgsFeatureRequest().setFilterExpression(expr))) if expr else None
    return bool(props.isVisibleInTemporalRange(rng))


def check(project_path, out_dir, dates, detail=None):
    """Everything QGIS is asked, in one function so its Qt objects are gone before QGIS shuts down."""
    project = QgsProject.instance()
    report = {"read": project.read(str(project_path))}
    crs = project.crs()
    root = project.layerTreeRoot()
    view = project.viewSettings().defaultViewExtent()
    extent = QgsRectangle(view) if not view.isEmpty() else QgsRectangle()
    times = project.timeSettings()
    report["project"] = {
        "title": project.title(),
        "crs": crs.authid(),
        "extent": [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()],
        "time_range": [_iso(times.temporalRange().begin()), _iso(times.temporalRange().end())],
        "time_step": [times.timeStep(), int(times.timeStepUnit())],
        "absolute_paths": project.readBoolEntry("Paths", "/Absolute", True)[0],
    }
    frame = _frames(project)
    report["frames"] = {d: [_iso(frame(d).begin()), _iso(frame(d).end())] for d in dates}
    layers = []
    for n, layer in enumerate(root.layerOrder()):
        info = _describe(layer)
        info["visible"] = root.findLayer(layer.id()).isVisible()
        info["group"] = root.findLayer(layer.id()).parent().name()
        info["render"] = _render([layer], extent, crs, out_dir / f"layer_{n:03d}.png")
        info["on_dates"] = {d: _visible_on(layer, frame(d)) for d in dates}
        layers.append(info)
    report["layers"] = layers
    shown = [lyr for lyr in root.layerOrder() if root.findLayer(lyr.id()).isVisible()]
    report["composites"] = {}
    for d in dates:
        report["composites"][d] = _render(shown, extent, crs, out_dir / f"composite_{d}.png", frame(d), COMPOSITE)
        # Each sensor group on its own (Sentinel-1 is off when the project opens), as an analyst toggles them.
        for group, short in _sensor_groups(root):
            ids = set(group.findLayerIds())
            alone = [lyr for lyr in root.layerOrder() if lyr.id() in ids or _outside_sensor_groups(root, lyr)]
            name = f"composite_{d}_{short}.png"
            report["composites"][f"{d} {short}"] = _render(alone, extent, crs, out_dir / name, frame(d), COMPOSITE)
            if detail is not None:
                name = f"detail_{d}_{short}.png"
                report["composites"][f"{d} {short} detail"] = _render(
                    alone, detail, crs, out_dir / name, frame(d), COMPOSITE
                )
    # The same files opened on their own: the GeoPackage's embedded styles and the COGs' QML sidecars.
    direct = []
    seen = set()
    for layer in root.layerOrder():
        base = layer.source().split("|")[0]
        if isinstance(layer, QgsVectorLayer):
            name = layer.source().split("layername=")[1].split("|")[0]
            key = f"{base}|layername={name}"
            if key in seen:
                continue
            seen.add(key)
            alone = QgsVectorLayer(key, name, "ogr")
        else:
            key = base
            alone = QgsRasterLayer(base, Path(base).stem)
        info = {"source": key, "valid": alone.isValid(), "crs": alone.crs().authid(), "temporal": _temporal(alone)}
        info.update(_renderer(alone))
        if isinstance(alone, QgsVectorLayer):
            info["feature_count"] = alone.featureCount()
        direct.append(info)
    report["direct"] = direct
    project.clear()
    return report


def main(argv):
    zoom = [a for a in argv[1:] if a.startswith("--zoom=")]
    args = [a for a in argv[1:] if not a.startswith("--zoom=")]
    out_dir = Path(args[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QgsApplication([], False)
    app.initQgis()
    detail = QgsRectangle(*map(float, zoom[0].removeprefix("--zoom=").split(","))) if zoom else None
    report = check(Path(args[0]), out_dir, args[2:], detail)
    print(json.dumps(report), flush=True)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
