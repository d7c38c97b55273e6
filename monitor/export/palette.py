"""Class colours and the class/score code of the detection rasters, shared by the COGs, QML and GeoPackage styles.

A detection pixel holds ``10 * class_code + score_decile``: landing_ship 1x, vessel 2x, transport_aircraft 3x,
aircraft 4x, with the tens digit the class and the units digit the score decile (``37`` = transport aircraft
scored 0.7-0.8), so a value read with QGIS's Identify tool can be decoded by eye. 0 is nodata.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.config.models import CLASSES

__all__ = (
    "CLASS_COLOURS",
    "NODATA",
    "class_code",
    "code_label",
    "detection_colormap",
    "hex_colour",
    "pixel_code",
)

NODATA = 0
# ColorBrewer Set1: distinct on both the grey radar composite and the blue-green optical quicklook.
CLASS_COLOURS: dict[str, tuple[int, int, int]] = {
    "landing_ship": (228, 26, 28),
    "vessel": (55, 126, 184),
    "transport_aircraft": (255, 127, 0),
    "aircraft": (152, 78, 163),
}


def class_code(object_class: str) -> int:
    """The tens digit of a class (1-based position in the class list).

    Args:
        object_class: A class name.

    Returns:
        1-4.

    Raises:
        ValueError: The class is unknown.
    """
    if object_class not in CLASSES:
        raise ValueError(f"unknown class {object_class!r}")
    return CLASSES.index(object_class) + 1


def pixel_code(object_class: str, score: float) -> int:
    """The detection-raster value of one detection.

    Args:
        object_class: Its class.
        score: Its score (0..1).

    Returns:
        ``10 * class_code + decile``.
    """
    decile = min(9, max(0, int(score * 10.0)))
    return 10 * class_code(object_class) + decile


def _shade(rgb: tuple[int, int, int], decile: int) -> tuple[int, int, int]:
    # Low scores fade towards white, so the strongest detections stand out.
    t = 0.35 + 0.65 * decile / 9.0
    return (round(255 - (255 - rgb[0]) * t), round(255 - (255 - rgb[1]) * t), round(255 - (255 - rgb[2]) * t))


def code_label(code: int) -> str:
    """A legend label for a detection-raster value.

    Args:
        code: The pixel value.

    Returns:
        For example ``landing_ship, score 0.9-1.0``.
    """
    cls = CLASSES[code // 10 - 1]
    d = code % 10
    return f"{cls}, score {d / 10:.1f}-{(d + 1) / 10:.1f}"


def detection_colormap(classes: Sequence[str] = CLASSES) -> dict[int, tuple[int, int, int, int]]:
    """The colour table of the detection rasters.

    Args:
        classes: Classes to include.

    Returns:
        Pixel value to RGBA, nodata transparent.
    """
    table = {NODATA: (0, 0, 0, 0)}
    for cls in classes:
        for decile in range(10):
            table[pixel_code(cls, decile / 10.0)] = (*_shade(CLASS_COLOURS[cls], decile), 255)
    return table


def hex_colour(rgb: Sequence[int]) -> str:
    """``#rrggbb`` of an RGB triple.

    Args:
        rgb: Red, green, blue (0-255).

    Returns:
        The hex string.
    """
    return "#" + "".join(f"{int(v):02x}" for v in rgb[:3])
