"""Which ships and aircraft a synthetic chip holds and where: kinds at true size, moored, rafted, parked, taxiing.

Ships moor alongside berths (0-5 m off the edge, in rows with random gaps and empty stretches), raft two abreast,
lie stern-to at pontoons and, Mediterranean style, at some quays, or ride at anchor or under way in open water.
Aircraft fill apron stands and hardstands or sit on taxi lanes. A 2x occupancy grid that reaches past the chip
keeps objects from overlapping while letting rafted hulls touch, and every hull must lie on water (every aircraft
centre on pavement).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from monitor.config.models import TRANSPORT_MIN_M, ObjectClass
from monitor.training.chip import CLASS_INDEX
from monitor.training.synth.layout import PAVE, RUNWAY, SS, WATER, Edge, Layout, unit
from monitor.training.targets import TargetObject
from monitor.world.objects import CATALOGUE, PlacedObject

__all__ = ("AIRCRAFT", "SHIPS", "Item", "Kind", "populate")

# Objects are placed up to this many pixels past the chip edge, so hulls cut by the border appear (unlabelled).
_MARGIN = 10


@dataclass(frozen=True)
class Kind:
    """A ship or aircraft type: outline to draw (a catalogue type), size ranges in metres and paint scheme.

    ``beam`` is a (low, high) width range, or when ``ratio`` > 0 the width is ``ratio`` times the length.
    Aircraft carry their class from the 38 m rule (length or span of at least 38 m is transport).
    """

    name: str
    domain: str
    outline: str
    length: tuple[float, float]
    beam: tuple[float, float] = (0.0, 0.0)
    ratio: float = 0.0
    look: str = "grey"
    landing: bool = False


def _true_size(name: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """Length and width ranges of a catalogue type, so the types both renderers draw share one size."""
    t = CATALOGUE[name]
    return t.length_m, t.width_m


def _span(name: str) -> tuple[float, float]:
    """Length and span of a catalogue aircraft (each has one fixed size)."""
    (length, _), (span, _) = _true_size(name)
    return length, span


SHIPS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("ropucha", "ship", "ropucha", *_true_size("ropucha"), look="navy", landing=True),
        Kind("alligator", "ship", "alligator", *_true_size("alligator"), look="navy", landing=True),
        Kind("ivan_gren", "ship", "ropucha", (120.0, 135.0), (16.5, 16.5), look="navy", landing=True),
        Kind("warship", "ship", "patrol_boat", (90.0, 160.0), ratio=1 / 8.0, look="navy"),
        Kind("patrol", "ship", "patrol_boat", (40.0, 70.0), (6.0, 10.0), look="navy"),
        Kind("small_boat", "ship", "small_boat", (10.0, 25.0), ratio=1 / 3.3, look="boat"),
        Kind("yacht", "ship", "small_boat", (12.0, 50.0), ratio=1 / 4.2, look="white"),
        Kind("fishing", "ship", "tug", (15.0, 45.0), ratio=1 / 4.5, look="work"),
        Kind("tug", "ship", "tug", (25.0, 35.0), (8.5, 11.0), look="work"),
        Kind("cargo", "ship", "cargo_ship", (80.0, 200.0), ratio=1 / 6.5, look="cargo"),
        Kind("bulk", "ship", "cargo_ship", (150.0, 300.0), ratio=1 / 6.3, look="cargo"),
        Kind("tanker", "ship", "tanker", (80.0, 300.0), ratio=1 / 5.8, look="tanker"),
        Kind("container", "ship", "cargo_ship", (120.0, 300.0), ratio=1 / 7.5, look="container"),
        Kind("ferry", "ship", "patrol_boat", (80.0, 200.0), ratio=1 / 6.5, look="white"),
    )
}
_COMMERCIAL = {
    "small_boat": 8, "yacht": 6, "fishing": 10, "tug": 8, "cargo": 16, "bulk": 7, "tanker": 9, "container": 8,
    "ferry": 9, "patrol": 3, "warship": 3, "ropucha": 3, "alligator": 2, "ivan_gren": 2,
}  # fmt: skip
_NAVAL = {"ropucha": 12, "alligator": 10, "ivan_gren": 8, "warship": 20, "patrol": 15, "tug": 10, "small_boat": 10,
          "cargo": 10, "tanker": 5}  # fmt: skip
# Marina berths: mostly white yachts, as the real marinas' rows of white hulls show.
_SMALL = {"small_boat": 3, "yacht": 7}
_MARINA_MAX_M = 25.0

# (name, length, span, outline, weight); outline il76 = swept wings, an24 = straight, light_aircraft = small.
# Types in the scenario catalogue take its sizes; the others exist only here, for variety.
_AIRCRAFT_TABLE = (
    ("il76", *_span("il76"), "il76", 12), ("an124", *_span("an124"), "il76", 4),
    ("il62m", *_span("il62m"), "il76", 5), ("tu204", *_span("tu204"), "il76", 5),
    ("tu154", 48.0, 37.6, "il76", 4), ("a321", 44.5, 35.8, "il76", 5), ("b737_800", 39.5, 35.8, "il76", 8),
    ("a330", 58.8, 60.3, "il76", 4), ("b777", 63.7, 60.9, "il76", 3), ("b747", 70.6, 64.4, "il76", 2),
    ("c130", 29.8, 40.4, "an24", 4), ("an12", 33.1, 38.0, "an24", 3), ("a320", 37.6, 35.8, "il76", 8),
    ("b737_700", 33.6, 35.8, "il76", 4), ("an24", *_span("an24"), "an24", 5), ("an148", *_span("an148"), "il76", 4),
    ("il18", 35.9, 37.4, "an24", 3),
)  # fmt: skip
AIRCRAFT: dict[str, Kind] = {
    n: Kind(n, "aircraft", o, (length, length), (span, span), look="plane") for n, length, span, o, _ in _AIRCRAFT_TABLE
}
AIRCRAFT["bizjet"] = Kind("bizjet", "aircraft", "il76", (15.0, 25.0), (13.0, 20.0), look="plane")
AIRCRAFT["light"] = Kind("light", "aircraft", "light_aircraft", *_true_size("light_aircraft"), look="plane")
AIRCRAFT["fighter"] = Kind("fighter", "aircraft", "il76", (15.0, 22.0), (9.0, 15.0), look="plane")
_AIR_WEIGHTS = {n: float(w) for n, *_, w in _AIRCRAFT_TABLE} | {"bizjet": 5.0, "light": 3.0, "fighter": 6.0}


@dataclass(frozen=True)
class Item:
    """One object placed on a chip: centre (px), nose heading (degrees clockwise from up), true size (m)."""

    kind: Kind
    row: float
    col: float
    heading: float
    length_m: float
    width_m: float
    moving: bool = False

    @property
    def object_class(self) -> ObjectClass:
        """The class a detector should report for it."""
        if self.kind.domain == "aircraft":
            return "transport_aircraft" if max(self.length_m, self.width_m) >= TRANSPORT_MIN_M else "aircraft"
        return "landing_ship" if self.kind.landing else "vessel"

    def target(self) -> TargetObject:
        """The training label (heading folded to 0-180 because a hull's axis has no direction at 10 m)."""
        cls = CLASS_INDEX[self.object_class]
        return TargetObject(self.row, self.col, cls, self.length_m, self.width_m, self.heading % 180.0)

    def placed(self) -> PlacedObject:
        """The object in the form the shared drawing code takes (georeferencing fields unused)."""
        return PlacedObject(
            self.kind.outline, self.object_class, "ship" if self.kind.domain == "ship" else "aircraft",
            0.0, 0.0, 0.0, 0.0, self.row, self.col, self.length_m, self.width_m, self.heading % 360.0,
            "", "", "synthetic", 0,
        )  # fmt: skip


def _pick(rng: np.random.Generator, weights: dict[str, float] | dict[str, int]) -> str:
    names, cumulative = _cumulative(tuple(weights.items()))
    return names[int(np.searchsorted(cumulative, rng.uniform() * cumulative[-1], side="right"))]


@functools.cache
def _cumulative(pairs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], NDArray[np.float64]]:
    return tuple(n for n, _ in pairs), np.cumsum([float(w) for _, w in pairs])


def _size(rng: np.random.Generator, kind: Kind) -> tuple[float, float]:
    length = float(rng.uniform(*kind.length))
    width = length * kind.ratio * float(rng.uniform(0.9, 1.1)) if kind.ratio > 0 else float(rng.uniform(*kind.beam))
    return round(length, 1), round(width, 1)


class _Yard:
    """Occupancy of a 2x grid reaching ``_MARGIN`` px past the chip, plus the accepted items."""

    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        self.busy = np.zeros(((lay.size + 2 * _MARGIN) * SS,) * 2, dtype=bool)
        # Water on the same padded grid; beyond the chip everything counts as water.
        self.water = np.pad(lay.labels == WATER, _MARGIN * SS, constant_values=True)
        self.items: list[Item] = []

    def add(self, item: Item, pad_m: float = -1.0) -> bool:
        """Accept ``item`` when it is inside the margin, free of others and (ships) on water.

        ``pad_m`` grows the footprint kept free around it; the default -1 m lets rafted and moored hulls touch.
        """
        lim = self.lay.size + _MARGIN - 2
        if not (-_MARGIN + 2 < item.row < lim and -_MARGIN + 2 < item.col < lim):
            return False
        half_l, half_w = item.length_m / 20.0 + pad_m / 10.0, item.width_m / 20.0 + pad_m / 10.0
        reach = math.hypot(half_l, half_w) + 1.0
        r, c = (item.row + _MARGIN) * SS, (item.col + _MARGIN) * SS
        if item.kind.domain == "ship" and not self.water[int(r), int(c)]:
            return False
        n = self.busy.shape[0]
        r0, r1 = max(0, int(r - reach * SS)), min(n, int(r + reach * SS) + 1)
        c0, c1 = max(0, int(c - reach * SS)), min(n, int(c + reach * SS) + 1)
        rr = ((np.arange(r0, r1, dtype=np.float32) + np.float32(0.5 - r)) / np.float32(SS))[:, None]
        cc = ((np.arange(c0, c1, dtype=np.float32) + np.float32(0.5 - c)) / np.float32(SS))[None, :]
        dr, dc = unit(item.heading)
        along, across = np.abs(rr * dr + cc * dc), np.abs(cc * -dr + rr * dc)
        rs, cs = slice(r0, r1), slice(c0, c1)
        if item.kind.domain == "ship":
            core = (along <= 0.042 * item.length_m) & (across <= 0.03 * item.width_m)
            if not self.water[rs, cs][core].all():
                return False
        inside = (along <= half_l) & (across <= half_w)
        if (self.busy[rs, cs] & inside).any():
            return False
        self.busy[rs, cs] |= inside
        self.items.append(item)
        return True


def _moor(rng: np.random.Generator, yard: _Yard, edge: Edge, weights: dict[str, int]) -> None:
    size = yard.lay.size
    # Small craft lie bow-on at pontoons; at quays Mediterranean stern-to mooring is common for ferries too.
    stern_to = edge.kind == "pontoon" or (edge.kind in ("quay", "pier") and rng.uniform() < 0.25)
    # Real marinas are full: at 10 m their rows of hulls read as solid white combs.
    marina = edge.kind == "pontoon"
    vacancy = rng.uniform(0.0, 0.15 if marina else 0.5)
    t = rng.uniform(0.0, 8.0)
    while t < edge.length:
        pr, pc = edge.point(t)
        if not (-_MARGIN < pr < size + _MARGIN and -_MARGIN < pc < size + _MARGIN) or rng.uniform() < vacancy:
            t += rng.uniform(2.0, 12.0)
            continue
        kind = SHIPS[_pick(rng, _SMALL if edge.kind == "pontoon" else weights)]
        length, beam = _size(rng, kind)
        if edge.kind == "pontoon" and length > _MARINA_MAX_M:
            # Marina berths take craft under 25 m: the real port labels have no vessel in a marina.
            beam *= _MARINA_MAX_M / length
            length = _MARINA_MAX_M
        gap = rng.uniform(0.0, 5.0)
        flip = 180.0 if rng.uniform() < 0.5 else 0.0
        if stern_to and length <= 150.0:
            r, c = edge.point(t + beam / 20.0, (gap + length / 2) / 10.0)
            yard.add(Item(kind, r, c, edge.angle + 90.0 * edge.side + flip, length, beam))
            t += (beam + (rng.uniform(0.5, 4.0) if marina else rng.uniform(1.0, 15.0))) / 10.0
            continue
        r, c = edge.point(t + length / 20.0, (gap + beam / 2) / 10.0)
        if yard.add(Item(kind, r, c, edge.angle + flip, length, beam)) and rng.uniform() < 0.2:
            mate = SHIPS[_pick(rng, weights)]
            ml, mb = _size(rng, mate)
            shift = rng.uniform(-0.25, 0.25) * length
            r2, c2 = edge.point(t + length / 20.0 + shift / 10.0, (gap + beam + rng.uniform(0.0, 2.0) + mb / 2) / 10.0)
            yard.add(Item(mate, r2, c2, edge.angle + (180.0 if rng.uniform() < 0.5 else 0.0), ml, mb))
        t += (length + rng.uniform(3.0, 50.0)) / 10.0


def _at_sea(rng: np.random.Generator, yard: _Yard, count: int, weights: dict[str, int]) -> None:
    span = yard.lay.size + 2 * _MARGIN - 8
    placed = 0
    for _ in range(count * 4):
        if placed >= count:
            break
        kind = SHIPS[_pick(rng, weights)]
        length, beam = _size(rng, kind)
        r, c = rng.uniform(0, span) - _MARGIN + 4, rng.uniform(0, span) - _MARGIN + 4
        item = Item(kind, r, c, rng.uniform(0.0, 360.0), length, beam, moving=rng.uniform() < 0.6)
        placed += yard.add(item, pad_m=20.0)


def _airside(rng: np.random.Generator, yard: _Yard) -> None:
    lay = yard.lay
    fill = rng.uniform(0.3, 0.95)
    for stand in lay.stands:
        if rng.uniform() > fill:
            continue
        for _ in range(4):
            kind = AIRCRAFT[_pick(rng, _AIR_WEIGHTS)]
            length, span = _size(rng, kind)
            if span <= stand.max_span_m:
                break
        else:
            continue
        item = Item(kind, stand.row, stand.col, stand.heading + rng.uniform(-6.0, 6.0), length, span)
        if _paved(lay, item.row, item.col):
            yard.add(item, pad_m=1.0)
    for lane in lay.lanes:
        if rng.uniform() < 0.25:
            kind = AIRCRAFT[_pick(rng, _AIR_WEIGHTS)]
            length, span = _size(rng, kind)
            r, c = lane.point(rng.uniform(0.0, lane.length))
            yard.add(Item(kind, r, c, lane.angle + (180.0 if rng.uniform() < 0.5 else 0.0), length, span), pad_m=5.0)


def _paved(lay: Layout, row: float, col: float) -> bool:
    r, c = int(row * SS), int(col * SS)
    n = lay.size * SS
    return not (0 <= r < n and 0 <= c < n) or int(lay.labels[r, c]) in (PAVE, RUNWAY)


def populate(rng: np.random.Generator, lay: Layout, naval: bool, at_sea: int) -> list[Item]:
    """Fill a layout with ships and aircraft.

    Args:
        rng: Chip generator.
        lay: Ground plan with berths, stands and lanes.
        naval: Favour warships and landing ships at the berths (a naval base) over merchant traffic.
        at_sea: How many ships to try to put in open water (anchored or under way).

    Returns:
        Placed items, including some whose centre lies outside the chip (drawn, not labelled).
    """
    yard = _Yard(lay)
    weights = _NAVAL if naval else _COMMERCIAL
    for i in rng.permutation(len(lay.berths)):
        _moor(rng, yard, lay.berths[int(i)], weights)
    _at_sea(rng, yard, at_sea, _COMMERCIAL)
    _airside(rng, yard)
    return yard.items
