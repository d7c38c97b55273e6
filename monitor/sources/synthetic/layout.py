"""Where objects can stand on a site: berthing slots along piers and quays, free water, stands and taxi lines.

Works in the grid's CRS (metres, north-up): the layout polygons are projected once per AOI and grid, and each
zone yields candidate slots in a reproducible preference order for :class:`~.placement.Placer` to try.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry import Polygon

from monitor.config.models import SitePolygon
from monitor.imagery.grid import SiteMasks
from monitor.sources.synthetic.noise import stable_int
from monitor.world.objects import Domain

__all__ = ("SiteLayout", "Slot", "axis", "site_layout")

_STAND_PITCH_M = 85.0


@dataclass(frozen=True)
class Slot:
    """A candidate position: a point, the long-axis heading and the outboard normal (for rafting).

    ``edge`` slots lie on a pier or quay face ``face_len`` long, ``along`` from its middle; a ship's centre is
    pushed outboard by half its beam, and ships much longer than what is left of the face are refused.
    """

    x: float
    y: float
    heading: float
    normal: tuple[float, float] = (0.0, 0.0)
    edge: bool = False
    along: float = 0.0
    face_len: float = 0.0


def axis(heading: float) -> tuple[float, float]:
    """Unit vector (east, north) of a heading in degrees clockwise from grid north."""
    return math.sin(math.radians(heading)), math.cos(math.radians(heading))


def _rect_axes(poly: Polygon) -> tuple[float, float, float, float, float]:
    """Centre, long-side heading, long and short side lengths of a polygon's minimum rotated rectangle."""
    rect = shapely.minimum_rotated_rectangle(poly)
    xs, ys = rect.exterior.coords.xy
    e1 = (xs[1] - xs[0], ys[1] - ys[0])
    e2 = (xs[2] - xs[1], ys[2] - ys[1])
    l1, l2 = math.hypot(*e1), math.hypot(*e2)
    long_edge = e1 if l1 >= l2 else e2
    heading = math.degrees(math.atan2(long_edge[0], long_edge[1])) % 180.0
    c = rect.centroid
    return float(c.x), float(c.y), heading, max(l1, l2), min(l1, l2)


@dataclass
class SiteLayout:
    """An AOI's layout as CRS polygons plus its masks, with slot generators per zone."""

    masks: SiteMasks
    polygons: dict[str, Polygon] = field(init=False)
    solids: Polygon = field(init=False)
    water: NDArray[np.bool_] = field(init=False)
    airside: NDArray[np.bool_] = field(init=False)
    _zones: dict[str, NDArray[np.bool_]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.water = self.masks.water
        self.airside = self.masks.airside
        tr = Transformer.from_crs("EPSG:4326", self.masks.grid.crs.to_wkt(), always_xy=True)
        self.polygons = {}
        for p in self.masks.aoi.layout:
            xs, ys = tr.transform([c[0] for c in p.coordinates], [c[1] for c in p.coordinates])
            self.polygons[p.name] = shapely.make_valid(Polygon(zip(xs, ys, strict=True)))
        solid = [self.polygons[p.name] for p in self.masks.aoi.layout if p.kind in ("pier", "quay", "building")]
        self.solids = shapely.union_all(solid) if solid else Polygon()
        shapely.prepare(self.solids)

    def zone_mask(self, zone: str) -> NDArray[np.bool_]:
        """Pixels whose top-most polygon has name, role or kind ``zone`` (cached)."""
        if zone not in self._zones:
            self._zones[zone] = self.masks.named(zone)
        return self._zones[zone]

    def matching(self, zone: str) -> list[SitePolygon]:
        """Layout polygons whose name, role or kind is ``zone``."""
        return [p for p in self.masks.aoi.layout if zone in (p.name, p.role, p.kind)]

    def to_pixel(self, x: float, y: float) -> tuple[float, float]:
        """(row, col) of a CRS point, fractional, pixel centres at .5."""
        t = self.masks.grid.transform
        return (t.f - y) / -t.e, (x - t.c) / t.a

    def slots(self, zone: str, domain: Domain, rng: np.random.Generator, heading: float) -> list[Slot]:
        """Candidate positions in ``zone`` for one domain, in a random but reproducible preference order.

        Args:
            zone: Polygon name, role or kind.
            domain: ``ship`` or ``aircraft``.
            rng: Generator for ordering and free-position sampling.
            heading: Shared heading for free-floating ships (ships at anchor swing together).

        Returns:
            Slots, most preferred first.
        """
        polys = self.matching(zone)
        if domain == "aircraft":
            out: list[Slot] = []
            for p in polys:
                if p.kind == "apron":
                    out += self._stands(self.polygons[p.name], rng)
                elif p.kind in ("taxiway", "runway"):
                    out += self._lines(self.polygons[p.name])
            if any(p.kind != "apron" for p in polys):
                out = [out[i] for i in rng.permutation(len(out))]
            return out
        if any(p.kind in ("berth", "pier", "quay") for p in polys):
            edges = self._edges(polys)
            if edges:
                return [edges[i] for i in rng.permutation(len(edges))]
        return self._free(self.zone_mask(zone) & self.water, rng, heading, polys)

    def _edges(self, polys: list[SitePolygon]) -> list[Slot]:
        area = shapely.union_all([self.polygons[p.name] for p in polys]).buffer(60.0)
        faces = [p for p in self.masks.aoi.layout if p.kind in ("pier", "quay")]
        out: list[Slot] = []
        for p in faces:
            geom = self.polygons[p.name]
            if not geom.intersects(area):
                continue
            cx, cy, heading, long_len, short_len = _rect_axes(geom)
            ax, ay = axis(heading)
            for side in (1.0, -1.0):
                nx, ny = side * ay, -side * ax
                for along in np.arange(-long_len / 2.0, long_len / 2.0 + 1e-6, 15.0):
                    x = cx + ax * along + nx * short_len / 2.0
                    y = cy + ay * along + ny * short_len / 2.0
                    out.append(Slot(x, y, heading, (nx, ny), True, float(along), long_len))
        return out

    def _free(
        self, mask: NDArray[np.bool_], rng: np.random.Generator, heading: float, polys: list[SitePolygon]
    ) -> list[Slot]:
        rows, cols = np.nonzero(mask)
        if rows.size == 0:
            return []
        pick = rng.choice(rows.size, size=min(rows.size, 400), replace=False)
        t = self.masks.grid.transform
        if any(p.kind == "berth" for p in polys):
            heading = _rect_axes(shapely.union_all([self.polygons[p.name] for p in polys]))[2]
        out = []
        for i in pick:
            jitter = rng.uniform(-0.45, 0.45, 2)
            x = t.c + (cols[i] + 0.5 + jitter[0]) * t.a
            y = t.f + (rows[i] + 0.5 + jitter[1]) * t.e
            out.append(Slot(float(x), float(y), (heading + float(rng.normal(0.0, 12.0))) % 180.0))
        return out

    def _stands(self, apron: Polygon, rng: np.random.Generator) -> list[Slot]:
        cx, cy, long_heading, long_len, short_len = _rect_axes(apron)
        ax, ay = axis(long_heading)
        bx, by = ay, -ax
        n_long = max(1, int((long_len - 10.0) // _STAND_PITCH_M))
        n_short = max(1, int((short_len - 10.0) // _STAND_PITCH_M))
        buildings = [self.polygons[p.name] for p in self.masks.aoi.layout if p.kind == "building"]
        near = shapely.union_all(buildings) if buildings else None
        scored: list[tuple[float, Slot]] = []
        for i in range(n_long):
            for j in range(n_short):
                u = (i - (n_long - 1) / 2.0) * _STAND_PITCH_M
                v = (j - (n_short - 1) / 2.0) * _STAND_PITCH_M
                x, y = cx + ax * u + bx * v, cy + ay * u + by * v
                dist = near.distance(shapely.Point(x, y)) if near is not None else 0.0
                # Stands nearest the buildings fill first, so aircraft stand in tidy rows by the terminal.
                scored.append((dist + float(rng.uniform(0.0, 70.0)), Slot(x, y, (long_heading + 90.0) % 180.0)))
        scored.sort(key=lambda s: s[0])
        return [s for _, s in scored]

    def _lines(self, strip: Polygon) -> list[Slot]:
        cx, cy, heading, long_len, _ = _rect_axes(strip)
        ax, ay = axis(heading)
        return [
            Slot(cx + ax * a, cy + ay * a, heading)
            for a in np.arange(-long_len / 2.0 + 40.0, long_len / 2.0 - 40.0 + 1e-6, 10.0)
        ]


_LAYOUTS: dict[tuple[str, str, int], SiteLayout] = {}


def site_layout(masks: SiteMasks) -> SiteLayout:
    """The cached layout of an AOI on a grid.

    Args:
        masks: The AOI's masks on the grid.

    Returns:
        The layout (shared between calls).
    """
    key = (masks.aoi.id, masks.grid.crs.to_wkt() + str(masks.grid.transform), stable_int(masks.aoi.model_dump_json()))
    if key not in _LAYOUTS:
        if len(_LAYOUTS) > 8:
            _LAYOUTS.clear()
        _LAYOUTS[key] = SiteLayout(masks)
    return _LAYOUTS[key]
