"""The QGIS style XML (QML) documents, temporal properties and raster renderers the outputs use.

A style is a set of elements that QGIS reads the same way whether they sit under ``<qgis>`` in a ``.qml``
sidecar, in the ``styleQML`` column of a GeoPackage's ``layer_styles`` table, or under ``<maplayer>`` in a
project: so each style is built once (:class:`Style`) and serialised three ways (vector symbols live in
:mod:`monitor.export.symbols`). Only the properties we set are written; QGIS fills every other one with its
default. The element and option names follow QGIS 3.22's files.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = (
    "DOCTYPE",
    "QGIS_VERSION",
    "Style",
    "iso_z",
    "paletted_pipe",
    "rgba_pipe",
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
