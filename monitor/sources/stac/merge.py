"""Merging the items of one pass on the AOI grid, and converting them to the scene format's units.

Each item contributes the pixels no earlier item covered (its first band decides which pixels it has), in
physical units computed with that item's own scale and offset, so items of different processing baselines
merge correctly. Sentinel-2 reflectance is stored back as integer DN with ``REFLECTANCE_SCALE`` when the
scale is one of the items' own (it always is for Sentinel-2: the offset is a whole number of DN); the data
mask is the pixels where every spectral band has data. Sentinel-1 RTC gamma0 is multiplied by
``source.stac.gamma0_to_sigma0`` to approximate the sigma0 the detector was trained on (see the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import SensorName
from monitor.imagery.grid import Grid
from monitor.sources.stac.assets import AssetBand
from monitor.sources.stac.read import BandRead

__all__ = ("Mosaic", "scene_bands")


@dataclass
class Mosaic:
    """The bands of one pass being filled in, item by item."""

    grid: Grid
    bands: tuple[str, ...]
    filled: NDArray[np.bool_] = field(init=False)
    values: dict[str, NDArray[np.float64]] = field(init=False, default_factory=dict)
    valid: dict[str, NDArray[np.bool_]] = field(init=False, default_factory=dict)
    scales: list[float] = field(init=False, default_factory=list)
    provenance: dict[str, dict[str, str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.filled = np.zeros(self.grid.shape, dtype=bool)

    @property
    def full(self) -> bool:
        """Every pixel is covered."""
        return bool(self.filled.all())

    def news(self, lead: BandRead) -> NDArray[np.bool_]:
        """Pixels an item's first band would add.

        Args:
            lead: The item's first band on the grid.

        Returns:
            Its pixels with data that no earlier item covered.
        """
        return lead.valid & ~self.filled

    def put(self, band: str, ab: AssetBand, got: BandRead, new: NDArray[np.bool_]) -> None:
        """Take one band of an item for the pixels ``new`` (physical units).

        Args:
            band: Band name.
            ab: Its asset (scale, offset).
            got: The values read.
            new: The pixels this item contributes (from :meth:`news`).
        """
        if band not in self.values:
            self.values[band] = np.zeros(self.grid.shape, dtype=np.float64)
            self.valid[band] = np.zeros(self.grid.shape, dtype=bool)
        physical = got.values.astype(np.float64) * ab.scale + ab.offset
        self.values[band][new] = physical[new]
        self.valid[band][new] = got.valid[new]
        self.filled |= new
        if band != "SCL" and ab.scale not in self.scales:
            self.scales.append(ab.scale)


def _s2(mosaic: Mosaic) -> tuple[dict[str, NDArray[np.number]], str, dict[str, str]]:
    spectral = [b for b in mosaic.bands if b != "SCL" and b in mosaic.values]
    ok = mosaic.filled.copy()
    for b in spectral:
        ok &= mosaic.valid[b]
    scale = mosaic.scales[0] if mosaic.scales else 1.0e-4
    out: dict[str, NDArray[np.number]] = {}
    for b in spectral:
        dn = np.clip(np.rint(mosaic.values[b] / scale), 1, 65535).astype(np.uint16)
        dn[~ok] = 0
        out[b] = dn
    scl = np.rint(mosaic.values["SCL"]).astype(np.uint16) if "SCL" in mosaic.values else None
    if scl is not None:
        scl[~ok] = 0
        out["SCL"] = scl
    out["dataMask"] = ok.astype(np.uint16)
    return out, "uint16", {"REFLECTANCE_SCALE": f"{scale:g}"}


def _s1(mosaic: Mosaic, factor: float) -> tuple[dict[str, NDArray[np.number]], str, dict[str, str]]:
    pols = [b for b in mosaic.bands if b in mosaic.values]
    ok = mosaic.filled.copy()
    for b in pols:
        ok &= mosaic.valid[b]
    out: dict[str, NDArray[np.number]] = {}
    for b in pols:
        gamma0 = mosaic.values[b].astype(np.float32)
        sigma0 = gamma0 * np.float32(factor)
        sigma0[~ok] = 0.0
        out[b] = sigma0
    out["dataMask"] = ok.astype(np.float32)
    tags = {
        "UNITS": "linear",
        "POLARIZATION": "+".join(pols),
        "BACKSCATTER": f"SIGMA0_FROM_GAMMA0_RTC x{factor:g}",
    }
    return out, "float32", tags


def scene_bands(
    mosaic: Mosaic, sensor: SensorName, gamma0_to_sigma0: float
) -> tuple[dict[str, NDArray[np.number]], str, dict[str, str]]:
    """The scene GeoTIFF's bands, data type and unit tags for a filled mosaic.

    Args:
        mosaic: The merged pass.
        sensor: Sensor name.
        gamma0_to_sigma0: Sentinel-1 factor from RTC gamma0 to sigma0.

    Returns:
        (band name -> array with ``dataMask`` last, data type, tags such as ``REFLECTANCE_SCALE``).
    """
    return _s2(mosaic) if sensor == "sentinel-2-l2a" else _s1(mosaic, gamma0_to_sigma0)
