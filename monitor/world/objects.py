"""Object types of the synthetic world, with their true sizes, ship outlines and the class a detector should report.

Both renderers draw from here: the scenario renderer (:mod:`monitor.sources.synthetic`) places these types, and the
chip renderer (:mod:`monitor.training.synth`) draws its ships and aircraft with their outlines and, for the types
it shares with the scenarios, at the same sizes.

Sizes are in metres. Ships give length and beam; aircraft give length and wingspan (reported as ``width_m``).
At 10 m the large aircraft types (Il-76, An-124, Il-62M, Tu-204) cannot be told apart, so they share the
class ``transport_aircraft`` ("large aircraft"); smaller types are ``aircraft``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from monitor.config.models import ObjectClass

__all__ = (
    "BAY_FILL",
    "BAY_FRACTION",
    "BOW_FRACTION",
    "BOW_TIP",
    "CATALOGUE",
    "HOLD_BEAM",
    "HOLD_BOW",
    "HOLD_GAP_M",
    "HOLD_TYPES",
    "SUPER_BEAM",
    "Domain",
    "ObjectType",
    "PlacedObject",
)

Domain = Literal["ship", "aircraft"]

# A ship's outline, as both the scene drawing code and the chip renderer's fast hulls draw it. Along the hull the
# bow tapers over the last BOW_FRACTION of the length down to BOW_TIP of the beam; the superstructure (placed by
# ObjectType.superstructure) spans SUPER_BEAM of the beam. HOLD_TYPES carry hatch bays across HOLD_BEAM of the beam
# from HOLD_GAP_M forward of the superstructure to HOLD_BOW of the bow taper short of the stem, one bay every
# BAY_FRACTION of the length with BAY_FILL of it open.
BOW_FRACTION = 0.18
BOW_TIP = 0.12
SUPER_BEAM = 0.42
HOLD_TYPES = ("cargo_ship", "tanker")
HOLD_BEAM = 0.38
HOLD_GAP_M = 3.0
HOLD_BOW = 0.6
BAY_FRACTION = 0.11
BAY_FILL = 0.82


@dataclass(frozen=True)
class ObjectType:
    """One kind of object: its class, where it lives and how big it is.

    Attributes:
        name: Catalogue key used in scenario files.
        object_class: The class a detector should report for it.
        domain: ``ship`` (placed on water) or ``aircraft`` (placed airside).
        length_m: Range of hull or fuselage length; equal ends mean a fixed size.
        width_ratio: Beam as a fraction of length for ships whose beam scales with length (0 = use width_m).
        width_m: Range of beam (ships) or wingspan (aircraft) when ``width_ratio`` is 0.
        superstructure: Where the bright superstructure sits along a ship, as a fraction of length from the
            stern (0) to the bow (1), and its length fraction.
    """

    name: str
    object_class: ObjectClass
    domain: Domain
    length_m: tuple[float, float]
    width_ratio: float = 0.0
    width_m: tuple[float, float] = (0.0, 0.0)
    superstructure: tuple[float, float] = (0.2, 0.2)

    def sample_size(self, rng: np.random.Generator) -> tuple[float, float]:
        """Draw a (length, width) pair for one instance.

        Args:
            rng: Random generator seeded for that instance.

        Returns:
            Length and width (beam or span) in metres.
        """
        length = float(rng.uniform(*self.length_m))
        if self.width_ratio > 0:
            width = length * self.width_ratio * float(rng.uniform(0.95, 1.05))
        else:
            width = float(rng.uniform(*self.width_m))
        return round(length, 1), round(width, 1)


def _ship(
    name: str,
    cls: ObjectClass,
    length: tuple[float, float],
    *,
    ratio: float = 0.0,
    width: tuple[float, float] = (0.0, 0.0),
    superstructure: tuple[float, float] = (0.2, 0.2),
) -> ObjectType:
    return ObjectType(name, cls, "ship", length, ratio, width, superstructure)


def _aircraft(name: str, cls: ObjectClass, length: float, span: float) -> ObjectType:
    return ObjectType(name, cls, "aircraft", (length, length), 0.0, (span, span))


CATALOGUE: dict[str, ObjectType] = {
    t.name: t
    for t in (
        # Landing ships carry their bridge block roughly amidships-aft with a long open deck forward.
        _ship("ropucha", "landing_ship", (112.5, 112.5), width=(15.0, 15.0), superstructure=(0.35, 0.25)),
        _ship("alligator", "landing_ship", (113.0, 113.0), width=(15.5, 15.5), superstructure=(0.3, 0.2)),
        _ship("cargo_ship", "vessel", (90.0, 150.0), ratio=1 / 6.5, superstructure=(0.03, 0.14)),
        _ship("tanker", "vessel", (80.0, 140.0), ratio=1 / 6.0, superstructure=(0.03, 0.15)),
        _ship("patrol_boat", "vessel", (56.0, 64.0), width=(9.5, 10.5), superstructure=(0.4, 0.3)),
        _ship("tug", "vessel", (28.0, 33.0), width=(8.5, 9.5), superstructure=(0.4, 0.35)),
        _ship("small_boat", "vessel", (12.0, 25.0), ratio=1 / 3.5, superstructure=(0.35, 0.3)),
        _aircraft("il76", "transport_aircraft", 46.6, 50.5),
        _aircraft("an124", "transport_aircraft", 69.1, 73.3),
        _aircraft("il62m", "transport_aircraft", 53.1, 43.2),
        _aircraft("tu204", "transport_aircraft", 46.1, 42.0),
        _aircraft("an24", "aircraft", 23.5, 29.2),
        _aircraft("an148", "aircraft", 29.1, 28.9),
        ObjectType("light_aircraft", "aircraft", "aircraft", (8.0, 11.0), 0.0, (10.0, 13.0)),
    )
}


@dataclass(frozen=True)
class PlacedObject:
    """One object in one acquisition: what it is, where, how big and why it is there.

    ``x``/``y`` are in the grid CRS, ``row``/``col`` fractional pixel coordinates (pixel centres at .5),
    ``heading_deg`` the long axis clockwise from grid north (0-180). ``zone`` is the scenario zone it was
    asked for, ``polygon`` the top-most layout polygon under its centre, ``origin`` ``background`` or the
    event name. ``key`` seeds its appearance so the same ship looks the same in every scene.
    """

    type: str
    object_class: ObjectClass
    domain: Domain
    x: float
    y: float
    lon: float
    lat: float
    row: float
    col: float
    length_m: float
    width_m: float
    heading_deg: float
    zone: str
    polygon: str
    origin: str
    key: int

    def as_json(self, visible: bool) -> dict[str, object]:
        """The ground-truth record written beside a scene.

        Args:
            visible: Whether the centre pixel is observed (not cloud or no-data).

        Returns:
            A JSON-ready dict.
        """
        return {
            "class": self.object_class,
            "type": self.type,
            "x": round(self.x, 2),
            "y": round(self.y, 2),
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "length_m": self.length_m,
            "width_m": self.width_m,
            "heading_deg": round(self.heading_deg, 1),
            "zone": self.zone,
            "polygon": self.polygon,
            "origin": self.origin,
            "visible": visible,
        }
