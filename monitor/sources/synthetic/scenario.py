"""Scenario files: what stands where on each site and when, and the placement of it for one acquisition.

A scenario lists, per AOI, a quiet ``background`` (object type, count range, zone) and ``events`` that add
objects between two dates, each with a note on the reported claim it replays. Counts are redrawn every few
days (seeded by AOI, entry and date), so a ship usually stays for several looks and then leaves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitor.config.loader import load_yaml_model
from monitor.config.models import AOIConfig
from monitor.errors import ConfigError
from monitor.imagery.grid import SiteMasks, to_lonlat
from monitor.sources.synthetic.layout import SiteLayout, site_layout
from monitor.sources.synthetic.noise import keyed_rng, stable_int
from monitor.sources.synthetic.placement import Placer
from monitor.world.objects import CATALOGUE, PlacedObject

__all__ = (
    "Entry",
    "Event",
    "Plan",
    "Scenario",
    "SiteScenario",
    "check_zones",
    "load_scenario",
    "objects_at",
    "planned",
)

log = logging.getLogger(__name__)
_EPOCH = dt.date(2024, 1, 1)
_COUNT_DAYS = 4
_ARRANGEMENT_DAYS = 30
_TAXI_CHANCE = 0.04
_SHIP_KINDS = ("water", "berth", "pier", "quay")
_AIR_KINDS = ("apron", "taxiway", "runway")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Entry(_Frozen):
    """Some objects of one type in one zone."""

    type: str = Field(description="Catalogue object type, e.g. ropucha, cargo_ship, il76.")
    count: tuple[int, int] = Field(description="Inclusive [lo, hi] range; a single number means exactly that.")
    zone: str = Field(description="Layout polygon name, role or kind of the AOI.")
    rafted: bool = Field(default=False, description="Moor ships in pairs side by side.")

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in CATALOGUE:
            raise ValueError(f"unknown object type (known: {', '.join(sorted(CATALOGUE))})")
        return value

    @field_validator("count", mode="before")
    @classmethod
    def _single(cls, value: object) -> object:
        return (value, value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _range(self) -> Entry:
        lo, hi = self.count
        if not 0 <= lo <= hi <= 60:
            raise ValueError(f"count must be [lo, hi] with 0 <= lo <= hi <= 60, got {list(self.count)}")
        return self


class Event(_Frozen):
    """Extra objects present from ``start`` to ``end`` inclusive."""

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    start: dt.date
    end: dt.date
    note: str = Field(min_length=1, description="Which reported claim or observation this replays.")
    entries: list[Entry] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Event:
        if self.end < self.start:
            raise ValueError(f"event end {self.end} is before its start {self.start}")
        return self


class SiteScenario(_Frozen):
    """One AOI's part of a scenario."""

    background: list[Entry] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)


class Scenario(_Frozen):
    """A whole scenario file."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    start: dt.date
    end: dt.date
    seed: int = Field(default=0, ge=0)
    aois: dict[str, SiteScenario] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ordered(self) -> Scenario:
        if self.end < self.start:
            raise ValueError(f"scenario end {self.end} is before its start {self.start}")
        return self


def load_scenario(path: Path, aois: list[AOIConfig] | None = None) -> Scenario:
    """Read and validate a scenario file.

    Args:
        path: The YAML file.
        aois: When given, every zone used for these AOIs is checked against their layouts too.

    Returns:
        The scenario.

    Raises:
        ConfigError: The file is missing or invalid; the message names the file, field and value.
    """
    scenario = load_yaml_model(path, Scenario)
    for aoi in aois or []:
        check_zones(scenario, aoi, path)
    return scenario


def check_zones(scenario: Scenario, aoi: AOIConfig, path: Path | None = None) -> None:
    """Check that every zone an AOI's entries name exists and suits the object type.

    Args:
        scenario: The scenario.
        aoi: The AOI whose layout the zones refer to.
        path: The scenario file, for the message.

    Raises:
        ConfigError: A zone is unknown or holds no surface the object can stand on.
    """
    site = scenario.aois.get(aoi.id)
    if site is None:
        return
    where = f"{path}" if path else f"scenario {scenario.name}"
    known = sorted({p.name for p in aoi.layout} | {p.kind for p in aoi.layout} | {p.role for p in aoi.layout if p.role})
    located = [(f"background.{i}", e) for i, e in enumerate(site.background)]
    located += [(f"events.{i}.entries.{j}", e) for i, ev in enumerate(site.events) for j, e in enumerate(ev.entries)]
    for loc, entry in located:
        field = f"aois.{aoi.id}.{loc}.zone"
        kinds = {p.kind for p in aoi.layout if entry.zone in (p.name, p.role, p.kind)}
        if not kinds:
            raise ConfigError(
                f"{where}: {field}: unknown zone for AOI {aoi.id} (known: {', '.join(known)}) (got {entry.zone!r})"
            )
        needed = _SHIP_KINDS if CATALOGUE[entry.type].domain == "ship" else _AIR_KINDS
        if not kinds & set(needed):
            raise ConfigError(
                f"{where}: {field}: zone has no {'/'.join(needed)} surface for a {entry.type} (got {entry.zone!r})"
            )


@dataclasses.dataclass(frozen=True)
class Plan:
    """How many objects of one entry stand on a site on one day, and the keys that seed them."""

    entry: Entry
    count: int
    origin: str
    key: tuple[object, ...]
    days: int


def planned(scenario: Scenario, aoi_id: str, day: dt.date, seed: int = 0) -> list[Plan]:
    """The entries active on ``day`` with their drawn counts, events first (they get the best slots).

    Args:
        scenario: The scenario.
        aoi_id: AOI id.
        day: Acquisition date.
        seed: Extra seed from the source configuration.

    Returns:
        One plan per active entry.
    """
    site = scenario.aois.get(aoi_id)
    if site is None:
        return []
    days = (day - _EPOCH).days
    tagged = [
        (ev.name, f"event.{ev.name}.{j}", e)
        for ev in site.events
        if ev.start <= day <= ev.end
        for j, e in enumerate(ev.entries)
    ]
    tagged += [("background", f"background.{j}", e) for j, e in enumerate(site.background)]
    plans = []
    for origin, tag, entry in tagged:
        key = (scenario.name, scenario.seed, seed, aoi_id, tag, entry.type, entry.zone)
        epoch = (days + stable_int(*key, "phase") % _COUNT_DAYS) // _COUNT_DAYS
        count = int(keyed_rng(*key, "count", epoch).integers(entry.count[0], entry.count[1] + 1))
        plans.append(Plan(entry, count, origin, key, days))
    return plans


def objects_at(
    scenario: Scenario, aoi: AOIConfig, masks: SiteMasks, when: dt.datetime, seed: int = 0
) -> list[PlacedObject]:
    """Place every object planned for one acquisition on the site.

    Args:
        scenario: The scenario.
        aoi: The AOI.
        masks: The AOI's masks on the scene grid.
        when: Acquisition time (only its UTC date matters: S1 and S2 looks on one day agree).
        seed: Extra seed from the source configuration.

    Returns:
        The placed objects; entries that do not fit are logged and partly skipped.

    Raises:
        ConfigError: An entry names a zone the AOI does not have.
    """
    check_zones(scenario, aoi)
    day = when.astimezone(dt.UTC).date()
    layout = site_layout(masks)
    placer = Placer(layout)
    swing = float(keyed_rng(scenario.name, scenario.seed, seed, aoi.id, "swing", day).uniform(0.0, 180.0))
    placed: list[PlacedObject] = []
    for plan in _with_taxiing(planned(scenario, aoi.id, day, seed), layout):
        otype = CATALOGUE[plan.entry.type]
        kinds = {p.kind for p in layout.matching(plan.entry.zone)}
        moving = bool(kinds & {"taxiway", "runway"}) or (otype.name == "small_boat" and kinds <= {"water"})
        # Parked objects keep their slots for weeks; moving ones are somewhere else at every look.
        stamp = plan.days if moving else (plan.days + stable_int(*plan.key, "arr") % 30) // _ARRANGEMENT_DAYS
        slots = layout.slots(plan.entry.zone, otype.domain, keyed_rng(*plan.key, "slots", stamp), swing)
        keys = [stable_int(*plan.key, "obj", k, stamp) for k in range(plan.count)]
        found = placer.place_objects(otype, plan.entry.zone, slots, keys, plan.entry.rafted, plan.origin)
        if len(found) < plan.count:
            log.warning(
                "%s %s: room for %d of %d %s in %s", aoi.id, day, len(found), plan.count, otype.name, plan.entry.zone
            )
        placed += found
    if not placed:
        return []
    lons, lats = to_lonlat(masks.grid.crs, [o.x for o in placed], [o.y for o in placed])
    return [dataclasses.replace(o, lon=lo, lat=la) for o, lo, la in zip(placed, lons, lats, strict=True)]


def _with_taxiing(plans: list[Plan], layout: SiteLayout) -> list[Plan]:
    """Now and then send one aircraft of an apron entry out on the taxiway (same total count)."""
    if not layout.matching("taxiway"):
        return plans
    out = []
    for plan in plans:
        on_apron = {p.kind for p in layout.matching(plan.entry.zone)} == {"apron"}
        aircraft = CATALOGUE[plan.entry.type].domain == "aircraft"
        if (
            on_apron
            and aircraft
            and plan.count > 0
            and keyed_rng(*plan.key, "taxi", plan.days).uniform() < _TAXI_CHANCE
        ):
            taxi = plan.entry.model_copy(update={"zone": "taxiway", "count": (1, 1), "rafted": False})
            out.append(dataclasses.replace(plan, entry=taxi, count=1, key=(*plan.key, "taxi")))
            plan = dataclasses.replace(plan, count=plan.count - 1)
        out.append(plan)
    return out
