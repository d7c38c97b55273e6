"""Where aircraft stand in a terminal scene: straight and curved piers, remote stands, ad hoc parking, taxiways.

Each layout draws onto a :class:`~.stage.Stage` whose ground and apron are already laid. The mix follows what the
development airports show and what the network got wrong on them:

* straight piers with nose-in gates and jet bridges, and empty gates whose bridge is folded back along the pier
  face (bright bars that the network took for aircraft at ``ac000``);
* curved piers and round satellites with gates on the outer ring (``ac046``'s curved terminal drew false
  aircraft; real satellites put aircraft at every angle);
* rows of remote stands, some of them diagonal;
* aircraft parked anywhere at any heading on an open apron (``ac053``, ``ac096``);
* aircraft taxiing on the taxiway centre lines, away from any building (``ac010``).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from monitor.training.synth.stage import Stage, frame, plane_size

__all__ = ("arc", "pier", "scattered", "stands", "taxiing")

_PIER_ROOFS = ("roof_light", "roof_light", "grey", "roof_dark")


def _service(s: Stage, y: float, x: float, theta: float, reach: float, depth: float) -> None:
    """Service vehicles around a stand: tugs, vans, buses, baggage carts."""
    rng = s.rng
    for _ in range(int(rng.poisson(2.5))):
        vy, vx = frame(y, x, theta, rng.uniform(-0.6, 0.6) * reach, rng.uniform(-0.6, 0.6) * depth)
        s.vehicle(vy, vx, theta + float(rng.choice([0.0, 90.0])))


def _empty_gate(s: Stage, face: tuple[float, float], theta: float, size: float, bridge: NDArray[np.float32]) -> None:
    """An unused gate: its jet bridge folded along the pier face, sometimes a stand pad and a few vehicles.

    Args:
        s: The stage.
        face: The point on the pier face in front of the gate.
        theta: The pier face's direction (degrees).
        size: The length of the aircraft the stand was made for (m).
        bridge: The bridge's colour.
    """
    rng = s.rng
    if rng.uniform() < 0.6:
        s.cv.rect(*face, theta + rng.normal(0.0, 10.0), rng.uniform(12.0, 25.0), 3.5, bridge)
    if rng.uniform() < 0.6:
        out = theta + 90.0
        if rng.uniform() < s.pads:
            s.pad(*frame(*face, out, size / 2 + 8.0, 0.0), theta, size + 10.0, size + 10.0)
        for _ in range(int(rng.integers(1, 5))):
            vy, vx = frame(*face, out, rng.uniform(5.0, 40.0), rng.uniform(-0.5, 0.5) * size)
            s.vehicle(vy, vx, theta + float(rng.choice([0.0, 90.0])))


def pier(s: Stage) -> None:
    """A straight pier or terminal front with gates on one or both sides: aircraft nose-in, jet bridges, vehicles."""
    rng, cv = s.rng, s.cv
    cy, cx, width = s.apron
    theta = s.theta + float(rng.choice([0.0, 90.0]))
    py, px = frame(cy, cx, theta, rng.uniform(-0.3, 0.3) * s.extent, rng.uniform(-0.3, 0.3) * width)
    length, depth = rng.uniform(0.4, 2.0) * s.extent, rng.uniform(18.0, 50.0)
    s.building(py, px, theta, length, depth, str(rng.choice(_PIER_ROOFS)))
    sides = (-1.0, 1.0) if rng.uniform() < 0.7 else (float(rng.choice([-1.0, 1.0])),)
    bridge = cv.spectrum("white" if rng.uniform() < 0.5 else "grey")
    occupancy = rng.uniform(0.55, 1.0)
    for side in sides:
        a = -length / 2 + rng.uniform(0.0, 20.0)
        while a < length / 2:
            size = plane_size(rng)
            pitch = max(size[0], size[1]) + rng.uniform(6.0, 30.0)
            gap = rng.uniform(3.0, 14.0)
            at = a + pitch / 2
            if rng.uniform() < occupancy:
                heading = theta + (-90.0 if side > 0 else 90.0) + rng.normal(0.0, 2.0)
                ny, nx = frame(py, px, theta, at, side * (depth / 2 + gap + size[0] / 2))
                if s.plane(ny, nx, heading, size):
                    # Jet bridge from the pier to the front door, drawn after the aircraft: it lies on top.
                    reach = gap + 0.15 * size[0]
                    by, bx = frame(py, px, theta, at - 0.09 * size[0] - 2.0, side * (depth / 2 + reach / 2))
                    cv.rect(by, bx, theta + 90.0 + rng.normal(0.0, 8.0), reach + 2.0, 3.5, bridge)
                    _service(s, ny, nx, theta, pitch, size[0])
            else:
                face = frame(py, px, theta, at, side * (depth / 2 + 3.0))
                _empty_gate(s, face, theta if side > 0 else theta + 180.0, size[0], bridge)
            a += pitch


def arc(s: Stage) -> None:
    """A curved pier, or a round satellite, with nose-in gates around its outer side (aircraft face the centre)."""
    rng, cv, e = s.rng, s.cv, s.extent
    radius = float(rng.uniform(35.0, 350.0))
    cy, cx = rng.uniform(0.0, e), rng.uniform(0.0, e)
    depth = float(rng.uniform(15.0, 40.0))
    roof = str(rng.choice(_PIER_ROOFS))
    start = float(rng.uniform(0.0, 360.0))
    if radius < 90.0:
        # A round satellite: one disk of roof with its shadow.
        ring = [(radius * math.cos(t), radius * math.sin(t)) for t in np.linspace(0.0, 2 * math.pi, 19)[:-1]]
        cv.polygon(cy + s.sun[0] * 10.0, cx + s.sun[1] * 10.0, 0.0, ring, cv.spectrum(roof), shade=0.7)
        cv.polygon(cy, cx, 0.0, ring, cv.spectrum(roof))
        span, outer = 360.0, radius
    else:
        # A long curve: a chain of short straight sections of one roof.
        span = float(rng.uniform(60.0, 220.0))
        n = max(int(radius * math.radians(span) / 30.0), 2)
        step = span / n
        for k in range(n):
            phi = start + (k + 0.5) * step
            y, x = frame(cy, cx, phi, radius, 0.0)
            s.building(y, x, phi + 90.0, 2 * radius * math.sin(math.radians(step) / 2) + 4.0, depth, roof)
        outer = radius + depth / 2
    bridge = cv.spectrum("white" if rng.uniform() < 0.5 else "grey")
    occupancy = rng.uniform(0.55, 1.0)
    phi = start
    while phi < start + span:
        size = plane_size(rng)
        gap = rng.uniform(3.0, 14.0)
        at = outer + gap + size[0] / 2
        pitch = math.degrees((max(size[0], size[1]) + rng.uniform(6.0, 30.0)) / at)
        mid = phi + pitch / 2
        if mid < start + span and rng.uniform() < occupancy:
            ny, nx = frame(cy, cx, mid, at, 0.0)
            if s.plane(ny, nx, mid + 180.0 + rng.normal(0.0, 2.0), size):
                reach = gap + 0.15 * size[0]
                cv.rect(
                    *frame(cy, cx, mid, outer + reach / 2, 0.0), mid + rng.normal(0.0, 8.0), reach + 2.0, 3.5, bridge
                )
                _service(s, ny, nx, mid + 90.0, size[0], size[0])
        elif mid < start + span:
            _empty_gate(s, frame(cy, cx, mid, outer + 3.0, 0.0), mid - 90.0, size[0], bridge)
        phi += pitch


def stands(s: Stage, freighters: bool) -> None:
    """Rows of remote stands on the open apron, with lead-in lines; some rows are diagonal to the apron axis.

    Args:
        s: The stage.
        freighters: Whether the rows hold big freighters (Il-76-like, 44-58 m) only.
    """
    rng, cv = s.rng, s.cv
    cy, cx, width = s.apron
    theta = s.theta
    line = 0.45 * cv.spectrum("yellow") + 0.55 * cv.spectrum("concrete")
    for _ in range(int(rng.integers(1, 4))):
        across = rng.uniform(-0.45, 0.45) * width
        facing = float(rng.choice([-90.0, 90.0]))
        if rng.uniform() < 0.25:
            facing += float(rng.choice([-45.0, 45.0]))
        a = -s.extent + rng.uniform(0.0, 30.0)
        occupancy = rng.uniform(0.4, 1.0)
        while a < s.extent:
            if freighters:
                length = float(rng.uniform(44.0, 58.0))
                size = (length, length * float(rng.uniform(1.0, 1.12)), True)
            else:
                size = plane_size(rng)
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


def scattered(s: Stage) -> None:
    """Aircraft parked anywhere on the apron at any heading: cargo, overflow and general-aviation aprons."""
    rng = s.rng
    cy, cx, width = s.apron
    for _ in range(int(rng.integers(2, 9))):
        y, x = frame(cy, cx, s.theta, rng.uniform(-0.6, 0.6) * s.extent, rng.uniform(-0.45, 0.45) * width)
        size = plane_size(rng)
        if s.plane(y, x, float(rng.uniform(0.0, 360.0)), size) and rng.uniform() < 0.5:
            _service(s, y, x, s.theta, size[0], size[0])


def taxiing(s: Stage) -> None:
    """Aircraft on the taxiway centre lines, nose along the taxiway, far from gates and buildings."""
    rng, e = s.rng, s.extent
    for ty, tx, axis in s.taxiways:
        a = -1.5 * e + rng.uniform(0.0, 200.0)
        while a < 1.5 * e:
            if rng.uniform() < 0.35:
                y, x = frame(ty, tx, axis, a, rng.normal(0.0, 1.5))
                s.plane(y, x, axis + float(rng.choice([0.0, 180.0])) + rng.normal(0.0, 2.0), plane_size(rng))
            a += rng.uniform(120.0, 400.0)
