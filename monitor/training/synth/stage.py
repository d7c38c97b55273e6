"""Drawing airports at 2 m: materials, aircraft outlines and the stage that places aircraft, pads and vehicles.

Shared by the terminal scenes (:mod:`.terminal`) and the aircraft grafted onto real land (:mod:`.graft`). Everything
is drawn at ``SUB`` x ``SUB`` sub-pixels per 10 m pixel, so that area-averaging to 10 m mixes aircraft, shadows and
pavement the way a sensor integrates them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = (
    "SPECTRA",
    "SUB",
    "TRUE_COLOUR",
    "Canvas",
    "Plane",
    "Stage",
    "draw_plane",
    "frame",
    "leave_out",
    "plane_size",
)

F32 = NDArray[np.float32]
# Share of terminal chips that keep only B02-B04: most airport imagery analysts have at hand is true colour.
TRUE_COLOUR = 0.6
SUB = 5  # sub-pixels per 10 m pixel: the scene is drawn at 2 m

# Spectra (B02, B03, B04, B08, B11) of the airport's materials before a per-chip gain.
SPECTRA: dict[str, tuple[float, ...]] = {
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
    # Bare sand and dry grass around desert and summer airports (ac024, ac053 and ac058 of the development set).
    "sand": (0.15, 0.18, 0.22, 0.27, 0.36),
    "dry_grass": (0.07, 0.095, 0.11, 0.22, 0.26),
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
        self.gain = {k: float(rng.uniform(0.8, 1.25)) for k in SPECTRA}

    def spectrum(self, material: str, jitter: float = 0.08) -> NDArray[np.float32]:
        """The five-band reflectance of ``material`` under this chip's gain, varied by +-``jitter``."""
        base = np.asarray(SPECTRA[material], np.float32) * self.gain[material]
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
    wing = cv.spectrum("grey" if rng.uniform() < 0.4 else "white", 0.12) * np.float32(rng.uniform(0.85, 1.0))
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
        # Taxiway centre lines (y, x, axis in degrees) laid by the ground, where aircraft may be taxiing.
        self.taxiways: list[tuple[float, float, float]] = []

    def fits(self, p: Plane) -> bool:
        """Whether ``p`` keeps clear of the aircraft placed so far."""
        r = max(p.length, p.span) / 2
        return all(math.hypot(p.y - q.y, p.x - q.x) > 0.8 * (r + max(q.length, q.span) / 2) for q in self.planes)

    def pad(self, y: float, x: float, heading: float, length: float, width: float) -> None:
        """A stand's pavement pad: stands are often concrete in an asphalt apron, or freshly resurfaced."""
        cv = self.cv
        # The pavement's tone is the median under the pad, not the centre pixel, which may hold a painted
        # lead-in line (that gave whole stands the colour of the line).
        reach = int(min(length, width) / 2 / cv.m) + 1
        r, c = min(max(int(y / cv.m), 0), cv.n - 1), min(max(int(x / cv.m), 0), cv.n - 1)
        under = cv.img[:, max(r - reach, 0) : r + reach + 1, max(c - reach, 0) : c + reach + 1]
        base = np.median(under.reshape(under.shape[0], -1), axis=1).astype(np.float32)
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
        # Mostly white and grey: yellow and orange ground equipment is a minority on the development airports.
        livery = ["white", "grey", "yellow", "orange", "roof_blue"]
        colour = cv.spectrum(str(rng.choice(livery, p=[0.4, 0.25, 0.12, 0.08, 0.15])))
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


def leave_out(ignore: NDArray[np.bool_], p: Plane) -> None:
    """Mark an aircraft's disk (half its largest size plus one pixel) as left out of the loss, in place."""
    r = max(p.length, p.span) / 20.0 + 1
    rr, cc = np.ogrid[: ignore.shape[0], : ignore.shape[1]]
    ignore |= (rr + 0.5 - p.y / 10.0) ** 2 + (cc + 0.5 - p.x / 10.0) ** 2 <= r * r
