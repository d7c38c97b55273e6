"""The static look of a site: surface fractions, textures and base reflectance and backscatter per pixel.

Built once per (AOI, grid, seed) and cached; per-scene effects (season, water colour, wind, clouds) are applied
on top by :mod:`monitor.sources.synthetic.render`. The layout is rasterised at 4x and block-averaged, so a
30 m pier or a shoreline cuts pixels the way a real sensor sees them instead of in hard steps. Textures are
keyed by the AOI alone: the town looks the same in every scene, as change detection on real imagery expects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from affine import Affine
from numpy.typing import NDArray
from rasterio.features import rasterize
from rasterio.warp import transform_geom
from scipy import ndimage

from monitor.imagery.grid import SiteMasks
from monitor.sources.synthetic.noise import blocky, fractal, keyed_rng, stable_int

__all__ = ("SiteBackground", "site_background")

_CODES = {"land": 0, "water": 1, "berth": 1, "building": 2, "pier": 3, "quay": 3, "runway": 4, "taxiway": 4, "apron": 4}
_FINE = 4
# Reflectance in B02, B03, B04, B08, B11.
_VEG_SUMMER = (0.030, 0.060, 0.040, 0.300, 0.150)
_VEG_WINTER = (0.055, 0.070, 0.085, 0.165, 0.210)
_SOIL = (0.080, 0.110, 0.140, 0.220, 0.280)
_CONCRETE = (0.165, 0.180, 0.195, 0.215, 0.245)
_PAVEMENT = (0.190, 0.210, 0.225, 0.245, 0.275)
_ASPHALT = (0.075, 0.085, 0.095, 0.120, 0.150)
_SAND = (0.100, 0.120, 0.140, 0.180, 0.220)


@dataclass(frozen=True)
class SiteBackground:
    """Per-pixel surface data of one site on one grid.

    Attributes:
        water_frac: Share of each pixel that is water (0..1); water's look is set per scene.
        summer: (5, H, W) reflectance of everything but water, vegetation in leaf.
        winter: (5, H, W) the same with dormant vegetation.
        vegetated: Share of each pixel that follows the season and takes snow.
        scl: Base scene classification (6 water, 4 vegetation, 5 bare or built).
        near_shore: 0..1 closeness of water pixels to land (sediment, wind shelter).
        fog_pull: 0..1 smooth closeness to open water, where sea fog gathers.
        s1: (2, H, W) VV and VH linear backscatter of everything but water.
        land_frac: Share of each pixel that is natural land (soil moisture changes its backscatter).
    """

    water_frac: NDArray[np.float32]
    summer: NDArray[np.float32]
    winter: NDArray[np.float32]
    vegetated: NDArray[np.float32]
    scl: NDArray[np.uint8]
    near_shore: NDArray[np.float32]
    fog_pull: NDArray[np.float32]
    s1: NDArray[np.float32]
    land_frac: NDArray[np.float32]


def _spectrum(values: tuple[float, ...]) -> NDArray[np.float32]:
    return np.asarray(values, dtype=np.float32)[:, None, None]


def _fractions(masks: SiteMasks) -> NDArray[np.float32]:
    """(5, H, W) share of land, water, building, pier/quay and airside surface in each pixel."""
    grid = masks.grid
    shapes = [
        (
            transform_geom(
                "EPSG:4326", grid.crs, {"type": "Polygon", "coordinates": [[*p.coordinates, p.coordinates[0]]]}
            ),
            _CODES[p.kind],
        )
        for p in masks.aoi.layout
    ]
    h, w = grid.shape
    fine = rasterize(
        shapes,
        out_shape=(h * _FINE, w * _FINE),
        transform=grid.transform @ Affine.scale(1 / _FINE),
        fill=0,
        dtype="uint8",
    )
    cells = fine.reshape(h, _FINE, w, _FINE).transpose(0, 2, 1, 3).reshape(h, w, _FINE * _FINE)
    return np.stack([(cells == k).mean(axis=-1, dtype=np.float32) for k in range(5)])


def _build(masks: SiteMasks, seed: int) -> SiteBackground:
    shape = masks.grid.shape
    rng = keyed_rng("site", masks.aoi.id, seed)
    land, water, built, concrete, airside = _fractions(masks)
    dist = ndimage.distance_transform_edt(water < 0.5)
    beach = land * np.clip(2.0 - dist, 0.0, 1.0).astype(np.float32)
    land = land - beach

    texture = 1.0 + 0.18 * fractal(rng, shape, scale_px=120.0, octaves=5, persistence=0.6)
    soil = np.clip(0.5 * fractal(rng, shape, scale_px=60.0, octaves=3) - 0.55, 0.0, 1.0)
    grain = 1.0 + 0.05 * rng.standard_normal(shape, dtype=np.float32)
    quarters = blocky(rng, shape, 6, 0.12, 0.22)
    roofs = 0.6 * quarters + 0.4 * blocky(rng, shape, 2, 0.09, 0.25)
    tint = blocky(rng, shape, 2, -0.01, 0.01)
    trees = fractal(rng, shape, scale_px=12.0, octaves=2, coarse=4) > 0.5
    rows, cols = np.indices(shape)
    streets = (rows % 7 == 0) | (cols % 9 == 0)
    roof = np.stack([roofs * 0.9 + tint, roofs * 0.96, roofs - tint, roofs * 1.04, roofs * 1.1])
    town_hard = np.where(streets, _spectrum(_ASPHALT), roof)
    concrete_look = _spectrum(_CONCRETE) * (1.0 + 0.06 * fractal(rng, shape, scale_px=20.0, octaves=2))
    pavement = _spectrum(_PAVEMENT) * (1.0 + 0.04 * fractal(rng, shape, scale_px=80.0, octaves=3))
    fixed = beach * _spectrum(_SAND) * texture + concrete * concrete_look + airside * pavement

    green = np.where(trees, built, 0.0).astype(np.float32)
    vegetated = ((land + green) * (1.0 - soil)).astype(np.float32)
    stacks = []
    for veg in (_VEG_SUMMER, _VEG_WINTER):
        nature = (_spectrum(veg) * (1.0 - soil) + _spectrum(_SOIL) * soil) * texture * grain
        town = np.where(trees, nature, town_hard)
        stacks.append((fixed + land * nature + built * town).astype(np.float32))

    scl = np.full(shape, 5, dtype=np.uint8)
    scl[vegetated > 0.5] = 4
    scl[water >= 0.5] = 6
    near_shore = np.where(water > 0, np.exp(-ndimage.distance_transform_edt(water >= 0.5) / 12.0), 0.0)
    small = ndimage.gaussian_filter(water[::4, ::4], 15.0 / 4.0, mode="nearest")
    fog_pull = np.clip(2.0 * ndimage.zoom(small, (shape[0] / small.shape[0], shape[1] / small.shape[1]), order=1), 0, 1)
    s1 = _backscatter(rng, shape, (land, built, concrete, airside, beach), texture)
    return SiteBackground(
        water,
        stacks[0],
        stacks[1],
        vegetated,
        scl,
        near_shore.astype(np.float32),
        fog_pull.astype(np.float32),
        s1,
        land,
    )


def _backscatter(
    rng: np.random.Generator,
    shape: tuple[int, int],
    fractions: tuple[NDArray[np.float32], ...],
    texture: NDArray[np.float32],
) -> NDArray[np.float32]:
    land, built, concrete, airside, beach = fractions
    vv_land = 0.09 * np.exp(0.35 * (texture - 1.0) / 0.18)
    # Buildings are corner reflectors (wall and ground), so a lognormal spread of very bright blocks.
    bright = np.exp(rng.normal(-1.4, 0.9, shape))
    vv_town = np.where(blocky(rng, shape, 2, 0.0, 1.0) < 0.7, bright, 0.08)
    vv = land * vv_land + built * vv_town + concrete * 0.35 * texture + airside * 0.003 * texture
    vv += beach * 0.15 * texture
    vh = land * vv_land * 0.25 + built * vv_town * 0.12 + concrete * 0.05 * texture + airside * 0.0008 * texture
    vh += beach * 0.03 * texture
    return np.stack([vv, vh]).astype(np.float32)


_CACHE: dict[tuple[str, int, int], SiteBackground] = {}


def site_background(masks: SiteMasks, seed: int = 0) -> SiteBackground:
    """The cached static background of a site.

    Args:
        masks: The AOI's masks on the scene grid.
        seed: Extra seed from the source configuration.

    Returns:
        The background (shared, do not modify its arrays).
    """
    key = (masks.aoi.id, seed, stable_int(masks.aoi.model_dump_json(), masks.grid))
    if key not in _CACHE:
        if len(_CACHE) >= 4:
            _CACHE.clear()
        _CACHE[key] = _build(masks, seed)
    return _CACHE[key]
