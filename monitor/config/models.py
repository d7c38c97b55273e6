"""Frozen pydantic models for every configuration file: the app config, AOIs and scenarios.

Unknown keys are rejected everywhere (``extra="forbid"``) so a typo fails loudly instead of being ignored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitor.notify.config import NotifyConfig

__all__ = (
    "CLASSES",
    "MIN_LENGTH_M",
    "SENSORS",
    "TRANSPORT_MIN_M",
    "AOIConfig",
    "AlertRule",
    "AnalysisConfig",
    "BaselineConfig",
    "CadenceConfig",
    "DetectorConfig",
    "MonitorConfig",
    "ObjectClass",
    "SensorName",
    "SiteCloudRule",
    "SitePolygon",
    "SizeRule",
    "SourceConfig",
    "StacConfig",
    "StacSensorConfig",
)

SensorName = Literal["sentinel-2-l2a", "sentinel-1-grd"]
ObjectClass = Literal["landing_ship", "vessel", "transport_aircraft", "aircraft"]
ZoneKind = Literal["water", "berth", "pier", "quay", "land", "building", "runway", "taxiway", "apron"]

SENSORS: tuple[SensorName, ...] = ("sentinel-2-l2a", "sentinel-1-grd")
CLASSES: tuple[ObjectClass, ...] = ("landing_ship", "vessel", "transport_aircraft", "aircraft")
SHIP_CLASSES: tuple[ObjectClass, ...] = ("landing_ship", "vessel")
AIRCRAFT_CLASSES: tuple[ObjectClass, ...] = ("transport_aircraft", "aircraft")
#: The smallest object of each class that the monitor reports (longest side, metres): about 3 px for a hull at
#: 10 m, the harbour floor of reliable detection, and 1.5 px for an aircraft. Smaller objects are taught as
#: background or left out of the loss, and benchmarks count them as "don't care".
#: Aircraft of this length or span and more are ``transport_aircraft`` in the synthetic labels (an An-148's 28.9 m
#: span stays ``aircraft``; every airliner and military transport the sites see is larger).
TRANSPORT_MIN_M = 38.0
MIN_LENGTH_M: dict[ObjectClass, float] = {
    "landing_ship": 30.0,
    "vessel": 30.0,
    "transport_aircraft": 15.0,
    "aircraft": 15.0,
}


class Frozen(BaseModel):
    """Base for all config models: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SitePolygon(Frozen):
    """One polygon of a site's layout (water, pier, runway, apron, ...) in WGS84 lon/lat."""

    name: str = Field(pattern=r"^[a-z0-9_]+$", description="Unique name within the AOI.")
    kind: ZoneKind = Field(description="What the surface is; drives masking and the synthetic renderer.")
    role: str | None = Field(default=None, description="Free tag such as 'naval' or 'cargo'.")
    coordinates: list[tuple[float, float]] = Field(min_length=3, description="Outer ring as (lon, lat).")

    @field_validator("coordinates")
    @classmethod
    def _in_range(cls, ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
        for lon, lat in ring:
            if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
                raise ValueError(f"coordinate ({lon}, {lat}) is not a WGS84 lon/lat pair")
        return ring


class SizeRule(Frozen):
    """Assigns a class to an object whose measured size (metres) falls in range, optionally only in zones.

    Rules are tried in order; the first that matches wins. Objects that match no rule are dropped.
    """

    object_class: ObjectClass = Field(alias="class")
    min_length_m: float = Field(default=0.0, ge=0.0)
    max_length_m: float = Field(default=1.0e4, gt=0.0)
    min_width_m: float = Field(default=0.0, ge=0.0)
    max_width_m: float = Field(default=1.0e4, gt=0.0)
    zones: list[str] | None = Field(default=None, description="Layout polygon names or roles; None = anywhere.")
    sensors: list[SensorName] | None = Field(
        default=None, description="Sensors whose measurements the rule applies to; None = all (resolution differs)."
    )
    pair_min_width_m: float | None = Field(
        default=None,
        gt=0.0,
        description="From this measured width the object is two hulls moored side by side (rafted): two objects.",
    )

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def rafted(self, width_m: float) -> bool:
        """Whether an object this rule matched, measured ``width_m`` wide, is two hulls side by side.

        Args:
            width_m: Measured width in metres.

        Returns:
            True when the rule has ``pair_min_width_m`` and the width reaches it.
        """
        return self.pair_min_width_m is not None and width_m >= self.pair_min_width_m

    @model_validator(mode="after")
    def _ordered(self) -> SizeRule:
        if self.min_length_m > self.max_length_m:
            raise ValueError(f"min_length_m {self.min_length_m} exceeds max_length_m {self.max_length_m}")
        if self.min_width_m > self.max_width_m:
            raise ValueError(f"min_width_m {self.min_width_m} exceeds max_width_m {self.max_width_m}")
        return self


class CadenceConfig(Frozen):
    """How often the site is looked at."""

    cron: str = Field(default="0 6 * * *", description="Crontab schedule for `monitor cron`.")
    lookback_days: int = Field(default=10, ge=1, le=60, description="Re-check window for late scenes.")

    @field_validator("cron")
    @classmethod
    def _cron(cls, expr: str) -> str:
        from monitor.ops.schedule import is_valid

        if not is_valid(expr):
            raise ValueError(f"{expr!r} is not a five-field crontab schedule (minute hour day month weekday)")
        return expr


class BaselineConfig(Frozen):
    """How the quiet-period reference is estimated, separately for each sensor and class."""

    window_days: int = Field(
        default=90, ge=14, le=730, description="Trailing window of same-sensor looks the baseline is taken from."
    )
    min_observations: int = Field(
        default=4, ge=2, description="Clear looks a baseline needs; at the start of a record later looks fill in."
    )
    min_observed_fraction: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Observed share of the counting zone from which a look is clear."
    )


class AlertRule(Frozen):
    """When a rise in one class's count becomes an alert (one rule per class; classes without one never alert)."""

    object_class: ObjectClass = Field(alias="class")
    min_increase: float = Field(
        default=1.0, gt=0.0, description="Estimated extra objects over the baseline (full view) an episode needs."
    )
    min_llr: float = Field(
        default=5.0, gt=0.0, description="Log-likelihood ratio of the raised-activity segment against the baseline."
    )
    min_observations: int = Field(
        default=2,
        ge=1,
        description="Persistence: clear looks in the episode that each favour the raised state (more than half).",
    )
    max_duration_days: int = Field(
        default=45, ge=1, le=365, description="Longest episode; a longer rise is a new normal, not an event."
    )

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class SiteCloudRule(Frozen):
    """What to do with a Sentinel-2 scene whose site is under cloud, judged from its SCL after the pull.

    ``keep`` stores the counts with their (low) observed fraction, which is the weight the analysis gives a
    scene; ``skip`` records the scene as skipped and stores no counts for it.
    """

    max_fraction: float = Field(default=0.9, ge=0.0, le=1.0, description="Cloud share of the site that triggers.")
    action: Literal["keep", "skip"] = "keep"


class AOIConfig(Frozen):
    """A monitored site: where, what to count, how often, and its layout."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,31}$")
    name: str
    aliases: list[str] = Field(
        default_factory=list,
        description="Other names of the site in any script (Dunay, Дунай, 두나이), for finding it in news text.",
    )
    description: str = ""
    bbox: tuple[float, float, float, float] = Field(description="(min_lon, min_lat, max_lon, max_lat), WGS84.")
    start: dt.date = Field(description="First date to pull when the store is empty.")
    sensors: list[SensorName] = Field(min_length=1)
    classes: list[ObjectClass] = Field(min_length=1)
    max_cloud: float = Field(default=0.8, ge=0.0, le=1.0, description="Skip scenes cloudier than this.")
    site_cloud: SiteCloudRule = SiteCloudRule()
    cadence: CadenceConfig = CadenceConfig()
    baseline: BaselineConfig = BaselineConfig()
    alerts: list[AlertRule] = Field(default_factory=list, description="Alert rules, at most one per class.")
    layout: list[SitePolygon] = Field(min_length=1)
    size_rules: list[SizeRule] = Field(min_length=1)

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = b
        if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
            raise ValueError(f"bbox {list(b)} must be (min_lon, min_lat, max_lon, max_lat) with min < max")
        if x1 - x0 > 0.5 or y1 - y0 > 0.5:
            raise ValueError(f"bbox {list(b)} spans more than 0.5 degrees; split the site into several AOIs")
        return b

    @model_validator(mode="after")
    def _consistent(self) -> AOIConfig:
        names = [p.name for p in self.layout]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"layout polygon names must be unique, repeated: {dupes}")
        known = set(names) | {p.role for p in self.layout if p.role} | {p.kind for p in self.layout}
        for rule in self.size_rules:
            for zone in rule.zones or []:
                if zone not in known:
                    raise ValueError(f"size rule for {rule.object_class} names unknown zone {zone!r}")
        ruled = [r.object_class for r in self.alerts]
        for cls in ruled:
            if cls not in self.classes:
                raise ValueError(f"alert rule for class {cls!r} but the AOI does not count it ({self.classes})")
            if ruled.count(cls) > 1:
                raise ValueError(f"more than one alert rule for class {cls!r}")
        return self

    @property
    def centre(self) -> tuple[float, float]:
        """Centre (lon, lat) of the bounding box."""
        return ((self.bbox[0] + self.bbox[2]) / 2.0, (self.bbox[1] + self.bbox[3]) / 2.0)


class StacSensorConfig(Frozen):
    """One sensor's STAC API for the ``stac`` source; unset fields take the sensor's preset."""

    url: str | None = Field(default=None, description="STAC API root (env MONITOR_STAC_S2_URL / MONITOR_STAC_S1_URL).")
    collection: str | None = Field(default=None, description="Collection id searched.")
    token_url: str | None = Field(
        default=None, description="SAS token endpoint signing asset hrefs (env MONITOR_STAC_S1_TOKEN_URL)."
    )


class StacConfig(Frozen):
    """The ``stac`` source: public STAC APIs and cloud-optimised GeoTIFFs read by HTTP range requests."""

    s2: StacSensorConfig = StacSensorConfig()
    s1: StacSensorConfig = StacSensorConfig()
    gamma0_to_sigma0: float = Field(
        default=0.7934,
        gt=0.0,
        le=2.0,
        description="Sentinel-1 RTC gamma0 times this is the sigma0 the detector knows (cos of 37.5 deg incidence).",
    )
    page_size: int = Field(default=100, ge=1, le=1000, description="Items per search page.")


class SourceConfig(Frozen):
    """Where scenes come from.

    The fields after ``profile`` concern the ``sentinelhub`` source (HTTP behaviour of the client, the
    processing-unit budget); ``timeout_s``, ``max_attempts`` and ``retry_sleep_s`` also bound the ``stac`` source.
    """

    kind: Literal["synthetic", "sentinelhub", "folder", "stac"] = "synthetic"
    scenario: Path | None = Field(default=None, description="Scenario file for the synthetic source.")
    seed: int = Field(default=0, ge=0, description="Extra seed mixed into every synthetic scene.")
    folder: Path | None = Field(default=None, description="Scene tree for the folder source.")
    preset: Literal["sentinelhub", "cdse"] = Field(
        default="sentinelhub", description="Fills base and token URLs: Sentinel Hub or Copernicus Data Space."
    )
    base_url: str | None = Field(default=None, description="API base URL; overrides the preset (env SH_BASE_URL).")
    token_url: str | None = Field(default=None, description="OAuth token URL; overrides the preset (SH_TOKEN_URL).")
    profile: str | None = Field(default=None, description="SHConfig profile holding credentials, if not in env.")
    timeout_s: float = Field(default=120.0, gt=0.0, le=3600.0, description="HTTP timeout per request.")
    max_attempts: int = Field(default=4, ge=1, le=10, description="Tries per request on 5xx, timeouts, cut bodies.")
    retry_sleep_s: float = Field(default=5.0, ge=0.0, le=600.0, description="First back-off; tripled per retry.")
    max_rate_limit_retries: int = Field(
        default=8, ge=1, le=100, description="Attempts per request while the service answers 429 (then exit 75)."
    )
    monthly_pu_budget: float = Field(
        default=1000.0, gt=0.0, description="Processing units one calendar month (UTC) may spend; pulls stop before."
    )
    tile_px: int = Field(
        default=2500, ge=16, le=2500, description="Largest side of one Process request; bigger AOIs are split."
    )
    stac: StacConfig = Field(default=StacConfig(), description="APIs and collections of the stac source.")


class DetectorConfig(Frozen):
    """Which detector counts objects."""

    kind: Literal["cnn", "classical"] = Field(default="cnn", description="Trained model or classical baseline.")
    weights: Path | None = Field(default=None, description="Weights bundle (default: shipped in the package).")
    precision: Literal["auto", "float32", "bfloat16"] = Field(
        default="auto", description="CNN inference precision; auto = bfloat16 on CPUs with AMX tiles."
    )
    second_look: bool = Field(
        default=True,
        description="CNN, Sentinel-2: re-score doubtful peaks over the eight flips and turns of a window (more "
        "precise on real imagery, several times slower on busy scenes; false for wide-area throughput).",
    )


class AnalysisConfig(Frozen):
    """Change detection, the claims ledger and alert reports (paths relative to the config file)."""

    claims: Path | None = Field(default=None, description="Claims ledger (default: seeds/claims.yaml).")
    signals: Path | None = Field(default=None, description="Claim-to-signal mapping (default: configs/signals.yaml).")
    notebooks: Path | None = Field(default=None, description="Notebook templates (default: notebooks/).")
    reports: bool = Field(default=True, description="Execute the alert notebook for each new or changed alert.")
    report_timeout_s: int = Field(default=600, ge=10, description="Per-cell time limit of a report notebook.")


class MonitorConfig(Frozen):
    """The top-level configuration file (``configs/monitor.yaml``)."""

    data_dir: Path | None = None
    aois: list[Path] = Field(min_length=1, description="AOI files, relative to this file.")
    source: SourceConfig = SourceConfig()
    detector: DetectorConfig = DetectorConfig()
    executor: str = Field(
        default="local", description="local | dask (LocalCluster, one worker per core) | tcp://HOST:PORT (scheduler)."
    )
    analysis: AnalysisConfig = AnalysisConfig()
    notify: NotifyConfig = NotifyConfig()
