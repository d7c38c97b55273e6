"""Sensor and atmosphere effects of synthetic chips: haze, cirrus, partial cloud, PSF, noise, SAR blur and speckle.

Sentinel-2: a Gaussian PSF, then additive path reflectance (haze), a thin veil, thick cloud (flagged invalid at
opacity >= 0.5) with its offset shadow, and white noise at the level measured on the training ports (see
:mod:`monitor.training.synth.chips`). Sentinel-1: blur to the 20 x 22 m resolution cell first and only then
multiply by gamma speckle, the order the real processing chain imposes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.training.synth.textures import field, gaussian_noise
from monitor.world.surfaces import CLOUD

__all__ = ("Sky", "s1_finish", "s2_finish", "sky")

F32 = NDArray[np.float32]
_FLAT = np.asarray([1.0, 1.0, 1.0, 0.97, 0.85], np.float32)[:, None, None]
_HAZE = np.asarray([1.0, 0.78, 0.6, 0.38, 0.12], np.float32)[:, None, None]
_CLOUD = np.asarray(CLOUD, np.float32)[:, None, None]


class Sky:
    """Atmosphere of one optical chip: haze, thin cirrus veil and partial cloud with its shadow.

    Attributes:
        haze: Additive blue-band path reflectance.
        veil: (H, W) thin-cloud reflectance (0 = none).
        opacity: (H, W) thick-cloud opacity 0..1 (>= 0.5 is flagged invalid).
        shade: (H, W) cloud-shadow strength 0..1.
    """

    def __init__(self, haze: float, veil: F32, opacity: F32, shade: F32) -> None:
        self.haze, self.veil, self.opacity, self.shade = haze, veil, opacity, shade


def sky(rng: np.random.Generator, size: int, shadow: tuple[float, float]) -> Sky:
    """Draw the atmosphere of an optical chip.

    Args:
        rng: Chip generator.
        size: Chip side (px).
        shadow: (row, col) px of shadow per metre of height.

    Returns:
        The sky.
    """
    shape = (size, size)
    zero = np.zeros(shape, np.float32)
    haze = 0.1 * rng.uniform() ** 2 if rng.uniform() < 0.6 else 0.0
    veil = zero
    if rng.uniform() < 0.15:
        veil = (rng.uniform(0.01, 0.08) * np.clip(0.5 + 0.5 * field(rng, "smooth", shape), 0, 1)).astype(np.float32)
    opacity, shade = zero, zero
    if rng.uniform() < 0.12:
        reach = rng.uniform(500.0, 2500.0)
        dr, dc = round(shadow[0] * reach), round(shadow[1] * reach)
        pad = 48
        big = field(rng, "medium", (size + 2 * pad, size + 2 * pad))
        cut = float(np.quantile(big, 1.0 - rng.uniform(0.05, 0.6)))
        big += 0.35 * field(rng, "fine", big.shape)
        full = np.clip((big - cut) / rng.uniform(1.2, 3.0) + 0.5, 0.0, 1.0).astype(np.float32)
        opacity = np.ascontiguousarray(full[pad : pad + size, pad : pad + size])
        r0, c0 = int(np.clip(pad - dr, 0, 2 * pad)), int(np.clip(pad - dc, 0, 2 * pad))
        shade = np.ascontiguousarray(full[r0 : r0 + size, c0 : c0 + size])
    return Sky(haze, veil, opacity, shade)


def s2_finish(rng: np.random.Generator, refl: F32, atmosphere: Sky) -> F32:
    """Apply the optics, atmosphere and noise to surface-plus-objects reflectance.

    The PSF is a Gaussian of sigma 0.45-0.85 px; B11 (20 m native) gets an extra 0.8 px. Noise is 0.0006-0.0013
    per pixel (B11 a third of that).

    Args:
        rng: Chip generator.
        refl: (5, H, W) reflectance (modified).
        atmosphere: The chip's sky.

    Returns:
        The final (5, H, W) reflectance, clipped at 0.
    """
    sigma = rng.uniform(0.45, 0.85)
    out = ndimage.gaussian_filter(refl, (0.0, sigma, sigma), mode="nearest")
    out[4] = ndimage.gaussian_filter(out[4], 0.8, mode="nearest")
    out *= 1.0 - 0.6 * np.float32(atmosphere.haze)
    out += _HAZE * np.float32(atmosphere.haze)
    out *= 1.0 - np.float32(rng.uniform(0.3, 0.6)) * atmosphere.shade * (1.0 - atmosphere.opacity)
    out += _FLAT * atmosphere.veil
    tops = 1.0 + 0.15 * field(rng, "fine", refl.shape[1:]) + 0.3 * (atmosphere.opacity - 0.5)
    cloud = _CLOUD * np.float32(rng.uniform(0.3, 0.7)) * tops
    out += (cloud - out) * atmosphere.opacity
    level = rng.uniform(0.0006, 0.0013)
    noise = np.asarray([1.0, 0.95, 0.85, 0.8, 0.3], np.float32)[:, None, None] * np.float32(level)
    out += noise * gaussian_noise(rng, out.shape)
    final: F32 = np.maximum(out, 0.0).astype(np.float32)
    return final


def s1_finish(rng: np.random.Generator, sigma0: F32) -> F32:
    """Blur linear sigma0 to the 20 x 22 m resolution cell (sigma 0.8-1.0 px), then apply gamma speckle (ENL 4-5).

    Args:
        rng: Chip generator.
        sigma0: (2, H, W) linear VV and VH.

    Returns:
        The speckled (2, H, W) sigma0.
    """
    sigma = rng.uniform(0.8, 1.0)
    out = ndimage.gaussian_filter(sigma0, (0.0, sigma, sigma * rng.uniform(1.0, 1.1)), mode="nearest")
    enl = rng.uniform(4.0, 5.0)
    out *= rng.gamma(enl, 1.0 / enl, out.shape).astype(np.float32)
    speckled: F32 = out.astype(np.float32)
    return speckled
