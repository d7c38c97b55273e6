"""The default style of every output layer (the same style goes to QML sidecars, the GeoPackage and projects)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from monitor.export.palette import CLASS_COLOURS, code_label, detection_colormap, hex_colour
from monitor.export.qml import Style, paletted_pipe, rgba_pipe, temporal_raster, temporal_vector
from monitor.export.symbols import (
    Category,
    categorized_renderer,
    fill_symbol,
    marker_symbol,
    simple_labeling,
    single_renderer,
)

__all__ = (
    "KIND_COLOURS",
    "aoi_style",
    "claims_style",
    "detection_raster_style",
    "detections_style",
    "footprints_style",
    "quicklook_style",
    "site_style",
)

KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "water": (31, 120, 180),
    "berth": (0, 200, 220),
    # Concrete is drawn mid-grey: white would vanish against the bright piers and runways in the imagery.
    "pier": (110, 110, 110),
    "quay": (110, 110, 110),
    "land": (120, 160, 60),
    "building": (200, 120, 60),
    "runway": (110, 110, 110),
    "taxiway": (150, 150, 150),
    "apron": (0, 200, 220),
}
AOI_COLOUR = (255, 221, 0)


def _opacity(value: float) -> ET.Element:
    el = ET.Element("layerOpacity")
    el.text = f"{value:g}"
    return el


def _raster_period(start: dt.datetime, end: dt.datetime) -> ET.Element:
    # QGIS 3.22 shows a raster in a frame that merely touches its range (frames are [day, next day) and a
    # range starting at the next midnight counts as overlapping), so raster ranges start one second late.
    return temporal_raster(start + dt.timedelta(seconds=1), end)


def quicklook_style(start: dt.datetime, end: dt.datetime) -> Style:
    """A quicklook COG: RGBA shown as stored, during the days its scene is the newest of its sensor.

    Args:
        start: First day shown (midnight UTC).
        end: Last second shown.

    Returns:
        The style.
    """
    return Style((_raster_period(start, end), rgba_pipe()))


def detection_raster_style(classes: Sequence[str], start: dt.datetime, end: dt.datetime) -> Style:
    """A detection COG: paletted by class and score decile, labelled.

    Args:
        classes: The site's classes (legend entries).
        start: First day shown (midnight UTC).
        end: Last second shown.

    Returns:
        The style.
    """
    table = detection_colormap(classes)
    entries = [(code, hex_colour(rgba), code_label(code)) for code, rgba in sorted(table.items()) if code]
    return Style((_raster_period(start, end), paletted_pipe(entries, opacity=0.85)))


def detections_style(classes: Sequence[str]) -> Style:
    """Detection points: a dot per object coloured by class, shown while its scene is the latest.

    Args:
        classes: The site's classes.

    Returns:
        The style.
    """
    cats = [Category(c, c, marker_symbol(CLASS_COLOURS[c], "circle", 2.4)) for c in classes]
    return Style((temporal_vector("valid_from", "valid_to"), categorized_renderer("class", cats), _opacity(1.0)))


def footprints_style(classes: Sequence[str]) -> Style:
    """Detection footprints: the measured oriented box, outline in the class colour.

    Args:
        classes: The site's classes.

    Returns:
        The style.
    """
    cats = [Category(c, c, fill_symbol(CLASS_COLOURS[c], None, 0.5)) for c in classes]
    return Style((temporal_vector("valid_from", "valid_to"), categorized_renderer("class", cats), _opacity(1.0)))


def aoi_style() -> Style:
    """The AOI outline: dashed yellow, no fill.

    Returns:
        The style.
    """
    return Style((single_renderer(fill_symbol(AOI_COLOUR, None, 0.8, "dash")), _opacity(1.0)))


def site_style(kinds: Sequence[str]) -> Style:
    """Site layout polygons: thin outline coloured by surface kind.

    Args:
        kinds: The kinds present, in legend order.

    Returns:
        The style.
    """
    cats = [Category(k, k, fill_symbol(KIND_COLOURS.get(k, (128, 128, 128)), None, 0.3)) for k in kinds]
    return Style((categorized_renderer("kind", cats), _opacity(0.8)))


def claims_style() -> Style:
    """Claims and observations from the ledger: a labelled star, shown during the claim's period.

    Returns:
        The style.
    """
    cats = [
        Category("claim", "claim", marker_symbol((255, 255, 255), "star", 5.0, (200, 0, 0))),
        Category("observation", "observation", marker_symbol((255, 221, 0), "star", 5.0, (60, 60, 60))),
        # An empty value is QGIS's catch-all category, for kinds a later ledger may add.
        Category("", "other", marker_symbol((180, 180, 180), "star", 5.0, (60, 60, 60))),
    ]
    return Style(
        (
            temporal_vector("valid_from", "valid_to"),
            categorized_renderer("kind", cats),
            simple_labeling("id", 8.0),
            _opacity(1.0),
        ),
        attrs={"labelsEnabled": "1"},
    )
