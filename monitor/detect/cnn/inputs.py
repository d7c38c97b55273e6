"""Turning bands in physical units into the network's normalised input channels.

Sentinel-2: B02, B03, B04, B08 as ``(reflectance - 0.1) / 0.1`` (clipped), plus a channel that says whether B08
was present; a true-colour file gets zeros in the B08 channel and 0 in the flag, a case the model is trained on.
Sentinel-1: VV and VH in dB scaled as ``(dB + 15) / 7``; a missing VH is estimated as VV - 7 dB.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import SensorName

__all__ = ("CHANNELS", "NORMALISATION", "to_input")

CHANNELS: dict[str, tuple[str, ...]] = {
    "sentinel-2-l2a": ("B02", "B03", "B04", "B08", "has_B08"),
    "sentinel-1-grd": ("VV_dB", "VH_dB"),
}
NORMALISATION: dict[str, str] = {
    "sentinel-2-l2a": "clip((reflectance - 0.1) / 0.1, -3, 8); has_B08 = 1 when B08 is present",
    "sentinel-1-grd": "clip((10*log10(max(linear, 1e-5)) + 15) / 7, -4, 5); VH missing -> VV - 7 dB",
}


def _s2(bands: dict[str, NDArray[np.float32]], shape: tuple[int, int]) -> NDArray[np.float32]:
    out = np.zeros((5, *shape), np.float32)
    for i, name in enumerate(("B02", "B03", "B04", "B08")):
        if name in bands:
            out[i] = np.clip((np.nan_to_num(bands[name]) - 0.1) / 0.1, -3.0, 8.0)
    out[4] = 1.0 if "B08" in bands else 0.0
    return out


def _db(x: NDArray[np.float32]) -> NDArray[np.float32]:
    return (10.0 * np.log10(np.maximum(np.nan_to_num(x), 1e-5))).astype(np.float32)


def _s1(bands: dict[str, NDArray[np.float32]], shape: tuple[int, int]) -> NDArray[np.float32]:
    vv = _db(bands["VV"]) if "VV" in bands else None
    vh = _db(bands["VH"]) if "VH" in bands else None
    if vv is None and vh is None:
        return np.zeros((2, *shape), np.float32)
    vv = vv if vv is not None else vh + np.float32(7.0)  # type: ignore[operator]
    vh = vh if vh is not None else vv - np.float32(7.0)
    out: NDArray[np.float32] = np.clip((np.stack([vv, vh]) + 15.0) / 7.0, -4.0, 5.0).astype(np.float32)
    return out


def to_input(sensor: SensorName, bands: dict[str, NDArray[np.float32]]) -> NDArray[np.float32]:
    """Stack and normalise a scene's or chip's bands into network channels.

    Args:
        sensor: Which sensor the bands come from.
        bands: Band name to array (physical units), all of one shape.

    Returns:
        (C, H, W) float32 array; C is ``len(CHANNELS[sensor])``.
    """
    shape = next(iter(bands.values())).shape
    return _s2(bands, shape) if sensor == "sentinel-2-l2a" else _s1(bands, shape)
