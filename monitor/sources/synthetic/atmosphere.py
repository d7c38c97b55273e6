"""Per-scene conditions (cloud, fog, haze, glint, snow, wind, swath edge) and the cloud layers they produce.

Conditions are drawn from a keyed generator before any pixel is made, so ``discover`` can report a scene's
cloud cover without rendering it. The cloud climate is a generic East Asian monsoon one (clear dry winters,
cloudy wet summers); sites with water get extra sea fog from May to August, as at the entrance of Strelok Bay.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import AOIConfig, SensorName
from monitor.sources.synthetic.noise import fractal, keyed_rng

__all__ = ("CloudLayers", "Conditions", "cloud_layers", "scene_conditions", "swath_mask")

# Probability per month (Jan..Dec) of a clear, broken and overcast look.
_CLEAR = (0.6, 0.55, 0.45, 0.4, 0.35, 0.25, 0.15, 0.2, 0.4, 0.5, 0.5, 0.6)
_OVERCAST = (0.1, 0.12, 0.15, 0.2, 0.2, 0.3, 0.45, 0.4, 0.2, 0.15, 0.15, 0.1)
_FOG = (0.0, 0.0, 0.02, 0.08, 0.2, 0.3, 0.35, 0.2, 0.05, 0.0, 0.0, 0.0)
_MAX_SHADOW_PX = 48


@dataclass(frozen=True)
class Conditions:
    """What the atmosphere and surface are doing for one acquisition.

    Attributes:
        cloud_cover: Target share of the scene under opaque cloud or fog (0 for Sentinel-1).
        fog: The cloud is low sea fog (flat, bright, hugging water, no offset shadow).
        cirrus: Peak extra reflectance of thin cirrus (0 = none).
        haze: Additive blue-band path radiance.
        glint: Peak sun-glint reflectance on water (0 = none).
        water_tint: Per-band multiplier of water reflectance.
        sediment: Strength of green/red turbidity near the shore.
        season: 1 = vegetation in full leaf, 0 = dormant.
        snow: Share of vegetated land under snow.
        wind: Wind speed over water in m/s (Sentinel-1 sea clutter).
        swath_edge: Share of the scene beyond the swath edge (no data), 0 = none.
        edge_side: +1 the east side is cut, -1 the west side.
        cloud_height_m: Cloud-top height, which sets how far shadows fall.
    """

    cloud_cover: float
    fog: bool
    cirrus: float
    haze: float
    glint: float
    water_tint: tuple[float, float, float, float, float]
    sediment: float
    season: float
    snow: float
    wind: float
    swath_edge: float
    edge_side: int
    cloud_height_m: float


def scene_conditions(aoi: AOIConfig, sensor: SensorName, when: dt.datetime, seed: int = 0) -> Conditions:
    """Draw the conditions of one acquisition.

    Args:
        aoi: The AOI (coastal sites get sea fog).
        sensor: Sensor; Sentinel-1 ignores clouds.
        when: Acquisition time.
        seed: Combined scenario and source seed.

    Returns:
        The conditions.
    """
    rng = keyed_rng("conditions", seed, aoi.id, sensor, when.astimezone(dt.UTC).isoformat())
    m = when.month - 1
    coastal = any(p.kind in ("water", "berth") for p in aoi.layout)
    # Sentinel-1 flies a fixed 250 km swath over these small sites; only Sentinel-2 datastrips get cut.
    optical = sensor == "sentinel-2-l2a"
    draw = rng.uniform()
    fog = coastal and rng.uniform() < _FOG[m]
    if fog:
        cover = float(rng.uniform(0.35, 1.0))
    elif draw < _CLEAR[m]:
        cover = 0.0 if rng.uniform() < 0.6 else float(rng.uniform(0.0, 0.04))
    elif draw < _CLEAR[m] + _OVERCAST[m]:
        cover = 1.0 if rng.uniform() < 0.5 else float(rng.uniform(0.85, 1.0))
    else:
        cover = float(rng.uniform(0.05, 0.75))
    tint = [float(v) for v in rng.uniform(0.85, 1.2, 5)]
    doy = when.timetuple().tm_yday
    season = 0.5 - 0.5 * math.cos(2.0 * math.pi * (doy - 20) / 365.0)
    winter = m in (11, 0, 1)
    return Conditions(
        cloud_cover=round(cover, 4) if optical else 0.0,
        fog=fog,
        cirrus=float(rng.uniform(0.02, 0.08)) if rng.uniform() < 0.15 else 0.0,
        haze=float(rng.uniform(0.0, 0.03)),
        glint=float(rng.uniform(0.01, 0.07)) if rng.uniform() < (0.3 if 4 <= m <= 7 else 0.05) else 0.0,
        water_tint=(tint[0], tint[1], tint[2], tint[3], tint[4]),
        sediment=float(rng.uniform(0.0, 1.0)),
        season=float(np.clip(season * 1.3 - 0.15, 0.0, 1.0)),
        snow=float(rng.uniform(0.3, 1.0)) if winter and rng.uniform() < 0.25 else 0.0,
        wind=float(rng.gamma(3.0, 1.4)),
        swath_edge=float(rng.uniform(0.05, 0.4)) if rng.uniform() < 0.06 and optical else 0.0,
        edge_side=1 if rng.uniform() < 0.5 else -1,
        cloud_height_m=float(rng.uniform(600.0, 3000.0)),
    )


@dataclass(frozen=True)
class CloudLayers:
    """Cloud opacity, cloud-top relief (thick cores are brighter), the shadow cast and thin cirrus, 0..1 each."""

    cloud: NDArray[np.float32]
    tops: NDArray[np.float32]
    shadow: NDArray[np.float32]
    cirrus: NDArray[np.float32]


def cloud_layers(
    rng: np.random.Generator,
    shape: tuple[int, int],
    cond: Conditions,
    sun: tuple[float, float],
    water_pull: NDArray[np.float32],
) -> CloudLayers:
    """Make the cloud, shadow and cirrus fields of one scene.

    The cloud field is drawn on a grid padded by the longest shadow reach, so clouds just outside the scene
    still cast shadows into it. The opacity threshold is set from the field's quantile, so the opaque share
    (opacity >= 0.5) equals ``cond.cloud_cover``.

    Args:
        rng: Scene generator.
        shape: (rows, cols).
        cond: Scene conditions.
        sun: (azimuth, elevation) in degrees.
        water_pull: 0..1 closeness to water, which draws fog toward the bay.

    Returns:
        The layers.
    """
    zero = np.zeros(shape, dtype=np.float32)
    cirrus = zero
    if cond.cirrus > 0:
        veil = fractal(rng, shape, scale_px=500.0, octaves=3, persistence=0.5, coarse=8)
        cirrus = np.clip(0.5 + 0.35 * veil, 0.0, 1.0).astype(np.float32)
    if cond.cloud_cover <= 0:
        return CloudLayers(zero, zero, zero, cirrus)
    pad = _MAX_SHADOW_PX
    big = (shape[0] + 2 * pad, shape[1] + 2 * pad)
    scale = 700.0 if cond.fog else float(rng.uniform(120.0, 400.0))
    field = fractal(rng, big, scale_px=scale, octaves=5, persistence=0.5 if cond.fog else 0.6)
    if cond.fog:
        field[pad:-pad, pad:-pad] += 2.5 * water_pull
    inner = field[pad:-pad, pad:-pad]
    if cond.cloud_cover >= 1.0:
        cut = float(inner.min()) - 1.0
    else:
        cut = float(np.quantile(inner[::3, ::3], 1.0 - cond.cloud_cover))
    soft = 0.25 if cond.fog else 0.45
    opacity = np.clip((field - cut) / soft + 0.5, 0.0, 1.0).astype(np.float32)
    cloud = np.ascontiguousarray(opacity[pad:-pad, pad:-pad])
    tops = np.clip(0.5 + 0.25 * (inner - cut if cond.cloud_cover < 1.0 else inner), 0.0, 1.0).astype(np.float32)
    if cond.fog or sun[1] <= 2.0:
        return CloudLayers(cloud, tops, zero, cirrus)
    reach = min(cond.cloud_height_m / math.tan(math.radians(sun[1])) / 10.0, float(pad))
    az = math.radians(sun[0] + 180.0)
    dx, dy = round(reach * math.sin(az)), round(-reach * math.cos(az))
    shadow = opacity[pad - dy : pad - dy + shape[0], pad - dx : pad - dx + shape[1]]
    return CloudLayers(cloud, tops, np.ascontiguousarray(shadow), cirrus)


def swath_mask(shape: tuple[int, int], cond: Conditions) -> NDArray[np.bool_]:
    """Pixels inside the swath (True) for a scene that may be cut by the swath edge.

    The edge runs along the descending ground track, about 12 degrees off grid north.

    Args:
        shape: (rows, cols).
        cond: Scene conditions.

    Returns:
        Boolean mask, all True when there is no edge.
    """
    if cond.swath_edge <= 0:
        return np.ones(shape, dtype=bool)
    rows = np.arange(shape[0], dtype=np.float32)[:, None]
    cols = np.arange(shape[1], dtype=np.float32)[None, :]
    offset = cols - math.tan(math.radians(12.0)) * (rows - shape[0] / 2.0)
    if cond.edge_side > 0:
        return np.asarray(offset < shape[1] * (1.0 - cond.swath_edge))
    return np.asarray(offset >= shape[1] * cond.swath_edge)
