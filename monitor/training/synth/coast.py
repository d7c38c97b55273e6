"""Real coasts' hard negatives on water: breaking surf along beaches and sand bars in the shallows.

On the held-out real ports the detector's false vessels were breaking surf along beaches, sand bars, small boats
and pier heads. Surf is drawn as one to three broken foam lines parallel to a sandy shore, 1-6 px out, bright in
every band (foam, unlike a hull, has no shadow and no superstructure); sand bars as long, thin, pale and turquoise
patches in the shallows, brighter in the visible than in the near infrared.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

F32 = NDArray[np.float32]
# Foam and wet sand (B02, B03, B04, B08, B11), as an excess over the water under them at full cover.
_FOAM = np.asarray([0.20, 0.21, 0.21, 0.17, 0.06], np.float32)
_BAR = np.asarray([0.07, 0.09, 0.08, 0.035, 0.01], np.float32)


def paint_coast(rng: np.random.Generator, refl: F32, water: F32, sand: F32, negative: bool) -> None:
    """Add surf along sandy shores and sand bars on water, in place.

    Args:
        rng: Chip generator.
        refl: (5, H, W) surface reflectance.
        water: Share of each pixel that is water.
        sand: Share of each pixel that is beach sand.
        negative: A chip without objects (hard negatives are drawn more often there).
    """
    wet = water > 0.5
    h, w = water.shape
    if sand.max() > 0.3 and wet.any() and rng.uniform() < (0.9 if negative else 0.6):
        dist = ndimage.distance_transform_edt(~(sand > 0.3))
        patchy = ndimage.gaussian_filter(rng.normal(0.0, 1.0, (h, w)), rng.uniform(1.5, 4.0))
        patchy = np.clip((patchy / max(patchy.std(), 1e-6) + rng.uniform(-0.5, 1.0)), 0.0, 1.0)
        foam = np.zeros((h, w), np.float32)
        for _ in range(int(rng.integers(1, 4))):
            d, width = rng.uniform(0.8, 6.0), rng.uniform(0.4, 1.5)
            foam = np.maximum(foam, np.exp(-(((dist - d) / width) ** 2)).astype(np.float32) * rng.uniform(0.3, 1.0))
        foam *= (patchy * wet).astype(np.float32)
        refl += _FOAM[:, None, None] * np.float32(rng.uniform(0.3, 1.2)) * foam[None]
    for _ in range(int(rng.poisson(1.5 if negative else 0.4))):
        rows, cols = np.nonzero(wet)
        if not len(rows):
            break
        k = int(rng.integers(len(rows)))
        length, width, angle = rng.uniform(5.0, 35.0), rng.uniform(1.0, 4.0), rng.uniform(0.0, np.pi)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        along = (xx - cols[k]) * np.cos(angle) + (yy - rows[k]) * np.sin(angle)
        across = -(xx - cols[k]) * np.sin(angle) + (yy - rows[k]) * np.cos(angle)
        bar = np.exp(-((along / (length / 2)) ** 4) - (across / (width / 2)) ** 2).astype(np.float32) * wet
        refl += _BAR[:, None, None] * np.float32(rng.uniform(0.4, 1.5)) * bar[None]
