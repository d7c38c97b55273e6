"""Small builders for the QGIS style XML (QML) vocabulary that the outputs use.

A style is a set of elements that QGIS reads the same way whether they sit under ``<qgis>`` in a ``.qml``
sidecar, in the ``styleQML`` column of a GeoPackage's ``layer_styles`` table, or under ``<maplayer>`` in a
project: so each style is built once (:class:`Style`) and serialised three ways. Only the properties we set are
written; QGIS fills every other one with its default. The element and option names follow QGIS 3.22's files.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = (
    "QGIS_VERSION",
    "Category",
    "Style",
    "categorized_renderer",
    "fill_symbol",
    "iso_z",
    "marker_symbol",
    "paletted_pipe",
    "rgba_pipe",
    "simple_labeling",
    "single_renderer",
    "temporal_raster",
    "temporal_vector",
)

QGIS_VERSION = "3.22.0"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"


@dataclass(frozen=True)
class Style:
    """A layer style: attributes of the layer element and its child elements."""

    children: tuple[ET.Element, ...]
    attrs: dict[str, str] = field(default_factory=dict)

    def qml(self) -> str:
        """The style as a ``.qml`` document.

        Returns:
            The XML text.
        """
        root = ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": "AllStyleCategories", **self.attrs})
        root.extend(self.children)
        ET.indent(root)
        return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def iso_z(t: dt.datetime) -> str:
    """A UTC time as QGIS writes it in temporal ranges (``2024-10-17T01:50:39Z``).

    Args:
        t: An aware datetime.

    Returns:
        The ISO text.
    """
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rgba(rgb: Sequence[int], alpha: int = 255) -> str:
    return f"{rgb[0]},{rgb[1]},{rgb[2]},{alpha}"


def _options(parent: ET.Element, props: dict[str, str]) -> None:
    opts = ET.SubElement(parent, "Option", {"type": "Map"})
    for key in sorted(props):
        ET.SubElement(opts, "Option", {"type": "QString", "name": key, "value": props[key]})


def _symbol(kind: str, layer_class: str, props: dict[str, str], name: str, alpha: float) -> ET.Element:
    sym = ET.Element("symbol", {"type": kind, "name": name, "alpha": f"{alpha:g}", "clip_to_extent": "1"})
    layer = ET.SubElement(sym, "layer", {"class": layer_class, "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, props)
    return sym


def marker_symbol(
    rgb: Sequence[int], shape: str = "circle", size_mm: float = 2.6, outline: Sequence[int] = (20, 20, 20)
) -> ET.Element:
    """A simple marker symbol (unnamed; the renderer names it).

    Args:
        rgb: Fill colour.
        shape: QGIS marker shape (circle, star, triangle, square, diamond, ...).
        size_mm: Diameter in millimetres.
        outline: Outline colour.

    Returns:
        The ``<symbol>`` element.
    """
    props = {
        "name": shape,
        "color": _rgba(rgb),
        "outline_color": _rgba(outline),
        "outline_style": "solid",
        "outline_width": "0.3",
        "outline_width_unit": "MM",
        "size": f"{size_mm:g}",
        "size_unit": "MM",
    }
    return _symbol("marker", "SimpleMarker", props, "0", 1.0)


def fill_symbol(
    outline: Sequence[int],
    fill: Sequence[int] | None = None,
    width_mm: float = 0.5,
    line_style: str = "solid",
    fill_alpha: int = 255,
) -> ET.Element:
    """A simple fill symbol, outline only when ``fill`` is None.

    Args:
        outline: Outline colour.
        fill: Fill colour, or None for no brush.
        width_mm: Outline width in millimetres.
        line_style: ``solid``, ``dash``, ``dot``, ...
        fill_alpha: Fill opacity 0-255.

    Returns:
        The ``<symbol>`` element.
    """
    props = {
        "style": "no" if fill is None else "solid",
        "color": _rgba(fill or (0, 0, 0), fill_alpha if fill is not None else 0),
        "outline_color": _rgba(outline),
        "outline_style": line_style,
        "outline_width": f"{width_mm:g}",
        "outline_width_unit": "MM",
        "joinstyle": "miter",
    }
    return _symbol("fill", "SimpleFill", props, "0", 1.0)


@dataclass(frozen=True)
class Category:
    """One class of a categorized renderer."""

    value: str
    label: str
    symbol: ET.Element


def categorized_renderer(attr: str, categories: Sequence[Category]) -> ET.Element:
    """A ``categorizedSymbol`` renderer on one attribute.

    Args:
        attr: The field holding the category.
        categories: The categories in legend order.

    Returns:
        The ``<renderer-v2>`` element.
    """
    rend = ET.Element("renderer-v2", {"type": "categorizedSymbol", "attr": attr, "symbollevels": "0"})
    cats = ET.SubElement(rend, "categories")
    syms = ET.SubElement(rend, "symbols")
    for i, cat in enumerate(categories):
        ET.SubElement(cats, "category", {"value": cat.value, "label": cat.label, "symbol": str(i), "render": "true"})
        sym = ET.fromstring(ET.tostring(cat.symbol))
        sym.set("name", str(i))
        syms.append(sym)
    return rend


def single_renderer(symbol: ET.Element) -> ET.Element:
    """A ``singleSymbol`` renderer.

    Args:
        symbol: The symbol.

    Returns:
        The ``<renderer-v2>`` element.
    """
    rend = ET.Element("renderer-v2", {"type": "singleSymbol", "symbollevels": "0"})
    syms = ET.SubElement(rend, "symbols")
    syms.append(symbol)
    return rend


def simple_labeling(field_name: str, size_pt: float = 8.0, rgb: Sequence[int] = (0, 0, 0)) -> ET.Element:
    """Labels from one field, with a white halo (set ``labelsEnabled="1"`` on the layer too).

    Args:
        field_name: The field to print.
        size_pt: Font size in points.
        rgb: Text colour.

    Returns:
        The ``<labeling>`` element.
    """
    lab = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(lab, "settings", {"calloutType": "simple"})
    text = ET.SubElement(
        settings,
        "text-style",
        {
            "fieldName": field_name,
            "isExpression": "0",
            # Without a family QGIS picks "DejaVu LGC Sans", which Debian does not ship, and draws nothing.
            "fontFamily": "DejaVu Sans",
            "fontSize": f"{size_pt:g}",
            "fontSizeUnit": "Point",
        },
    )
    text.set("textColor", _rgba(rgb))
    ET.SubElement(text, "text-buffer", {"bufferDraw": "1", "bufferSize": "0.8", "bufferColor": "255,255,255,255"})
    # Around the point: a label placed over its own marker collides with it and QGIS drops it.
    ET.SubElement(settings, "placement", {"placement": "0", "dist": "1", "distUnits": "MM", "priority": "5"})
    return lab


def temporal_vector(start_field: str, end_field: str) -> ET.Element:
    """Temporal properties: each feature lives from ``start_field`` to ``end_field``.

    Args:
        start_field: Start time field.
        end_field: End time field.

    Returns:
        The ``<temporal>`` element (mode 2: start and end from fields).
    """
    temporal = ET.Element(
        "temporal",
        {"enabled": "1", "mode": "2", "startField": start_field, "endField": end_field, "limitMode": "0"},
    )
    rng = ET.SubElement(temporal, "fixedRange")
    ET.SubElement(rng, "start")
    ET.SubElement(rng, "end")
    return temporal


def temporal_raster(start: dt.datetime, end: dt.datetime) -> ET.Element:
    """Temporal properties: the raster is shown from ``start`` to ``end``.

    Args:
        start: Range start (aware).
        end: Range end (aware).

    Returns:
        The ``<temporal>`` element (mode 0: fixed range).
    """
    temporal = ET.Element("temporal", {"enabled": "1", "mode": "0", "fetchMode": "0"})
    rng = ET.SubElement(temporal, "fixedRange")
    ET.SubElement(rng, "start").text = iso_z(start)
    ET.SubElement(rng, "end").text = iso_z(end)
    return temporal


def _pipe(renderer: ET.Element) -> ET.Element:
    pipe = ET.Element("pipe")
    pipe.append(renderer)
    ET.SubElement(pipe, "brightnesscontrast", {"brightness": "0", "contrast": "0", "gamma": "1"})
    ET.SubElement(pipe, "huesaturation", {"saturation": "0", "grayscaleMode": "0", "colorizeOn": "0"})
    return pipe


def paletted_pipe(entries: Sequence[tuple[int, str, str]], opacity: float = 1.0) -> ET.Element:
    """A paletted raster renderer on band 1; values not listed draw transparent.

    Args:
        entries: (value, ``#rrggbb`` colour, label) in legend order.
        opacity: Layer opacity 0-1.

    Returns:
        The ``<pipe>`` element.
    """
    rend = ET.Element("rasterrenderer", {"type": "paletted", "band": "1", "opacity": f"{opacity:g}", "alphaBand": "-1"})
    ET.SubElement(rend, "rasterTransparency")
    palette = ET.SubElement(rend, "colorPalette")
    for value, colour, label in entries:
        ET.SubElement(palette, "paletteEntry", {"value": str(value), "color": colour, "alpha": "255", "label": label})
    return _pipe(rend)


def rgba_pipe(opacity: float = 1.0) -> ET.Element:
    """A multiband renderer for 8-bit RGBA: bands 1-3 shown as stored, band 4 as alpha, no stretch.

    Args:
        opacity: Layer opacity 0-1.

    Returns:
        The ``<pipe>`` element.
    """
    rend = ET.Element(
        "rasterrenderer",
        {
            "type": "multibandcolor",
            "redBand": "1",
            "greenBand": "2",
            "blueBand": "3",
            "alphaBand": "4",
            "opacity": f"{opacity:g}",
        },
    )
    ET.SubElement(rend, "rasterTransparency")
    for colour in ("red", "green", "blue"):
        ce = ET.SubElement(rend, f"{colour}ContrastEnhancement")
        ET.SubElement(ce, "minValue").text = "0"
        ET.SubElement(ce, "maxValue").text = "255"
        ET.SubElement(ce, "algorithm").text = "NoEnhancement"
    return _pipe(rend)
