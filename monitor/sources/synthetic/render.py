"""Render one Sentinel-2 L2A or Sentinel-1 GRD scene of a site: background, objects, optics, weather, noise.

Sentinel-2 is built in reflectance: seasonal ground, per-scene water colour and glint, objects, a Gaussian PSF
(sigma 0.5 px), haze, cloud shadow, cirrus, cloud, sensor noise, then DN = round(reflectance * 10000) with a
matching scene classification (SCL). Sentinel-1 is built in linear sigma0: land, wind-roughened water, bright
objects, blurred to the 20 x 22 m resolution cell (sigma 0.9 px) and only then multiplied by gamma speckle of
ENL 4.4, which is the order the real processing chain imposes. Clouds do not touch Sentinel-1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.imagery.grid import SiteMasks
from monitor.imagery.scene import observed_mask
from monitor.sources.synthetic.atmosphere import Conditions, cloud_layers, swath_mask
from monitor.sources.synthetic.background import site_background
from monitor.sources.synthetic.noise import fractal, keyed_rng
from monitor.sources.synthetic.objects import draw, paint_s1, paint_s2
from monitor.sources.synthetic.schedule import sun_position
from monitor.world.objects import PlacedObject
from monitor.world.surfaces import CLOUD, S2_BANDS

__all__ = ("Rendered", "render_s1", "render_s2")

S2_PSF_SIGMA = 0.5
S1_PSF_SIGMA = 0.9
S1_ENL = 4.4
_SNOW = (0.75, 0.76, 0.75, 0.65, 0.06)
_HAZE = (1.0, 0.75, 0.55, 0.3, 0.1)
_NOISE = (0.0025, 0.0022, 0.0022, 0.003, 0.004)
_SEDIMENT = (0.0, 0.012, 0.015, 0.004, 0.0)
_WATER = (0.050, 0.045, 0.030, 0.015, 0.008)


def _bands(values: tuple[float, ...]) -> NDArray[np.float32]:
    return np.asarray(values, dtype=np.float32)[:, None, None]


@dataclass(frozen=True)
class Rendered:
    """A rendered scene ready for :func:`monitor.imagery.write_scene`.

    Attributes:
        bands: Band description to array, in file order.
        dtype: Data type to write (``uint16`` for Sentinel-2, ``float32`` for Sentinel-1).
        observed: Pixels with data and no cloud, cloud shadow or cirrus.
        cloud_fraction: Share of pixels with data flagged as cloud or cirrus (SCL 8, 9, 10).
    """

    bands: dict[str, NDArray[np.number]]
    dtype: str
    observed: NDArray[np.bool_]
    cloud_fraction: float


def render_s2(
    masks: SiteMasks, objects: list[PlacedObject], cond: Conditions, when: dt.datetime, seed: int = 0
) -> Rendered:
    """Render a Sentinel-2 L2A scene.

    Args:
        masks: The AOI's masks on the scene grid.
        objects: Objects to draw.
        cond: Scene conditions.
        when: Acquisition time (sun position, randomness).
        seed: Combined scenario and source seed.

    Returns:
        B02, B03, B04, B08, B11 (DN), SCL and dataMask as uint16.
    """
    bg = site_background(masks, seed)
    shape = masks.grid.shape
    rng = keyed_rng("s2", seed, masks.aoi.id, when.astimezone(dt.UTC).isoformat())
    lon, lat = masks.aoi.centre
    sun = sun_position(lon, lat, when)
    swell = fractal(rng, shape, scale_px=250.0, octaves=3, coarse=8)
    tint = np.asarray(cond.water_tint, dtype=np.float32)[:, None, None]
    water = _bands(_WATER) * tint * (1.0 + 0.08 * swell) + np.float32(cond.sediment) * _bands(_SEDIMENT) * bg.near_shore
    if cond.glint > 0:
        ramp = np.linspace(0.2, 1.0, shape[1], dtype=np.float32)[None, :]
        sheen = np.clip(ramp * (0.7 + 0.5 * swell), 0.0, 1.5) * np.float32(cond.glint)
        water += sheen * _bands((1.0, 1.0, 1.0, 0.95, 0.8))
    refl = bg.winter + np.float32(cond.season) * (bg.summer - bg.winter) + bg.water_frac * water

    scl = bg.scl.copy()
    if cond.snow > 0:
        drift = fractal(rng, shape, scale_px=150.0, octaves=5, persistence=0.65, coarse=4)
        drift = np.clip(drift * 0.6 + cond.snow * 2.0 - 0.8, 0.0, 1.0)
        cover = (drift * bg.vegetated).astype(np.float32)
        refl += (_bands(_SNOW) - refl) * cover
        scl[cover > 0.5] = 11

    paint_s2(refl, draw(objects, masks.grid.transform.a, sun))
    refl = ndimage.gaussian_filter(refl, sigma=(0.0, S2_PSF_SIGMA, S2_PSF_SIGMA), mode="nearest")
    haze = fractal(rng, shape, scale_px=400.0, octaves=2, coarse=8)
    refl += np.float32(cond.haze) * _bands(_HAZE) * (1.0 + 0.3 * haze)

    layers = cloud_layers(rng, shape, cond, sun, bg.fog_pull)
    refl *= 1.0 - 0.6 * layers.shadow * (1.0 - layers.cloud)
    cirrus = np.float32(cond.cirrus) * layers.cirrus
    refl += cirrus * _bands((1.0, 1.0, 1.0, 0.9, 0.5))
    bright = (0.45 if cond.fog else 0.25) + 0.3 * layers.cloud + 0.25 * layers.tops
    refl += (_bands(CLOUD) * bright - refl) * layers.cloud
    refl += _bands(_NOISE) * rng.standard_normal(refl.shape, dtype=np.float32)

    inside = swath_mask(shape, cond)
    scl[cirrus > 0.05] = 10
    scl[(layers.shadow >= 0.5) & (layers.cloud < 0.5)] = 3
    scl[layers.cloud >= 0.5] = 8
    scl[layers.cloud >= 0.8] = 9
    scl[~inside] = 0
    dn = np.clip(np.rint(refl * 10000.0), 1, 65535).astype(np.uint16)
    dn[:, ~inside] = 0
    data = inside.astype(np.uint16)
    bands: dict[str, NDArray[np.number]] = {n: dn[i] for i, n in enumerate(S2_BANDS)}
    bands["SCL"] = scl.astype(np.uint16)
    bands["dataMask"] = data
    observed = observed_mask(shape, data, scl)
    cloudy = np.isin(scl, (8, 9, 10)) & inside
    return Rendered(bands, "uint16", observed, float(cloudy.sum() / max(int(inside.sum()), 1)))


def render_s1(
    masks: SiteMasks, objects: list[PlacedObject], cond: Conditions, when: dt.datetime, seed: int = 0
) -> Rendered:
    """Render a Sentinel-1 GRD scene (linear sigma0).

    Args:
        masks: The AOI's masks on the scene grid.
        objects: Objects to draw.
        cond: Scene conditions (wind, swath edge).
        when: Acquisition time (randomness).
        seed: Combined scenario and source seed.

    Returns:
        VV, VH and dataMask as float32.
    """
    bg = site_background(masks, seed)
    shape = masks.grid.shape
    rng = keyed_rng("s1", seed, masks.aoi.id, when.astimezone(dt.UTC).isoformat())
    moisture = np.float32(rng.uniform(0.8, 1.2)) - 1.0
    gusts = 1.0 + 0.35 * fractal(rng, shape, scale_px=300.0, octaves=4, coarse=8)
    # Water in the lee of the shore is calmer, hence darker, than the open bay.
    calm = np.clip(gusts * (1.0 - 0.5 * bg.near_shore), 0.2, 2.0)
    vv_water = np.float32(np.clip(0.0035 * cond.wind**1.15, 0.004, 0.06)) * calm
    sigma0 = bg.s1 * (1.0 + moisture * bg.land_frac)
    sigma0[0] += bg.water_frac * vv_water
    sigma0[1] += bg.water_frac * (0.0022 + 0.08 * vv_water)

    paint_s1(sigma0, draw(objects, masks.grid.transform.a))
    sigma0 = ndimage.gaussian_filter(sigma0, sigma=(0.0, S1_PSF_SIGMA, S1_PSF_SIGMA), mode="nearest")
    sigma0 *= rng.gamma(S1_ENL, 1.0 / S1_ENL, sigma0.shape).astype(np.float32)
    inside = swath_mask(shape, cond)
    sigma0[:, ~inside] = 0.0
    bands: dict[str, NDArray[np.number]] = {"VV": sigma0[0], "VH": sigma0[1]}
    bands["dataMask"] = inside.astype(np.float32)
    return Rendered(bands, "float32", inside, 0.0)
