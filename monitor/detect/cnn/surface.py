"""The surface under a peak when no site layout is given: water read from the image itself.

With an AOI the site's masks say where water and aprons are. Without one (``monitor detect FILE``, the blind
tests), the network's class alone decided the family, and on real airports it called many aircraft "vessel",
which the no-AOI ship floor then removed: 30 airliners at a terminal gave no detection at all. A ship always has
water beside it, so a peak with no water within ``reach_px`` is an aircraft whatever the network guessed, and a
peak surrounded by water is a ship.

Water is NDWI (B03 - B08) / (B03 + B08) > 0 where B08 exists. A true-colour image has no near infrared, so there
water is dark, not red and not green: B04 < 0.075, B03 < 0.1 and B02 >= 0.9 B04 (3 x 3 means). On the sen2ships
ports this agrees with NDWI on 92-99 % of pixels (hazy cartagena, which has B08, is the exception), and it marks
0-3.5 % of the development airports' pixels, in ponds and shadows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.config.models import AIRCRAFT_CLASSES, CLASSES, SHIP_CLASSES
from monitor.detect.cnn.heatmap import Peak

__all__ = ("TRANSPORT_MIN_M", "image_water", "unsited_families")

#: Length (or span) from which an aircraft is a transport in the synthetic labels.
TRANSPORT_MIN_M = 38.0


def image_water(bands: dict[str, NDArray[np.float32]]) -> NDArray[np.bool_] | None:
    """Water pixels of a Sentinel-2 scene from its own bands.

    Args:
        bands: Reflectance bands on the 10 m grid.

    Returns:
        The water mask, or None when the bands do not allow one (no B03, or a radar scene).
    """
    if "B03" not in bands:
        return None
    green = np.nan_to_num(bands["B03"])
    if "B08" in bands:
        nir = ndimage.uniform_filter(np.nan_to_num(bands["B08"]), 3)
        green = ndimage.uniform_filter(green, 3)
        # Turbid, shallow or sun-glinted harbour water can have NDWI below 0 but stays dark in the near infrared.
        water: NDArray[np.bool_] = ((green - nir) > 0.0) | (nir < 0.09)
        return water
    if "B02" not in bands or "B04" not in bands:
        return None
    blue, g, red = (ndimage.uniform_filter(np.nan_to_num(bands[k]), 3) for k in ("B02", "B03", "B04"))
    dark: NDArray[np.bool_] = (red < 0.075) & (g < 0.1) & (blue >= 0.9 * red)
    return dark


def unsited_families(
    peaks: Sequence[Peak],
    water: NDArray[np.bool_],
    thresholds: Sequence[float],
    reach_px: int = 12,
    ship_share: float = 0.15,
    dry_share: float = 0.02,
) -> list[Peak]:
    """Re-decide each peak's family from the water around it, then apply its class threshold.

    Args:
        peaks: Peaks decoded at the lowest class threshold.
        water: Water mask on the peaks' grid.
        thresholds: The model's threshold per class.
        reach_px: Radius of the disk around a peak that is looked at.
        ship_share: A peak with at least this share of water in its disk is a ship.
        dry_share: A peak with at most this share of water in its disk is an aircraft.

    Returns:
        The peaks that pass their class's threshold. A peak whose family the surface overrules is kept at that
        family's lowest threshold and becomes ``vessel``, or ``transport_aircraft`` from 38 m (else
        ``aircraft``); peaks in between keep the network's class.
    """
    h, w = water.shape
    yy, xx = np.mgrid[-reach_px : reach_px + 1, -reach_px : reach_px + 1]
    disk = yy**2 + xx**2 <= reach_px**2
    # Outside the image is unknown, not dry: a peak at the edge is judged on the part of its disk it has.
    padded = np.pad(water.astype(np.float32), reach_px, constant_values=np.nan)
    out = []
    for p in peaks:
        r, c = min(max(int(p.row), 0), h - 1), min(max(int(p.col), 0), w - 1)
        share = float(np.nanmean(padded[r : r + 2 * reach_px + 1, c : c + 2 * reach_px + 1][disk]))
        cls = CLASSES[p.class_index]
        family = SHIP_CLASSES if share >= ship_share else AIRCRAFT_CLASSES if share <= dry_share else None
        if family is not None and cls not in family:
            # The peak passes at its new family's most permissive threshold, but is reported as the family's
            # plain class: without a site nothing says "landing ship", and the measured length says "transport".
            floor = min(thresholds[CLASSES.index(k)] for k in family)
            if p.score >= floor:
                out.append(dataclasses.replace(p, class_index=CLASSES.index(_plain(family, p.length_m))))
        elif p.score >= thresholds[p.class_index]:
            out.append(p)
    return out


def _plain(family: tuple[str, ...], length_m: float) -> str:
    if family == SHIP_CLASSES:
        return "vessel"
    return "transport_aircraft" if length_m >= TRANSPORT_MIN_M else "aircraft"
