"""The training example shared by synthetic and real chip makers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import CLASSES, SensorName
from monitor.training.targets import TargetObject

__all__ = ("CLASS_INDEX", "Chip")

CLASS_INDEX: dict[str, int] = {c: i for i, c in enumerate(CLASSES)}


@dataclass
class Chip:
    """One training chip at 10 m: bands in physical units, labels in chip pixels.

    Attributes:
        sensor: Which sensor the bands imitate or come from.
        bands: Sentinel-2: reflectance ``B02``, ``B03``, ``B04`` and optionally ``B08``, ``B11``; Sentinel-1:
            linear ``VV`` and ``VH``. float32 arrays of the chip's shape.
        valid: Pixels with data and no cloud (as a scene's ``valid``).
        objects: Labelled objects; ``class_index`` follows ``CLASSES``.
        ignore: Pixels where unlabelled objects may exist (loss is not taken there), or None.
        size_known: False when lengths, widths and headings are rough (real boxes): only the heatmap is trained.
        origin: Where the chip came from (``synthetic``, ``synthetic/terminal`` or a port name), for bookkeeping.
    """

    sensor: SensorName
    bands: dict[str, NDArray[np.float32]]
    valid: NDArray[np.bool_]
    objects: list[TargetObject] = field(default_factory=list)
    ignore: NDArray[np.bool_] | None = None
    size_known: bool = True
    origin: str = "synthetic"
