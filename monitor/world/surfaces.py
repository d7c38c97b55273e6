"""Spectral vocabulary both synthetic renderers share: the Sentinel-2 band order and the look of thick cloud.

Every five-value reflectance tuple in the scene renderer (:mod:`monitor.sources.synthetic`) and the chip renderer
(:mod:`monitor.training.synth`) is in :data:`S2_BANDS` order. Ground surfaces (water, vegetation, soil, concrete,
asphalt, pavement) are deliberately *not* here: the scene renderer's values are library spectra for the demo
sites, while the chip renderer's are calibrated on the sen2ships training ports and randomised per chip, so the
two sets differ on purpose.
"""

from __future__ import annotations

__all__ = ("CLOUD", "S2_BANDS")

S2_BANDS = ("B02", "B03", "B04", "B08", "B11")
# Relative reflectance of a thick cloud top (SWIR darker: ice and droplets absorb at 1.6 µm); each renderer scales
# it by its own brightness.
CLOUD = (1.0, 0.99, 0.98, 0.96, 0.6)
