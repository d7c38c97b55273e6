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
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.config.models import MIN_LENGTH_M, TRANSPORT_MIN_M
from monitor.training.chip import CLASS_INDEX, Chip
from monitor.training.targets import TargetObject
from monitor.world.surfaces import S2_BANDS

__all__ = ("TRUE_COLOUR", "Plane", "Stage", "frame", "leave_out", "plane_size", "terminal_chip", "terminal_scene")

F32 = NDArray[np.float32]
# Share of terminal chips that keep only B02-B04: most airport imagery analysts have at hand is true colour.
TRUE_COLOUR = 0.6
SUB = 5  # sub-pixels per 10 m pixel: the scene is drawn at 2 m

# Spectra (B02, B03, B04, B08, B11) of the airport's materials before a per-chip gain.
_SPECTRA: dict[str, tuple[float, ...]] = {
    "concrete": (0.17, 0.185, 0.195, 0.235, 0.27),
    "asphalt": (0.085, 0.09, 0.095, 0.12, 0.15),
    "grass": (0.045, 0.075, 0.06, 0.30, 0.19),
    "soil": (0.10, 0.13, 0.165, 0.23, 0.31),
    "white": (0.36, 0.37, 0.375, 0.40, 0.36),
    "grey": (0.23, 0.235, 0.24, 0.26, 0.27),
    "roof_light": (0.30, 0.31, 0.32, 0.35, 0.38),
    "roof_dark": (0.11, 0.115, 0.12, 0.15, 0.17),
    "roof_blue": (0.16, 0.17, 0.14, 0.20, 0.18),
    "roof_red": (0.10, 0.10, 0.19, 0.25, 0.26),
    "yellow": (0.10, 0.26, 0.32, 0.36, 0.33),
    "orange": (0.08, 0.16, 0.30, 0.33, 0.32),
    "glass": (0.14, 0.16, 0.15, 0.13, 0.11),
}


@dataclass(frozen=True)
class Plane:
    """One drawn aircraft: centre (metres from the chip's top-left), nose heading (deg clockwise), size (m)."""

    y: float
    x: float
    heading: float
    length: float
    span: float
    swept: bool


class Canvas:
    """Reflectance drawn at 2 m, with painting helpers that work on a local window only."""

    def __init__(self, rng: np.random.Generator, size_px: int) -> None:
        self.rng = rng
        self.n = size_px * SUB
        self.m = 10.0 / SUB
        self.img = np.zeros((5, self.n, self.n), np.float32)
        self.gain = {k: float(rng.uniform(0.8, 1.25)) for k in _SPECTRA}

    def spectrum(self, material: str, jitter: float = 0.08) -> NDArray[np.float32]:
        base = np.asarray(_SPECTRA[material], np.float32) * self.gain[material]
        return base * np.float32(self.rng.uniform(1 - jitter, 1 + jitter))

    def _window(self, y: float, x: float, reach: float) -> tuple[slice, slice, F32, F32] | None:
        r0, r1 = max(int((y - reach) / self.m), 0), min(int((y + reach) / self.m) + 1, self.n)
        c0, c1 = max(int((x - reach) / self.m), 0), min(int((x + reach) / self.m) + 1, self.n)
        if r0 >= r1 or c0 >= c1:
            return None
        yy = ((np.arange(r0, r1, dtype=np.float32) + 0.5) * self.m - y)[:, None]
        xx = ((np.arange(c0, c1, dtype=np.float32) + 0.5) * self.m - x)[None, :]
        return slice(r0, r1), slice(c0, c1), yy, xx

    def polygon(
        self, y: float, x: float, heading: float, pts: list[tuple[float, float]], value: F32, shade: float | None = None
    ) -> None:
        """Fill a convex polygon given as (along, across) metres in the frame of ``heading`` around (y, x).

        With ``shade`` the pixels are multiplied by it (a shadow) instead of filled with ``value``.
        """
        reach = max(math.hypot(a, b) for a, b in pts) + self.m
        win = self._window(y, x, reach)
        if win is None:
            return
        rs, cs, yy, xx = win
        h = math.radians(heading)
        along = xx * math.sin(h) - yy * math.cos(h)
        across = xx * math.cos(h) + yy * math.sin(h)
        inside = np.ones(np.broadcast_shapes(yy.shape, xx.shape), bool)
        k = len(pts)
        # Orientation-free convex test: every edge sees the point on the same side as the centroid.
        ca, cb = sum(p[0] for p in pts) / k, sum(p[1] for p in pts) / k
        for i in range(k):
            (a0, b0), (a1, b1) = pts[i], pts[(i + 1) % k]
            side = (a1 - a0) * (cb - b0) - (b1 - b0) * (ca - a0)
            cross = (a1 - a0) * (across - b0) - (b1 - b0) * (along - a0)
            inside &= cross * np.sign(side) >= 0
        self.fill(rs, cs, inside, value, shade)

    def fill(self, rs: slice, cs: slice, inside: NDArray[np.bool_], value: F32, shade: float | None = None) -> None:
        """Paint ``value`` (or multiply by ``shade``) where ``inside`` is true on the window (rs, cs)."""
        window = self.img[:, rs, cs]
        if shade is not None:
            window[:, inside] *= np.float32(shade)
        else:
            window[:, inside] = value[:, None]

    def rect(
        self, y: float, x: float, heading: float, length: float, width: float, value: F32, shade: float | None = None
    ) -> None:
        """Fill a rectangle centred at (y, x) whose long axis points along ``heading``."""
        a, b = length / 2, width / 2
        self.polygon(y, x, heading, [(a, -b), (a, b), (-a, b), (-a, -b)], value, shade)


# Aircraft families: (weight, length range m, span / length range, swept wings). Lengths follow the development
# airports' mix: mostly narrow-bodies at gates, a quarter wide-bodies, some regional and business aircraft.
_FAMILIES = (
    (0.08, (10.0, 22.0), (0.85, 1.15), True),
    (0.12, (22.0, 33.0), (0.85, 1.15), False),
    (0.44, (31.0, 46.0), (0.8, 1.05), True),
    (0.28, (52.0, 76.0), (0.85, 1.05), True),
    (0.08, (44.0, 50.0), (1.0, 1.12), True),  # Il-76-like high-wing freighters
)


def plane_size(rng: np.random.Generator) -> tuple[float, float, bool]:
    """Draw an aircraft's length (m), span (m) and whether its wings are swept, after the airports' fleet mix."""
    k = int(rng.choice(len(_FAMILIES), p=[f[0] for f in _FAMILIES]))
    _, (lo, hi), (r0, r1), swept = _FAMILIES[k]
    length = float(rng.uniform(lo, hi))
    return length, length * float(rng.uniform(r0, r1)), swept


def _plane_parts(p: Plane) -> list[tuple[str, list[tuple[float, float]]]]:
    """Outline polygons of an aircraft in its (along, across) frame."""
    length, span = p.length, p.span
    fw = max(3.0, 0.08 * length) / 2
    root = 0.2 * length
    tip = 0.3 * root
    sweep = math.tan(math.radians(30.0 if p.swept else 3.0))
    wing_at = 0.06 * length
    half = span / 2
    tip_le = wing_at + root / 2 - half * sweep
    parts: list[tuple[str, list[tuple[float, float]]]] = [
        (
            "body",
            [
                (length / 2, 0.0),
                (length / 2 - 0.08 * length, fw),
                (-length / 2, fw * 0.6),
                (-length / 2, -fw * 0.6),
                (length / 2 - 0.08 * length, -fw),
            ],
        ),
    ]
    for s in (1.0, -1.0):
        parts.append(
            (
                "wing",
                [(wing_at + root / 2, 0.0), (tip_le, s * half), (tip_le - tip, s * half), (wing_at - root / 2, 0.0)],
            )
        )
        t_half, t_root = 0.19 * span, 0.11 * length
        t_le = -0.36 * length
        parts.append(
            (
                "tail",
                [
                    (t_le, 0.0),
                    (t_le - t_half * sweep, s * t_half),
                    (t_le - t_half * sweep - 0.4 * t_root, s * t_half),
                    (t_le - t_root, 0.0),
                ],
            )
        )
    return parts


def draw_plane(cv: Canvas, p: Plane, sun: tuple[float, float]) -> None:
    """Shadow first, then wings, tail and fuselage (the fuselage on top, as seen from above)."""
    rng = cv.rng
    body = cv.spectrum("white" if rng.uniform() < 0.85 else "grey", 0.1)
    wing = cv.spectrum("grey" if rng.uniform() < 0.6 else "white", 0.12) * np.float32(rng.uniform(0.8, 1.0))
    parts = _plane_parts(p)
    height = 4.0 + 0.05 * p.length
    sy, sx = sun[0] * height, sun[1] * height
    for _, pts in parts:
        cv.polygon(p.y + sy, p.x + sx, p.heading, pts, body, shade=float(rng.uniform(0.45, 0.7)))
    for name, pts in sorted(parts, key=lambda q: q[0] == "body"):
        cv.polygon(p.y, p.x, p.heading, pts, body if name == "body" else wing)
    if rng.uniform() < 0.5:
        tail = cv.spectrum(str(rng.choice(["roof_blue", "roof_red", "yellow", "grey", "roof_dark"])))
        cv.rect(*_ahead(p, -0.42 * p.length), p.heading, 0.14 * p.length, max(2.0, 0.06 * p.length), tail)


def _ahead(p: Plane, d: float) -> tuple[float, float]:
    h = math.radians(p.heading)
    return p.y - d * math.cos(h), p.x + d * math.sin(h)


def frame(cy: float, cx: float, theta: float, along: float, across: float) -> tuple[float, float]:
    """A point ``along`` the axis ``theta`` and ``across`` to its right, from (cy, cx), in chip metres."""
    h = math.radians(theta)
    return cy - along * math.cos(h) + across * math.sin(h), cx + along * math.sin(h) + across * math.cos(h)


class Stage:
    """Placement state: the canvas, the sun, the aircraft placed so far and the vehicles' free spots."""

    def __init__(self, rng: np.random.Generator, size_px: int) -> None:
        self.rng = rng
        self.cv = Canvas(rng, size_px)
        self.extent = size_px * 10.0
        elevation = math.radians(rng.uniform(22.0, 70.0))
        azimuth = math.radians(rng.uniform(0.0, 360.0))
        reach = 1.0 / math.tan(elevation)
        self.sun = (math.cos(azimuth) * reach, -math.sin(azimuth) * reach)
        self.planes: list[Plane] = []
        # Share of aircraft standing on a pad of another tone (per chip; empty pads are drawn too).
        self.pads = float(rng.choice([0.0, 0.5, 0.9]))
        # The apron: its axis (degrees clockwise from up), centre (m) and width (m); set by _ground.
        self.theta = 0.0
        self.apron = (self.extent / 2, self.extent / 2, self.extent)

    def fits(self, p: Plane) -> bool:
        """Whether ``p`` keeps clear of the aircraft placed so far."""
        r = max(p.length, p.span) / 2
        return all(math.hypot(p.y - q.y, p.x - q.x) > 0.8 * (r + max(q.length, q.span) / 2) for q in self.planes)

    def pad(self, y: float, x: float, heading: float, length: float, width: float) -> None:
        """A stand's pavement pad: stands are often concrete in an asphalt apron, or freshly resurfaced."""
        cv = self.cv
        base = cv.img[:, min(max(int(y / cv.m), 0), cv.n - 1), min(max(int(x / cv.m), 0), cv.n - 1)]
        tone = base * np.float32(self.rng.uniform(0.8, 1.35))
        cv.rect(y, x, heading, length, width, tone.astype(np.float32))

    def plane(self, y: float, x: float, heading: float, size: tuple[float, float, bool]) -> bool:
        """Draw an aircraft (on a pad, sometimes) where it fits; False when it would overlap another."""
        p = Plane(y, x, heading % 360.0, *size)
        if not self.fits(p):
            return False
        if self.rng.uniform() < self.pads:
            self.pad(y, x, heading, p.length + self.rng.uniform(4, 20), p.span + self.rng.uniform(4, 20))
        draw_plane(self.cv, p, self.sun)
        self.planes.append(p)
        return True

    def vehicle(self, y: float, x: float, heading: float) -> None:
        """Draw a service vehicle, bus or a train of baggage carts with its shadow."""
        rng, cv = self.rng, self.cv
        kind = rng.choice(["van", "truck", "bus", "tug", "carts"], p=[0.35, 0.2, 0.15, 0.15, 0.15])
        colour = cv.spectrum(str(rng.choice(["white", "yellow", "orange", "grey", "roof_blue"])))
        if kind == "carts":
            for k in range(int(rng.integers(2, 6))):
                cv.rect(*frame(y, x, heading, k * 3.2, 0.0), heading, 2.5, 1.6, colour)
            return
        length = {"van": 5.0, "truck": 10.0, "bus": 12.5, "tug": 4.0}[str(kind)] * rng.uniform(0.85, 1.15)
        cv.rect(y + self.sun[0] * 2.5, x + self.sun[1] * 2.5, heading, length, 2.6, colour, shade=0.6)
        cv.rect(y, x, heading, length, 2.6, colour)

    def building(self, y: float, x: float, theta: float, length: float, depth: float, material: str) -> None:
        """Draw a building with its shadow and roof plant."""
        cv, rng = self.cv, self.rng
        height = rng.uniform(4.0, 15.0)
        cv.rect(
            y + self.sun[0] * height,
            x + self.sun[1] * height,
            theta,
            length,
            depth,
            cv.spectrum(material),
            shade=float(rng.uniform(0.6, 0.85)),
        )
        roof = cv.spectrum(material)
        cv.rect(y, x, theta, length, depth, roof)
        # Roof plant, skylights and ridges: bright and dark blocks the size of small aircraft parts.
        for _ in range(int(rng.poisson(length * depth / 1500.0))):
            a, b = rng.uniform(-0.45, 0.45) * length, rng.uniform(-0.4, 0.4) * depth
            look = cv.spectrum(str(rng.choice(["white", "roof_dark", "grey", "glass"])))
            cv.rect(*frame(y, x, theta, a, b), theta, rng.uniform(3.0, 20.0), rng.uniform(2.0, 8.0), look)


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
    cv.img[:] = cv.spectrum("grass" if rng.uniform() < 0.55 else "soil")[:, None, None]
    theta = float(rng.uniform(0.0, 180.0))
    s.theta = theta
    if rng.uniform() < 0.65:
        _landside(s, theta + float(rng.uniform(-20.0, 20.0)))
    pave = "concrete" if rng.uniform() < 0.8 else "asphalt"
    width = rng.uniform(0.5, 1.6) * e
    s.apron = (e / 2 + rng.uniform(-0.25, 0.25) * e, e / 2 + rng.uniform(-0.25, 0.25) * e, width)
    cy, cx, _ = s.apron
    cv.rect(cy, cx, theta, 3 * e, width, cv.spectrum(pave, 0.03))
    # Slabs and patches of a different pavement: aprons are rarely one surface.
    for _ in range(int(rng.integers(0, 6))):
        a, b = rng.uniform(-e, e), rng.uniform(-0.5, 0.5) * width
        other = "asphalt" if pave == "concrete" and rng.uniform() < 0.5 else pave
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


def _pier(s: Stage) -> None:
    """A pier or terminal front with gates on one or both sides: aircraft nose-in, jet bridges, vehicles."""
    rng, cv = s.rng, s.cv
    cy, cx, width = s.apron
    theta = s.theta + float(rng.choice([0.0, 90.0]))
    across = rng.uniform(-0.3, 0.3) * width
    py, px = frame(cy, cx, theta, rng.uniform(-0.3, 0.3) * s.extent, across)
    length, depth = rng.uniform(0.4, 2.0) * s.extent, rng.uniform(18.0, 50.0)
    s.building(py, px, theta, length, depth, str(rng.choice(["roof_light", "roof_light", "grey", "roof_dark"])))
    sides = (-1.0, 1.0) if rng.uniform() < 0.7 else (float(rng.choice([-1.0, 1.0])),)
    bridge = cv.spectrum("white" if rng.uniform() < 0.5 else "grey")
    occupancy = rng.uniform(0.55, 1.0)
    for side in sides:
        a = -length / 2 + rng.uniform(0.0, 20.0)
        while a < length / 2:
            size = plane_size(rng)
            pitch = max(size[0], size[1]) + rng.uniform(6.0, 30.0)
            gap = rng.uniform(3.0, 14.0)
            if rng.uniform() < occupancy:
                heading = theta + (-90.0 if side > 0 else 90.0) + rng.normal(0.0, 2.0)
                ny, nx = frame(py, px, theta, a + pitch / 2, side * (depth / 2 + gap + size[0] / 2))
                if s.plane(ny, nx, heading, size):
                    # Jet bridge from the pier to the front door, drawn after the aircraft: it lies on top.
                    reach = gap + 0.15 * size[0]
                    by, bx = frame(py, px, theta, a + pitch / 2 - 0.09 * size[0] - 2.0, side * (depth / 2 + reach / 2))
                    cv.rect(by, bx, theta + 90.0 + rng.normal(0.0, 8.0), reach + 2.0, 3.5, bridge)
                    for _ in range(int(rng.poisson(2.5))):
                        vy, vx = frame(ny, nx, theta, rng.uniform(-0.6, 0.6) * pitch, rng.uniform(-0.6, 0.6) * size[0])
                        s.vehicle(vy, vx, theta + float(rng.choice([0.0, 90.0])))
            elif rng.uniform() < 0.6:
                if rng.uniform() < s.pads:
                    py2, px2 = frame(py, px, theta, a + pitch / 2, side * (depth / 2 + gap + size[0] / 2))
                    s.pad(py2, px2, theta + 90.0, size[0] + 10.0, size[1] + 10.0)
                for _ in range(int(rng.integers(1, 5))):
                    vy, vx = frame(py, px, theta, a + rng.uniform(0, pitch), side * (depth / 2 + rng.uniform(5, 40)))
                    s.vehicle(vy, vx, theta + float(rng.choice([0.0, 90.0])))
            a += pitch


def _stands(s: Stage, freighters: bool) -> None:
    """Rows of remote stands on the open apron, with lead-in lines; freighter aprons hold big aircraft."""
    rng, cv = s.rng, s.cv
    cy, cx, width = s.apron
    theta = s.theta
    line = 0.45 * cv.spectrum("yellow") + 0.55 * cv.spectrum("concrete")
    for _ in range(int(rng.integers(1, 4))):
        across = rng.uniform(-0.45, 0.45) * width
        facing = float(rng.choice([-90.0, 90.0]))
        a = -s.extent + rng.uniform(0.0, 30.0)
        occupancy = rng.uniform(0.4, 1.0)
        while a < s.extent:
            size = (rng.uniform(44.0, 58.0), 0.0, True) if freighters else plane_size(rng)
            if freighters:
                size = (size[0], size[0] * rng.uniform(1.0, 1.12), True)
            pitch = max(size[0], size[1]) + rng.uniform(3.0, 30.0)
            y, x = frame(cy, cx, theta, a, across)
            if rng.uniform() < 0.5:
                cv.rect(y, x, theta + facing, size[0] * 1.2, 1.5, line)
            if rng.uniform() < occupancy:
                s.plane(y, x, theta + facing + rng.normal(0.0, 3.0), size)
            else:
                if rng.uniform() < s.pads:
                    s.pad(y, x, theta + facing, size[0] + 10.0, size[1] + 10.0)
                if rng.uniform() < 0.3:
                    s.vehicle(y, x, theta + facing)
            a += pitch


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
    kind = rng.uniform()
    if kind < 0.65:
        _pier(s)
        if rng.uniform() < 0.5:
            _stands(s, False)
    elif kind < 0.9:
        _stands(s, False)
    else:
        _stands(s, True)
    _clutter(s)
    out = _finish(s, size_px)
    ignore = np.zeros((size_px, size_px), bool)
    e = s.extent
    for p in s.planes:
        if not (0 <= p.y < e and 0 <= p.x < e):
            leave_out(ignore, p)
    return out, s.planes, ignore


def leave_out(ignore: NDArray[np.bool_], p: Plane) -> None:
    """Mark an aircraft's disk (half its largest size plus one pixel) as left out of the loss, in place."""
    r = max(p.length, p.span) / 20.0 + 1
    rr, cc = np.ogrid[: ignore.shape[0], : ignore.shape[1]]
    ignore |= (rr + 0.5 - p.y / 10.0) ** 2 + (cc + 0.5 - p.x / 10.0) ** 2 <= r * r


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
