"""Activity series: one look (scene) per row for a site, class and sensor, with how much of the site it saw.

A look sees only part of the counting zone when clouds or missing data cover the rest; its ``observed_fraction``
is the exposure: under a steady rate of ``rate`` objects on the whole site, a look expects ``rate * f`` of them.
Looks below the AOI's ``min_observed_fraction`` are kept in the series but marked not clear, and are never used
as evidence either way.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from monitor.store.db import CountRow

__all__ = ("Look", "count_interval", "looks_for", "parse_time")


def parse_time(text: str) -> dt.datetime:
    """Parse the store's ``YYYY-MM-DDTHH:MM:SSZ``.

    Args:
        text: The timestamp.

    Returns:
        An aware UTC datetime.
    """
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Look:
    """One scene's count of one class at one site."""

    scene_id: str
    sensor: str
    acquired: dt.datetime
    count: int
    observed_fraction: float
    clear: bool

    @property
    def day(self) -> float:
        """Days since 1970-01-01 (a float time axis for windows)."""
        return self.acquired.timestamp() / 86400.0

    @property
    def full_view(self) -> float:
        """The count scaled to the whole site (count / observed fraction); NaN when nothing was seen."""
        return self.count / self.observed_fraction if self.observed_fraction > 0 else math.nan


def looks_for(
    rows: Sequence[CountRow], aoi: str, object_class: str, model: str, min_observed_fraction: float
) -> list[Look]:
    """The looks of one site and class counted by one model, oldest first, both sensors interleaved.

    Args:
        rows: Count rows from the store.
        aoi: AOI id.
        object_class: Class name.
        model: Detector version (counts of other models are ignored, never mixed).
        min_observed_fraction: From this observed share a look is clear.

    Returns:
        The looks sorted by acquisition time, then sensor.
    """
    looks = [
        Look(
            scene_id=r.scene_id,
            sensor=r.sensor,
            acquired=parse_time(r.acquired),
            count=r.count,
            observed_fraction=r.observed_fraction,
            clear=r.observed_fraction >= min_observed_fraction and r.observed_fraction > 0,
        )
        for r in rows
        if r.aoi == aoi and r.object_class == object_class and r.model == model
    ]
    looks.sort(key=lambda lk: (lk.acquired, lk.sensor))
    return looks


def count_interval(count: int, observed_fraction: float, level: float = 0.9) -> tuple[float, float]:
    """Exact (Garwood) Poisson interval for the full-site count behind one look.

    Args:
        count: Objects counted in the observed part.
        observed_fraction: Share of the site observed (> 0).
        level: Two-sided confidence level.

    Returns:
        ``(low, high)`` objects on the whole site.
    """
    a = (1.0 - level) / 2.0
    lo = 0.0 if count == 0 else float(stats.chi2.ppf(a, 2 * count)) / 2.0
    hi = float(stats.chi2.ppf(1.0 - a, 2 * count + 2)) / 2.0
    f = max(observed_fraction, 1e-6)
    return lo / f, hi / f
