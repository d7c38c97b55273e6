"""Cloud-Optimised GeoTIFF writing through GDAL's COG driver (as bundled with rasterio), checked by rio-cogeo.

The arrays go into an in-memory GTiff first (where colour interpretation and colour tables behave), then GDAL's
COG driver copies it into a temporary file with internal tiles, overviews and the layer's resampling; rio-cogeo's
validator must pass before the file replaces the old one. Profiles are named objects, one per layer type:
imagery is averaged into its overviews, class rasters take the nearest value so codes never blend.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
from numpy.typing import NDArray
from rasterio.enums import ColorInterp
from rasterio.io import MemoryFile
from rio_cogeo.cogeo import cog_validate

from monitor.errors import MonitorError
from monitor.export.files import atomic_path
from monitor.imagery.grid import Grid

__all__ = ("IMAGERY", "PALETTED", "CogProfile", "write_cog")

Colormap = dict[int, tuple[int, int, int, int]]


@dataclass(frozen=True)
class CogProfile:
    """COG creation options for one kind of layer."""

    name: str
    overview_resampling: str
    compress: str = "DEFLATE"
    predictor: int = 1
    blocksize: int = 256

    def creation_options(self) -> dict[str, str]:
        """GDAL COG driver creation options.

        Returns:
            Option name to value.
        """
        return {
            "COMPRESS": self.compress,
            "PREDICTOR": str(self.predictor),
            "BLOCKSIZE": str(self.blocksize),
            "OVERVIEWS": "AUTO",
            "OVERVIEW_RESAMPLING": self.overview_resampling,
            # Keep the file byte-identical when re-exported from the same inputs.
            "STATISTICS": "NO",
        }


# AOI rasters are about 500-600 px a side: 256 px tiles give them a two-level overview pyramid, where GDAL's
# default 512 would stop after one. Lossless DEFLATE only: JPEG or WEBP would change class codes and alpha.
IMAGERY = CogProfile("imagery", overview_resampling="AVERAGE", predictor=2)
PALETTED = CogProfile("paletted", overview_resampling="NEAREST")


def write_cog(
    path: Path,
    data: NDArray[np.uint8],
    grid: Grid,
    profile: CogProfile,
    colorinterp: list[ColorInterp],
    nodata: int | None = None,
    colormap: Colormap | None = None,
    tags: dict[str, str] | None = None,
) -> Path:
    """Write a uint8 raster as a validated COG, atomically.

    Args:
        path: Destination ``.tif``.
        data: Array of shape (bands, rows, cols).
        grid: The raster's grid.
        profile: Creation profile.
        colorinterp: One colour interpretation per band, set explicitly (GDAL's COG driver otherwise leaves
            an RGBA raster as "undefined").
        nodata: Nodata value, for single-band class rasters (RGBA rasters carry an alpha band instead).
        colormap: Colour table of band 1 (palette rasters).
        tags: Dataset tags.

    Returns:
        The path written.

    Raises:
        MonitorError: The written file is not a valid COG (nothing is replaced then).
    """
    if data.ndim != 3 or data.shape[1:] != grid.shape:
        raise ValueError(f"array shape {data.shape} does not match the grid {grid.shape}")
    if len(colorinterp) != data.shape[0]:
        raise ValueError(f"{len(colorinterp)} colour interpretations for {data.shape[0]} bands")
    mem_profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": data.shape[0],
        "dtype": "uint8",
        "crs": grid.crs,
        "transform": grid.transform,
        "nodata": nodata,
    }
    if data.shape[0] >= 3:
        mem_profile["photometric"] = "RGB"
    if ColorInterp.alpha in colorinterp:
        # Setting colorinterp alone leaves the GTiff extra sample "unspecified"; ALPHA=YES marks it as alpha.
        mem_profile["alpha"] = "YES"
    with MemoryFile() as mem:
        with mem.open(**mem_profile) as dst:
            dst.write(data)
            dst.colorinterp = colorinterp
            if colormap is not None:
                dst.write_colormap(1, colormap)
            dst.update_tags(**(tags or {}), OVERVIEW_RESAMPLING=profile.overview_resampling)
        with mem.open() as src, atomic_path(path) as tmp:
            rasterio.shutil.copy(src, tmp, driver="COG", **profile.creation_options())
            valid, errors, warnings = cog_validate(tmp, quiet=True)
            if not valid or warnings:
                raise MonitorError(f"{path}: not a valid COG ({'; '.join(errors + warnings)})")
            with rasterio.open(tmp) as out:
                if list(out.colorinterp) != list(colorinterp):
                    raise MonitorError(f"{path}: colour interpretation {out.colorinterp} instead of {colorinterp}")
    return path
