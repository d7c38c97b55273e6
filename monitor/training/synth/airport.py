"""Random airfield ground plans: runway, parallel taxiway and links, aprons with stands, hardstands and buildings.

The runway sits at a random angle and offset (often outside the chip, so a chip may show only apron), a parallel
taxiway runs beside it and an apron or a row of dispersed hardstands lies beyond, with a terminal or hangars behind.
Stands carry the largest span they take; the fleet module fills them with aircraft.
"""

from __future__ import annotations

import numpy as np

from monitor.training.synth.layout import LAND, PARKING, PAVE, RUNWAY, URBAN, Edge, Layout, Line, Stand, unit
from monitor.training.synth.textures import choose

__all__ = ("add_apron", "airport")

_GROUND = (LAND, URBAN)


def _at(lay: Layout, theta: float, along: float, across: float) -> tuple[float, float]:
    c = lay.size / 2.0
    dr, dc = unit(theta)
    return c + along * dr + across * dc, c + along * dc - across * dr


def _marking(lay: Layout, theta: float, across: float, width: float, look: str) -> None:
    # Painted lines are 0.3-1 m wide: at 10 m a dashed line and a thinner solid one look the same.
    r0, c0 = _at(lay, theta, -1.5 * lay.size, across)
    r1, c1 = _at(lay, theta, 1.5 * lay.size, across)
    lay.lines.append(Line(r0, c0, r1, c1, width, look))


def _stands(rng: np.random.Generator, lay: Layout, theta: float, a0: float, a1: float, near: float, far: float) -> None:
    """Rows of stands on an apron spanning along a0..a1 and across near..far (signed, far beyond near)."""
    sign = 1.0 if far > near else -1.0
    depth = abs(far - near)
    skew = choose(rng, (0.0, 0.0, 0.0, 35.0, -35.0))
    heading = theta + 90.0 * sign + skew + (180.0 if rng.uniform() < 0.5 else 0.0)
    row_depth = rng.uniform(5.0, 8.0)
    rows = max(1, min(3, int(depth // row_depth)))
    look = "orange" if rng.uniform() < 0.6 else "white"
    for k in range(rows):
        span = rng.uniform(25.0, 80.0)
        pitch = span / 10.0 + rng.uniform(0.5, 2.0)
        across = near + sign * (k + 0.5) * depth / rows
        a = a0 + pitch / 2
        while a < a1 - pitch / 2:
            row, col = _at(lay, theta, a, across)
            lay.stands.append(Stand(row, col, heading, span))
            if rng.uniform() < 0.3:
                dr, dc = unit(heading)
                reach = rng.uniform(2.0, 4.0)
                lay.lines.append(
                    Line(row - dr * reach, col - dc * reach, row + dr * reach, col + dc * reach, 0.5, look)
                )
            a += pitch


def _buildings(
    rng: np.random.Generator, lay: Layout, theta: float, a0: float, a1: float, base: float, sign: float
) -> None:
    a = a0
    while a < a1:
        length, depth = rng.uniform(4.0, 25.0), rng.uniform(3.0, 12.0)
        gap = rng.uniform(0.5, 3.0)
        row, col = _at(lay, theta, a + length / 2, base + sign * (gap + depth / 2))
        lay.building(row, col, length, depth, theta, rng.uniform(6.0, 25.0), rng.uniform() < 0.35)
        a += length + rng.uniform(1.0, 6.0)


def add_apron(rng: np.random.Generator, lay: Layout, theta: float, along: float, near: float, sign: float) -> None:
    """Lay an apron with stands and a building row in the frame of a chip rotated to ``theta``.

    Args:
        rng: Chip generator.
        lay: Layout to paint into (only dry ground is overwritten).
        theta: Apron long axis, degrees clockwise from up.
        along: Apron centre along ``theta`` from the chip centre (px).
        near: Across position (px) of the apron's edge on the taxiway side.
        sign: +1 when the apron extends toward larger across values, else -1.
    """
    length, depth = rng.uniform(20.0, 120.0), rng.uniform(8.0, 30.0)
    far = near + sign * depth
    centre = _at(lay, theta, along, (near + far) / 2)
    lay.rect(PAVE, *centre, length, depth, theta, only=(LAND, URBAN, PARKING))
    _stands(rng, lay, theta, along - length / 2, along + length / 2, near, far)
    if rng.uniform() < 0.8:
        _buildings(rng, lay, theta, along - length / 2, along + length / 2, far, sign)
    for _ in range(int(rng.integers(0, 8))):
        r, c = _at(
            lay, theta, along + rng.uniform(-0.5, 0.5) * length, (near + far) / 2 + rng.uniform(-0.5, 0.5) * depth
        )
        look = choose(rng, ("white", "orange", "grey"))
        lay.lines.append(Line(r, c, r, c, rng.uniform(2.0, 6.0), look, rng.uniform(0.1, 1.0)))


def _hardstands(rng: np.random.Generator, lay: Layout, theta: float, base: float, sign: float) -> None:
    pad = rng.uniform(4.0, 8.0)
    link = rng.uniform(3.0, 10.0)
    a = -1.2 * lay.size + rng.uniform(0.0, 10.0)
    while a < 1.2 * lay.size:
        across = base + sign * (link + pad / 2)
        lay.rect(PAVE, *_at(lay, theta, a, base + sign * link / 2), 1.8, link + 0.5, theta, only=_GROUND)
        lay.rect(PAVE, *_at(lay, theta, a, across), pad, pad, theta, only=_GROUND)
        heading = theta + 90.0 * sign + (180.0 if rng.uniform() < 0.5 else 0.0)
        lay.stands.append(Stand(*_at(lay, theta, a, across), heading, pad * 10.0 - 4.0))
        a += pad + rng.uniform(3.0, 15.0)


def airport(rng: np.random.Generator, size: int, shadow: tuple[float, float]) -> Layout:
    """A random piece of airfield.

    Args:
        rng: Chip generator.
        size: Chip side (px).
        shadow: (row, col) px of shadow per metre of height.

    Returns:
        The layout with stands and taxi lanes.
    """
    lay = Layout(size, shadow)
    lay.labels[:] = LAND
    theta = rng.uniform(0.0, 180.0)
    sign = choose(rng, (-1.0, 1.0))
    # Work outward from an apron edge near the chip centre so most chips show parked aircraft.
    edge = rng.uniform(-0.45, 0.3) * size * sign
    taxi_width = rng.uniform(1.6, 2.6)
    taxi = edge - sign * (taxi_width / 2 + rng.uniform(0.0, 3.0))
    runway = taxi - sign * rng.uniform(10.0, 25.0)
    width = rng.uniform(3.0, 6.0)
    lay.rect(RUNWAY, *_at(lay, theta, 0.0, runway), 4 * size, width, theta)
    _marking(lay, theta, runway, 0.55, "white")
    for s in (-1.0, 1.0):
        _marking(lay, theta, runway + s * (width / 2 - 0.2), 1.0, "white")
    taxi_code = RUNWAY if rng.uniform() < 0.5 else PAVE
    lay.rect(taxi_code, *_at(lay, theta, 0.0, taxi), 4 * size, taxi_width, theta)
    _marking(lay, theta, taxi, 0.4, "orange")
    a = -1.5 * size
    while a < 1.5 * size:
        skew = choose(rng, (0.0, 45.0, -45.0))
        span = abs(taxi - runway)
        lay.rect(taxi_code, *_at(lay, theta, a, (runway + taxi) / 2), span / 0.7 if skew else span, taxi_width,
                 theta + 90 + skew)  # fmt: skip
        a += rng.uniform(15.0, 60.0)
    for across in (runway, taxi):
        r0, c0 = _at(lay, theta, -1.5 * size, across)
        lay.lanes.append(Edge(r0, c0, theta, 3.0 * size, 1, "lane"))
    if rng.uniform() < 0.3:
        _hardstands(rng, lay, theta, edge, sign)
    else:
        add_apron(rng, lay, theta, rng.uniform(-0.3, 0.3) * size, edge, sign)
    if rng.uniform() < 0.4:
        add_apron(rng, lay, theta, rng.uniform(-0.6, 0.6) * size, edge + sign * rng.uniform(35.0, 60.0), sign)
    lay.finish()
    return lay
