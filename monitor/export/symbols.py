"""Vector symbols, renderers and labels in QGIS's style XML (see :mod:`monitor.export.qml`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ("Category", "categorized_renderer", "fill_symbol", "marker_symbol", "simple_labeling", "single_renderer")


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
