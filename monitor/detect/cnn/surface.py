"""The surface under a peak when no site layout is given: water read from the image itself.

With an AOI the site's masks say where water and aprons are. Without one (``monitor detect FILE``, the blind
tests), the network's class alone decided the family, and on real airports it called many aircraft "vessel",
which the no-AOI ship floor then removed: 30 airliners at a terminal gave no detection at all. A ship always has
water beside it, so a peak with (almost) no water within ``reach_px`` either way is an aircraft whatever the
network guessed, and a peak surrounded by water is a ship.

Water is NDWI (B03 - B08) / (B03 + B08) > 0 where B08 exists. A true-colour image has no near infrared, so there
water is dark, not red and not green: B04 < 0.075, B03 < 0.1 and B02 >= 0.9 B04. On the sen2ships
ports this agrees with NDWI on 92-99 % of pixels (hazy cartagena, which has B08, is the exception), and it marks
0-3.5 % of the development airports' pixels, in ponds and shadows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import AIRCRAFT_CLASSES, CLASSES, SHIP_CLASSES, TRANSPORT_MIN_M
from monitor.detect.cnn.heatmap import Peak

__all__ = ("image_water", "loosest_class", "unsited_families")


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
        nir = np.nan_to_num(bands["B08"])
        # Turbid, shallow or sun-glinted harbour water can have NDWI below 0 but stays dark in the near infrared.
        water: NDArray[np.bool_] = ((green - nir) > 0.0) | (nir < 0.09)
        return water
    if "B02" not in bands or "B04" not in bands:
        return None
    blue, g, red = (np.nan_to_num(bands[k]) for k in ("B02", "B03", "B04"))
    dark: NDArray[np.bool_] = (red < 0.075) & (g < 0.1) & (blue >= 0.9 * red)
    return dark


def loosest_class(family: Sequence[str], thresholds: Sequence[float]) -> int:
    """The index of the family's class with the lowest threshold (the first such class on a tie).

    Args:
        family: Class names of one family (``SHIP_CLASSES`` or ``AIRCRAFT_CLASSES``).
        thresholds: The model's threshold per class, in ``CLASSES`` order.

    Returns:
        A class index.
    """
    return min((CLASSES.index(k) for k in family), key=lambda i: thresholds[i])


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
        reach_px: Half-side of the square around a peak that is looked at (12 px: 120 m either way).
        ship_share: A peak with at least this share of water in its square is a ship.
        dry_share: A peak with at most this share of water in its square is an aircraft.

    Returns:
        The peaks that pass their class's threshold. A peak whose family the surface overrules is kept at that
        family's lowest threshold and becomes ``vessel``, or ``transport_aircraft`` from 38 m (else
        ``aircraft``); peaks in between keep the network's class.
    """
    if not peaks:
        return []
    h, w = water.shape
    rows = np.clip(np.array([int(p.row) for p in peaks]), 0, h - 1)
    cols = np.clip(np.array([int(p.col) for p in peaks]), 0, w - 1)
    # Box sums from a summed-area table, all peaks at once. Outside the image is unknown, not dry: a peak at the
    # edge is judged on the part of its square inside the image.
    table = np.zeros((h + 1, w + 1), np.int64)
    table[1:, 1:] = water.astype(np.int64).cumsum(0).cumsum(1)
    r0, r1 = np.clip(rows - reach_px, 0, h), np.clip(rows + reach_px + 1, 0, h)
    c0, c1 = np.clip(cols - reach_px, 0, w), np.clip(cols + reach_px + 1, 0, w)
    wet = table[r1, c1] - table[r0, c1] - table[r1, c0] + table[r0, c0]
    shares = wet / ((r1 - r0) * (c1 - c0))
    floor = {f: thresholds[loosest_class(f, thresholds)] for f in (SHIP_CLASSES, AIRCRAFT_CLASSES)}
    out = []
    for p, share in zip(peaks, shares.tolist(), strict=True):
        cls = CLASSES[p.class_index]
        family = SHIP_CLASSES if share >= ship_share else AIRCRAFT_CLASSES if share <= dry_share else None
        if family is not None and cls not in family:
            # The peak passes at its new family's most permissive threshold, but is reported as the family's
            # plain class: without a site nothing says "landing ship", and the measured length says "transport".
            if p.score >= floor[family]:
                out.append(dataclasses.replace(p, class_index=CLASSES.index(_plain(family, p.length_m))))
        elif p.score >= thresholds[p.class_index]:
            out.append(p)
    return out


def _plain(family: tuple[str, ...], length_m: float) -> str:
    if family == SHIP_CLASSES:
        return "vessel"
    return "transport_aircraft" if length_m >= TRANSPORT_MIN_M else "aircraft"
