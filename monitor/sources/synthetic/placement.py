"""Putting objects on a site: try slots in order, refuse overlaps, land and zone escapes, raft ships in pairs.

Footprints are checked with shapely in the grid's CRS and against the rasterised masks, so what the truth says
matches what the pixels show: a ship's keel line lies on water pixels, an aircraft's centre on an airside one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from shapely.geometry import Polygon

from monitor.sources.synthetic.layout import SiteLayout, Slot, axis
from monitor.sources.synthetic.noise import keyed_rng
from monitor.world.objects import Domain, ObjectType, PlacedObject

__all__ = ("Placer",)

_SHIP_GAP_M = 3.0
_AIRCRAFT_GAP_M = 6.0


def _footprint(x: float, y: float, heading: float, length: float, width: float) -> Polygon:
    """The rotated rectangle (CRS units) an object of ``length`` x ``width`` covers at ``heading``."""
    ax, ay = axis(heading)
    px, py = ay, -ax
    hl, hw = length / 2.0, width / 2.0
    signs = ((1, 1), (1, -1), (-1, -1), (-1, 1))
    corners = [(x + sa * hl * ax + sw * hw * px, y + sa * hl * ay + sw * hw * py) for sa, sw in signs]
    return Polygon(corners)


@dataclass
class Placer:
    """Places objects one at a time on a site, refusing overlaps, land and zone escapes."""

    layout: SiteLayout
    taken: list[Polygon] = field(default_factory=list)

    def try_slot(
        self, slot: Slot, domain: Domain, zone_mask: NDArray[np.bool_], length: float, width: float
    ) -> tuple[float, float, float] | None:
        """Fit an object of ``length`` x ``width`` at ``slot``; on success remember its footprint.

        Args:
            slot: The candidate.
            domain: ``ship`` or ``aircraft``.
            zone_mask: Pixels the object's centre must fall in.
            length: Object length in metres.
            width: Object width (beam or span) in metres.

        Returns:
            (x, y, heading) of the placed object, or None when it does not fit.
        """
        x, y = slot.x, slot.y
        if slot.edge:
            if abs(slot.along) + length / 2.0 > slot.face_len / 2.0 + 0.3 * length:
                return None
            x += slot.normal[0] * (width / 2.0 + _SHIP_GAP_M)
            y += slot.normal[1] * (width / 2.0 + _SHIP_GAP_M)
        shape = _footprint(x, y, slot.heading, length, width)
        gap = (_SHIP_GAP_M if domain == "ship" else _AIRCRAFT_GAP_M) - 0.5
        if any(shape.distance(t) < gap for t in self.taken):
            return None
        if not self._pixels_ok(x, y, slot.heading, length, domain, zone_mask):
            return None
        if domain == "ship" and shape.intersects(self.layout.solids):
            return None
        self.taken.append(shape)
        return x, y, slot.heading

    def place_many(
        self,
        slots: list[Slot],
        domain: Domain,
        zone_mask: NDArray[np.bool_],
        sizes: list[tuple[float, float]],
        rafted: bool = False,
    ) -> list[tuple[int, float, float, float]]:
        """Place objects of the given sizes in slot order; with ``rafted`` every second one goes outboard.

        Args:
            slots: Candidates, most preferred first.
            domain: ``ship`` or ``aircraft``.
            zone_mask: Pixels the centres must fall in.
            sizes: (length, width) of each object.
            rafted: Moor ships in pairs, the second alongside the first.

        Returns:
            (index into ``sizes``, x, y, heading) of each object that fitted.
        """
        out = []
        cursor = 0
        raft: Slot | None = None
        for k, (length, width) in enumerate(sizes):
            spot, used = None, None
            if rafted and k % 2 == 1 and raft is not None:
                spot, used = self.try_slot(raft, domain, zone_mask, length, width), raft
            while spot is None and cursor < len(slots):
                used = slots[cursor]
                cursor += 1
                spot = self.try_slot(used, domain, zone_mask, length, width)
            if spot is None or used is None:
                continue
            x, y, heading = spot
            ax, ay = axis(heading)
            normal = used.normal if used.edge else (ay, -ax)
            raft = Slot(x + normal[0] * width / 2.0, y + normal[1] * width / 2.0, heading, normal, True, 0.0, math.inf)
            out.append((k, x, y, heading))
        return out

    def _pixels_ok(
        self, x: float, y: float, heading: float, length: float, domain: Domain, zone_mask: NDArray[np.bool_]
    ) -> bool:
        grid = self.layout.masks.grid
        row, col = self.layout.to_pixel(x, y)
        r, c = math.floor(row), math.floor(col)
        if not (0 <= r < grid.height and 0 <= c < grid.width) or not zone_mask[r, c]:
            return False
        if domain == "aircraft":
            return bool(self.layout.airside[r, c])
        ax, ay = axis(heading)
        steps = np.linspace(-length / 2.0 + 4.0, length / 2.0 - 4.0, max(2, int(length // 5.0)))
        px = grid.transform.a
        rr = np.floor(row - steps * ay / px).astype(int)
        cc = np.floor(col + steps * ax / px).astype(int)
        inside = (rr >= 0) & (rr < grid.height) & (cc >= 0) & (cc < grid.width)
        return bool(inside.all() and self.layout.water[rr, cc].all())

    def place_objects(
        self, otype: ObjectType, zone: str, slots: list[Slot], keys: list[int], rafted: bool, origin: str
    ) -> list[PlacedObject]:
        """Place one object per key (its size and look are seeded by the key) in ``zone``.

        Args:
            otype: What to place.
            zone: Scenario zone (polygon name, role or kind) the centres must fall in.
            slots: Candidates, most preferred first.
            keys: One seed per object.
            rafted: Moor ships in pairs side by side.
            origin: ``background`` or the event name.

        Returns:
            The objects that fitted, without lon/lat yet.
        """
        sizes = [otype.sample_size(keyed_rng(key)) for key in keys]
        out = []
        for k, x, y, heading in self.place_many(slots, otype.domain, self.layout.zone_mask(zone), sizes, rafted):
            row, col = self.layout.to_pixel(x, y)
            label = int(self.layout.masks.labels[math.floor(row), math.floor(col)])
            polygon = self.layout.masks.aoi.layout[label - 1].name if label > 0 else ""
            length, width = sizes[k]
            cls, domain = otype.object_class, otype.domain
            out.append(
                PlacedObject(
                    otype.name,
                    cls,
                    domain,
                    x,
                    y,
                    0.0,
                    0.0,
                    row,
                    col,
                    length,
                    width,
                    heading,
                    zone,
                    polygon,
                    origin,
                    keys[k],
                )
            )
        return out
