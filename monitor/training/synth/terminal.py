"""Airport terminal chips: airliners at gates and remote stands as real airports show them at 10 m.

The general airfield plans (:mod:`.airport`) taught the network small aircraft on bright aprons, and on real
airports it found about one aircraft in thirty. These chips are drawn after measurements of the development airports
(``../shared/data/aircraft-dev``, 43 airports, 1,215 aircraft of 35 m or more; measured, never trained on):

* an airport image holds 16-48 scored aircraft (median 27 per 1.28 km square); lengths q10/50/90 37/51/87 m;
* the nearest other aircraft is 4.4/7.7/15.5 px away (q10/50/90): rows at gates, wingtip to wingtip;
* the brightest three pixels of an aircraft have a luminance of .22/.27/.32 against an apron of .15/.20/.23 around
  it, so the contrast is only .03-.12: white fuselages on grey concrete, seldom a bright cross on black asphalt;
* aircraft touch jet bridges, piers, service vehicles and terminal roofs, which are as bright or brighter.

The scene is drawn at 2 m (five sub-pixels a side) and area-averaged to 10 m, the way a sensor integrates it and
the way the real set was prepared, then blurred (none to the Sentinel-2 PSF), noised, and sometimes clipped and
quantised like an 8-bit export. Aircraft of ``MIN_AIRCRAFT_M`` and more are labelled; vehicles, buses, containers,
jet bridges, light masts and roof plant are the clutter that the network must learn to leave out.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.config.models import MIN_LENGTH_M, TRANSPORT_MIN_M
from monitor.training.chip import CLASS_INDEX, Chip
from monitor.training.synth import gates
from monitor.training.synth.stage import SUB, TRUE_COLOUR, Plane, Stage, frame, leave_out
from monitor.training.targets import TargetObject
from monitor.world.surfaces import S2_BANDS

__all__ = ("terminal_chip", "terminal_scene")

F32 = NDArray[np.float32]


def _landside(s: Stage, theta: float) -> None:
    """Town and terminal land side under the whole chip; the apron is laid over it afterwards.

    A street grid, blocks of buildings with roof plant, trees and car parks: roof plant and car rows are what the
    network took for aircraft on the real airports.
    """
    rng, cv, e = s.rng, s.cv, s.extent
    street, block = rng.uniform(8.0, 20.0), rng.uniform(40.0, 130.0)
    # The street grid in one pass over the canvas: a pixel is street when either grid coordinate falls in a gap.
    centres = (np.arange(cv.n, dtype=np.float32) + 0.5) * cv.m - e / 2
    h = math.radians(theta)
    along = centres[None, :] * math.sin(h) - centres[:, None] * math.cos(h)
    across = centres[None, :] * math.cos(h) + centres[:, None] * math.sin(h)
    pitch = block + street
    streets = ((along + street / 2) % pitch < street) | ((across + street / 2) % pitch < street)
    cv.fill(slice(0, cv.n), slice(0, cv.n), streets, cv.spectrum("asphalt", 0.05))
    n = int(1.5 * e / pitch) + 1
    for i in range(-n, n + 1):
        for j in range(-n, n + 1):
            cy, cx = frame(e / 2, e / 2, theta, (i + 0.5) * pitch, (j + 0.5) * pitch)
            if not (-block < cy < e + block and -block < cx < e + block):
                continue
            use = rng.uniform()
            if use < 0.55:
                for _ in range(int(rng.integers(1, 6))):
                    by, bx = frame(cy, cx, theta, rng.uniform(-0.3, 0.3) * block, rng.uniform(-0.3, 0.3) * block)
                    material = str(rng.choice(["roof_light", "grey", "roof_dark", "roof_red", "roof_blue", "white"]))
                    s.building(by, bx, theta, rng.uniform(10.0, 0.8 * block), rng.uniform(8.0, 0.6 * block), material)
            elif use < 0.75:
                for _ in range(int(rng.integers(2, 8))):
                    ty, tx = frame(cy, cx, theta, rng.uniform(-0.5, 0.5) * block, rng.uniform(-0.5, 0.5) * block)
                    radius = rng.uniform(3.0, 8.0)
                    crown = [(radius * np.cos(a), radius * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 7)[:-1]]
                    cv.polygon(ty, tx, 0.0, crown, cv.spectrum("grass") * np.float32(0.7))
            elif use < 0.9:
                cv.rect(cy, cx, theta, block, block, cv.spectrum("asphalt", 0.05))
                # At 10 m single cars are sub-pixel: a row of parked cars is a speckled stripe of mixed colours.
                for r in range(int(block // 6)):
                    if rng.uniform() < 0.8:
                        cars = 0.5 * cv.spectrum("grey", 0.3) + 0.5 * cv.spectrum("white", 0.3) * np.float32(
                            rng.uniform(0.6, 1.1)
                        )
                        ry, rx = frame(cy, cx, theta, 0.0, -block / 2 + r * 6 + 3)
                        cv.rect(ry, rx, theta, block * rng.uniform(0.5, 1.0), 4.5, cars.astype(np.float32))


def _ground(s: Stage) -> None:
    cv, rng, e = s.cv, s.rng, s.extent
    field = str(rng.choice(["grass", "soil", "sand", "dry_grass"], p=[0.4, 0.15, 0.25, 0.2]))
    cv.img[:] = cv.spectrum(field)[:, None, None]
    theta = float(rng.uniform(0.0, 180.0))
    s.theta = theta
    if rng.uniform() < 0.65:
        _landside(s, theta + float(rng.uniform(-20.0, 20.0)))
    kind = rng.uniform()
    pave = cv.spectrum("concrete" if kind < 0.9 else "asphalt", 0.03)
    if kind < 0.15:
        # Concrete tinted by the desert dust around it.
        pave = 0.5 * pave + 0.5 * cv.spectrum("sand", 0.03)
    # Bare ground around the apron: building sites and unpaved strips.
    for _ in range(int(rng.poisson(0.8))):
        cv.rect(
            rng.uniform(0, e),
            rng.uniform(0, e),
            theta + float(rng.choice([0.0, 90.0])),
            rng.uniform(60, 400),
            rng.uniform(30, 200),
            cv.spectrum(str(rng.choice(["sand", "soil", "dry_grass"])), 0.1),
        )
    width = rng.uniform(0.5, 1.6) * e
    s.apron = (e / 2 + rng.uniform(-0.25, 0.25) * e, e / 2 + rng.uniform(-0.25, 0.25) * e, width)
    cy, cx, _ = s.apron
    cv.rect(cy, cx, theta, 3 * e, width, pave)
    # Slabs and patches of a different pavement: aprons are rarely one surface.
    for _ in range(int(rng.integers(0, 6))):
        a, b = rng.uniform(-e, e), rng.uniform(-0.5, 0.5) * width
        other = "asphalt" if kind < 0.9 and rng.uniform() < 0.5 else "concrete"
        cv.rect(
            *frame(cy, cx, theta, a, b),
            theta + float(rng.choice([0.0, 90.0])),
            rng.uniform(40, 400),
            rng.uniform(20, 150),
            cv.spectrum(other, 0.06),
        )
    # Taxiways beside the apron, with a yellow centre line.
    for side in (-1.0, 1.0):
        if rng.uniform() < 0.6:
            off = side * (width / 2 + rng.uniform(10.0, 80.0))
            tw = rng.uniform(20.0, 45.0)
            ty, tx = frame(cy, cx, theta, 0.0, off)
            cv.rect(ty, tx, theta, 3 * e, tw, cv.spectrum("asphalt" if rng.uniform() < 0.6 else "concrete", 0.05))
            line = 0.5 * cv.spectrum("yellow") + 0.5 * cv.spectrum("asphalt")
            cv.rect(ty, tx, theta, 3 * e, 2.0, line)
            s.taxiways.append((ty, tx, theta))


def _clutter(s: Stage) -> None:
    """What is not an aircraft: hangars, car parks, light masts, containers and loose vehicles."""
    rng, cv, e = s.rng, s.cv, s.extent
    for _ in range(int(rng.poisson(1.2))):
        s.building(
            rng.uniform(0, e),
            rng.uniform(0, e),
            s.theta + float(rng.choice([0.0, 90.0])),
            rng.uniform(40.0, 160.0),
            rng.uniform(30.0, 90.0),
            str(rng.choice(["roof_light", "grey", "roof_dark", "roof_blue", "roof_red"])),
        )
    if rng.uniform() < 0.4:
        y0, x0, theta = rng.uniform(0, e), rng.uniform(0, e), s.theta + 90.0
        for i in range(int(rng.integers(2, 8))):
            for j in range(int(rng.integers(5, 30))):
                if rng.uniform() < 0.7:
                    car = cv.spectrum(str(rng.choice(["white", "grey", "roof_dark", "roof_red", "roof_blue"])))
                    cv.rect(*frame(y0, x0, theta, j * 2.7, i * 6.0), theta + 90.0, 4.5, 1.9, car)
    for _ in range(int(rng.poisson(6.0))):
        s.vehicle(rng.uniform(0, e), rng.uniform(0, e), float(rng.uniform(0, 180)))
    for _ in range(int(rng.poisson(3.0))):
        y, x = rng.uniform(0, e), rng.uniform(0, e)
        cv.rect(
            y + s.sun[0] * 15,
            x + s.sun[1] * 15,
            math.degrees(math.atan2(s.sun[1], -s.sun[0])),
            15.0 * math.hypot(*s.sun),
            1.0,
            cv.spectrum("grey"),
            shade=0.6,
        )
    for _ in range(int(rng.poisson(0.8))):
        y, x, theta = rng.uniform(0, e), rng.uniform(0, e), s.theta
        box = cv.spectrum(str(rng.choice(["white", "grey", "roof_blue", "orange"])))
        for k in range(int(rng.integers(3, 15))):
            cv.rect(*frame(y, x, theta, k * 3.5, 0.0), theta, 3.0, 2.5, box)


def _grain(rng: np.random.Generator, size_px: int) -> F32:
    """Relative pixel-scale texture of a real airport at 10 m, mostly shared by the bands.

    Real airports and ports are busy below 10 m (cars, markings, roof detail, stains), and their 10 m pixels
    carry it: the median |luminance - its 1.5 px Gaussian| is .007/.010/.012 (q10/50/90) on the development
    airports and .010-.014 on the built-up land of the sen2ships ports, four times that of these scenes without
    this grain. A network trained on the smooth scenes lost aircraft on real aprons: white noise of 0.01 cut its
    score on drawn aircraft from 0.60 to 0.49, and aircraft grafted onto ``ac053``'s apron scored 0.24.
    """
    shared = rng.normal(0.0, 1.0, (size_px, size_px)).astype(np.float32)
    soft = rng.uniform(0.0, 0.7)
    if soft > 0.25:
        shared = ndimage.gaussian_filter(shared, soft)
        shared /= max(float(shared.std()), 1e-6)
    own = rng.normal(0.0, 1.0, (5, size_px, size_px)).astype(np.float32)
    amplitude = np.float32(rng.uniform(0.035, 0.12))
    grain: F32 = amplitude * (shared[None] + np.float32(0.3) * own)
    return grain


def _finish(s: Stage, size_px: int) -> F32:
    """Integrate to 10 m, then the sensor or export look: PSF, noise, haze, sometimes an 8-bit clip."""
    rng, img = s.rng, s.cv.img
    # Gentle low-frequency brightness variation (sun, surface wear) before integration.
    field = ndimage.zoom(rng.normal(0.0, 1.0, (6, 6)), img.shape[1] / 6, order=1)[: img.shape[1], : img.shape[2]]
    img *= np.float32(1.0) + np.float32(rng.uniform(0.0, 0.06)) * field.astype(np.float32)
    # Real aprons are busy at every scale: stains, patches, tyre marks, worn paint (10-60 m blobs).
    n = img.shape[1]
    for scale in (5.0, 12.0):
        stain = ndimage.gaussian_filter(rng.normal(0.0, 1.0, (n, n)).astype(np.float32), scale)
        stain /= max(float(stain.std()), 1e-6)
        img *= np.float32(1.0) + np.float32(rng.uniform(0.0, 0.08)) * stain
    # Pan-sharpened metre-scale imagery and real optics soften edges before the 10 m integration.
    soft = rng.uniform(0.0, 2.5)
    if soft > 0.5:
        img = ndimage.gaussian_filter(img, (0, soft, soft))
    if rng.uniform() < 0.5:
        # The development airports are 8-bit exports scaled to 0.35: bright roofs and fuselages clip there.
        top = np.float32(rng.uniform(0.3, 0.45))
        img = (np.round(np.clip(img, 0.0, top) / top * 255.0) / 255.0 * top).astype(np.float32)
    out = img.reshape(5, size_px, SUB, size_px, SUB).mean(axis=(2, 4), dtype=np.float32)
    out *= np.float32(1.0) + _grain(rng, size_px)
    sigma = rng.uniform(0.3, 0.8) if rng.uniform() < 0.6 else 0.0
    if sigma:
        out = ndimage.gaussian_filter(out, (0, sigma, sigma))
    out[0] += np.float32(rng.uniform(0.0, 0.03))
    out[1] += np.float32(rng.uniform(0.0, 0.015))
    out += rng.normal(0.0, rng.uniform(0.0002, 0.0015), out.shape).astype(np.float32)
    clipped: F32 = np.clip(out, 0.0, None).astype(np.float32)
    return clipped


def terminal_scene(rng: np.random.Generator, size_px: int = 96) -> tuple[F32, list[Plane], NDArray[np.bool_]]:
    """Draw one airport terminal scene.

    Args:
        rng: Generator; the scene is a deterministic function of its state.
        size_px: Side in 10 m pixels.

    Returns:
        (5, H, W) reflectance B02, B03, B04, B08, B11; every aircraft drawn; and the pixels of aircraft cut by the
        border (centre outside the chip), where the loss is not taken.
    """
    s = Stage(rng, size_px)
    _ground(s)
    # Real terminal areas hold several piers and stand rows at once (a median of 27 scored aircraft per image).
    kind = rng.uniform()
    if kind < 0.45:
        gates.pier(s)
    elif kind < 0.6:
        gates.arc(s)
    elif kind < 0.8:
        gates.stands(s, False)
    elif kind < 0.9:
        gates.stands(s, True)
    else:
        gates.scattered(s)
    if rng.uniform() < 0.4:
        second = gates.pier if rng.uniform() < 0.7 else gates.arc
        second(s)
    if rng.uniform() < 0.5:
        gates.stands(s, False)
    if rng.uniform() < 0.3:
        gates.scattered(s)
    if rng.uniform() < 0.35:
        gates.taxiing(s)
    _clutter(s)
    out = _finish(s, size_px)
    ignore = np.zeros((size_px, size_px), bool)
    e = s.extent
    for p in s.planes:
        if not (0 <= p.y < e and 0 <= p.x < e):
            leave_out(ignore, p)
    return out, s.planes, ignore


def terminal_chip(rng: np.random.Generator, size: int = 96) -> Chip:
    """One Sentinel-2 training chip of an airport terminal.

    Args:
        rng: Generator; the chip is a deterministic function of its state.
        size: Chip side in 10 m pixels.

    Returns:
        The chip: aircraft of ``MIN_LENGTH_M["aircraft"]`` and more whose centre is inside are labelled
        (``transport_aircraft`` from 38 m of length or span, else ``aircraft``); smaller ones and those cut by the
        border are left out of the loss.
    """
    img, planes, ignore = terminal_scene(rng, size)
    objects = []
    for p in planes:
        inside = 0 <= p.y < size * 10.0 and 0 <= p.x < size * 10.0
        span = max(p.length, p.span)
        if inside and span >= MIN_LENGTH_M["aircraft"]:
            cls = "transport_aircraft" if span >= TRANSPORT_MIN_M else "aircraft"
            objects.append(TargetObject(p.y / 10.0, p.x / 10.0, CLASS_INDEX[cls], p.length, p.span, p.heading % 180.0))
        elif inside:
            leave_out(ignore, p)
    count = 3 if rng.uniform() < TRUE_COLOUR else int(rng.choice([4, 5]))
    bands = {n: np.ascontiguousarray(img[i]) for i, n in enumerate(S2_BANDS[:count])}
    return Chip("sentinel-2-l2a", bands, np.ones((size, size), bool), objects, ignore, True, "synthetic/terminal")
