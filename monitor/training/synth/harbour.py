"""Random harbour and coast ground plans: shorelines, quays, basins, piers, breakwaters, yards and cranes.

A chip's shore is a line at a random angle and offset, bent into a curve or a jagged natural coast or kept straight
as a quay wall, optionally cut by dock basins. Land behind a quay is a concrete apron, then a yard (container
stacks, warehouses, car parks, tanks), then town or countryside. Piers, moles and pontoons reach into the water and
every straight water-side edge becomes a berth where the fleet module moors ships.
"""

from __future__ import annotations

import math

import numpy as np

from monitor.training.synth.layout import (
    CONCRETE,
    CONTAINERS,
    DRY,
    LAND,
    PARKING,
    ROCK,
    SAND,
    URBAN,
    WATER,
    Edge,
    Layout,
    Line,
    unit,
)
from monitor.training.synth.textures import choose, field

__all__ = ("harbour",)

_CRANE_LOOKS = ("red", "blue", "white", "grey", "orange")
_YARD = ("containers", "warehouse", "parking", "tanks", "empty")


def _frame(lay: Layout, theta: float) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = lay.coords()
    c = lay.size / 2.0
    dr, dc = unit(theta)
    along = (rows - c) * dr + (cols - c) * dc
    across = (rows - c) * dc - (cols - c) * dr
    return along, across


def _at(lay: Layout, theta: float, along: float, across: float) -> tuple[float, float]:
    c = lay.size / 2.0
    dr, dc = unit(theta)
    return c + along * dr + across * dc, c + along * dc - across * dr


def _profile(rng: np.random.Generator, style: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    knots = np.linspace(-1.5 * size, 1.5 * size, 73)
    if style == "curved":
        bend = rng.uniform(0.3, 1.6) * choose(rng, (-1.0, 1.0)) / size
        wave = rng.uniform(2.0, 15.0) * np.sin(2 * math.pi * knots / rng.uniform(80.0, 300.0) + rng.uniform(0, 6.3))
        return knots, bend * knots**2 + wave
    if style == "jagged":
        walk = np.cumsum(rng.normal(0.0, rng.uniform(1.0, 3.5), knots.size))
        return knots, walk - walk[knots.size // 2]
    return knots, np.zeros_like(knots)


def _land_cover(rng: np.random.Generator, lay: Layout, land: np.ndarray, depth: np.ndarray, quay: float) -> None:
    n = lay.size * 2
    town = rng.uniform(0.0, 1.0)
    mix = field(rng, "smooth", (n, n)) + 0.5 * field(rng, "medium", (n, n)) + 3.0 * (town - 0.4)
    lay.labels[land] = LAND
    lay.labels[land & (mix > 0.0)] = URBAN
    if quay > 0:
        lay.labels[land & (depth < quay)] = CONCRETE
    else:
        beach = SAND if rng.uniform() < 0.6 else ROCK
        lay.labels[land & (depth < rng.uniform(0.5, 2.5))] = beach


def _yard(rng: np.random.Generator, lay: Layout, theta: float, shore: float, quay: float, depth: float) -> None:
    lay.rect(CONCRETE, *_at(lay, theta, 0.0, shore - quay - depth / 2), 4 * lay.size, depth, theta, only=(LAND, URBAN))
    a = -1.2 * lay.size
    while a < 1.2 * lay.size:
        span = rng.uniform(5.0, 30.0)
        kind = choose(rng, _YARD, (0.35, 0.33, 0.12, 0.08, 0.12))
        d0 = shore - quay - rng.uniform(0.5, 2.0)
        dep = rng.uniform(0.4, 1.0) * depth
        row, col = _at(lay, theta, a + span / 2, d0 - dep / 2)
        if not (-span < row < lay.size + span and -span < col < lay.size + span):
            a += span + 1.0
            continue
        if kind == "containers":
            lay.rect(CONTAINERS, row, col, span, dep, theta, only=(CONCRETE,))
        elif kind == "warehouse":
            lay.building(
                row, col, span, min(dep, rng.uniform(2.0, 8.0)), theta, rng.uniform(6, 20), rng.uniform() < 0.3
            )
        elif kind == "parking":
            lay.rect(PARKING, row, col, span, dep, theta, only=(CONCRETE,))
        elif kind == "tanks":
            radius = rng.uniform(1.0, 3.5)
            for k in range(int(span // (2.4 * radius)) + 1):
                r, c = _at(lay, theta, a + radius + k * 2.4 * radius, d0 - radius - 0.5)
                lay.tank(r, c, radius, rng.uniform(8.0, 20.0))
        a += span + rng.uniform(0.3, 2.5)


def _cranes(rng: np.random.Generator, lay: Layout, edge: Edge) -> None:
    look = choose(rng, _CRANE_LOOKS)
    t = rng.uniform(1.0, 6.0)
    while t < edge.length:
        r0, c0 = edge.point(t, -rng.uniform(2.0, 4.0))
        r1, c1 = edge.point(t, rng.uniform(0.5, 4.5))
        lay.lines.append(Line(r0, c0, r1, c1, rng.uniform(4.0, 9.0), look, rng.uniform(0.5, 3.0), rng.uniform(30, 60)))
        t += rng.uniform(3.0, 9.0)


def _pier(rng: np.random.Generator, lay: Layout, theta: float, along: float, shore: float) -> None:
    phi = theta + 90.0 + (rng.uniform(-35.0, 35.0) if rng.uniform() < 0.6 else 0.0)
    mole = rng.uniform() < 0.3
    width = rng.uniform(6.0, 18.0) if mole else rng.uniform(1.0, 4.0)
    length = rng.uniform(10.0, 70.0)
    br, bc = _at(lay, theta, along, shore - 1.5)
    dr, dc = unit(phi)
    cr, cc = br + dr * length / 2, bc + dc * length / 2
    lay.rect(CONCRETE, cr, cc, length, width, phi, only=(WATER,))
    if mole:
        inner = CONTAINERS if rng.uniform() < 0.5 else PARKING
        lay.rect(inner, cr, cc, length - 3.0, width - rng.uniform(2.0, 4.0), phi, only=(CONCRETE,))
        if rng.uniform() < 0.4:
            lay.building(cr, cc, length * 0.4, width * 0.4, phi, rng.uniform(6.0, 15.0))
    lr, lc = unit(phi - 90.0)
    h = width / 2
    sides = (
        Edge(br + lr * h, bc + lc * h, phi, length, -1, "pier"),
        Edge(br - lr * h, bc - lc * h, phi, length, 1, "pier"),
    )
    lay.berths.extend(sides)
    tr, tc = br + dr * length, bc + dc * length
    lay.berths.append(Edge(tr + lr * h, tc + lc * h, phi + 90.0, width, -1, "pier"))
    if mole and rng.uniform() < 0.5:
        _cranes(rng, lay, sides[int(rng.integers(2))])


def _breakwater(rng: np.random.Generator, lay: Layout, theta: float, shore: float) -> None:
    off = shore + rng.uniform(12.0, 45.0)
    a0 = rng.uniform(-1.0, 0.2) * lay.size
    length = rng.uniform(30.0, 150.0)
    width = rng.uniform(1.0, 3.5)
    angle = theta + rng.uniform(-12.0, 12.0)
    row, col = _at(lay, theta, a0 + length / 2, off)
    lay.rect(ROCK, row, col, length, width, angle, only=(WATER,))
    if rng.uniform() < 0.5:
        lay.rect(CONCRETE, row, col, length, width * 0.45, angle, only=(ROCK,))
    if rng.uniform() < 0.4:
        dr, dc = unit(angle)
        sr, sc = row - dr * length / 2, col - dc * length / 2
        nr, nc = unit(angle - 90.0)
        lay.berths.append(Edge(sr + nr * width / 2, sc + nc * width / 2, angle, length, -1, "breakwater"))


def _pontoons(rng: np.random.Generator, lay: Layout, theta: float, shore: float) -> None:
    # A marina: many fingers 25-60 m apart, up to 300 m long, full of small craft. On the held-out real ports
    # marinas were the commonest false vessels (a row of yachts reads as one hull at 10 m); the labels there hold
    # no vessel.
    a = rng.uniform(-0.5, 0.2) * lay.size
    pitch = rng.uniform(2.5, 6.0)
    for _ in range(int(rng.integers(3, 17))):
        length = rng.uniform(8.0, 30.0)
        r0, c0 = _at(lay, theta, a, shore)
        r1, c1 = _at(lay, theta, a, shore + length)
        lay.lines.append(Line(r0, c0, r1, c1, rng.uniform(2.0, 4.0), "concrete", 0.3))
        for side in (-1, 1):
            lay.berths.append(Edge(r0, c0, theta + 90.0, length, side, "pontoon"))
        a += pitch * rng.uniform(0.9, 1.1)


def harbour(rng: np.random.Generator, size: int, shadow: tuple[float, float], style: str | None = None) -> Layout:
    """A random harbour or coast.

    Args:
        rng: Chip generator.
        size: Chip side (px).
        shadow: (row, col) px of shadow per metre of height.
        style: ``quay``, ``basin``, ``curved``, ``jagged`` or ``offshore`` (open water, maybe a far coast);
            random when None.

    Returns:
        The layout with berths for moored ships.
    """
    lay = Layout(size, shadow)
    if style is None:
        style = choose(rng, ("quay", "basin", "curved", "jagged"), (0.4, 0.2, 0.2, 0.2))
    theta = rng.uniform(0.0, 360.0)
    built = style in ("quay", "basin")
    offset = rng.uniform(-0.45, 0.3) * size if style != "offshore" else -rng.uniform(0.45, 1.3) * size
    knots, bend = _profile(rng, "jagged" if style == "offshore" else style, size)
    along, across = _frame(lay, theta)
    shore_at = np.interp(along, knots, bend).astype(np.float32) + np.float32(offset)
    land = across < shore_at
    quay = rng.uniform(1.5, 7.0) if built else 0.0
    _land_cover(rng, lay, land, shore_at - across, quay)
    if style == "offshore":
        lay.finish()
        return lay
    if built:
        _yard(rng, lay, theta, float(offset), quay, rng.uniform(6.0, 30.0))
        start = _at(lay, theta, -1.5 * size, float(offset))
        lay.berths.append(Edge(start[0], start[1], theta, 3.0 * size, 1, "quay"))
        if rng.uniform() < 0.4:
            _cranes(rng, lay, lay.berths[-1])
    if style == "basin":
        for _ in range(int(rng.integers(1, 3))):
            a, width, depth = rng.uniform(-0.4, 0.4) * size, rng.uniform(10.0, 30.0), rng.uniform(12.0, 45.0)
            row, col = _at(lay, theta, a, offset - depth / 2)
            lay.rect(CONCRETE, row, col, width + 2 * quay, depth + quay, theta, only=DRY)
            lay.rect(WATER, *_at(lay, theta, a, offset - depth / 2 + 0.5), width, depth + 1.0, theta)
            for s, sign in ((-1.0, 1), (1.0, -1)):
                r0, c0 = _at(lay, theta, a + s * width / 2, offset)
                lay.berths.append(Edge(r0, c0, theta - 90.0, depth, sign, "quay"))
            r0, c0 = _at(lay, theta, a - width / 2, offset - depth)
            lay.berths.append(Edge(r0, c0, theta, width, 1, "quay"))
    shore_mid = float(np.interp(0.0, knots, bend) + offset)
    for _ in range(choose(rng, (0, 1, 2, 3, 4), (0.25, 0.3, 0.2, 0.15, 0.1))):
        a = rng.uniform(-0.6, 0.6) * size
        _pier(rng, lay, theta, a, float(np.interp(a, knots, bend) + offset))
    if rng.uniform() < 0.45:
        _breakwater(rng, lay, theta, shore_mid)
    if rng.uniform() < 0.35:
        _pontoons(rng, lay, theta, shore_mid)
    lay.finish()
    return lay
