"""Analyse one site: per class, the fused look series, its baselines, anomaly scores and episodes.

Baselines and episodes depend on each other (an episode's looks must not serve as baseline), so the two are
found by a short fixed-point iteration: estimate baselines, scan for episodes, leave the episodes' looks out of
the baselines, and scan again until the set of left-out looks stops growing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from monitor.analysis.baseline import Expectation, expectations
from monitor.analysis.changepoint import Episode, scan
from monitor.analysis.series import Look, looks_for
from monitor.config.models import AlertRule, AOIConfig, BaselineConfig
from monitor.store.db import CountRow

__all__ = ("ANALYSIS_VERSION", "ClassAnalysis", "analyse_class", "analyse_site")

ANALYSIS_VERSION = "glr-scan-2"
_MAX_PASSES = 6


@dataclass(frozen=True)
class ClassAnalysis:
    """The analysed series of one class at one site, for one detector model."""

    aoi: str
    object_class: str
    model: str
    looks: list[Look]
    expectations: list[Expectation | None]
    z: list[float]
    rule: AlertRule | None
    episodes: list[Episode] = field(default_factory=list)
    baseline: BaselineConfig = field(default_factory=BaselineConfig)

    @property
    def excluded(self) -> set[str]:
        """Scene ids of the episodes' looks, which no baseline uses."""
        return {self.looks[k].scene_id for ep in self.episodes for k in ep.members}

    def excess(self, k: int) -> float:
        """Objects above the baseline in look ``k``, scaled to the whole site (NaN without a baseline).

        Args:
            k: Look index.

        Returns:
            ``count / observed_fraction - rate``.
        """
        e = self.expectations[k]
        return math.nan if e is None else self.looks[k].full_view - e.rate

    def excess_sd(self, k: int) -> float:
        """Standard deviation of :meth:`excess` for a quiet look (NaN without a baseline).

        Args:
            k: Look index.

        Returns:
            The predictive standard deviation scaled to the whole site.
        """
        e = self.expectations[k]
        return math.nan if e is None else math.sqrt(e.var) / self.looks[k].observed_fraction


def _scores(looks: Sequence[Look], exps: Sequence[Expectation | None]) -> list[float]:
    return [math.nan if e is None else e.z(lk.count) for lk, e in zip(looks, exps, strict=True)]


def analyse_class(looks: list[Look], aoi: AOIConfig, object_class: str, model: str) -> ClassAnalysis:
    """Baselines, scores and (when the class has an alert rule) episodes for one class.

    Args:
        looks: The class's looks at the site, oldest first.
        aoi: The AOI (baseline settings and alert rules).
        object_class: Class name.
        model: Detector version the counts come from.

    Returns:
        The analysis.
    """
    rule = next((r for r in aoi.alerts if r.object_class == object_class), None)
    excluded: set[str] = set()
    exps = expectations(looks, aoi.baseline, excluded)
    zs = _scores(looks, exps)
    episodes: list[Episode] = []
    for _ in range(_MAX_PASSES if rule else 0):
        episodes = scan(looks, rule, aoi.baseline, excluded) if rule else []
        grown = excluded | {looks[k].scene_id for ep in episodes for k in ep.members}
        if grown == excluded:
            break
        excluded = grown
        exps = expectations(looks, aoi.baseline, excluded)
        zs = _scores(looks, exps)
    return ClassAnalysis(aoi.id, object_class, model, looks, exps, zs, rule, episodes, aoi.baseline)


def analyse_site(rows: Sequence[CountRow], aoi: AOIConfig, model: str) -> list[ClassAnalysis]:
    """Analyse every class the site counts.

    Args:
        rows: Count rows of the store (any sites and models; only this site and model are used).
        aoi: The AOI.
        model: Detector version.

    Returns:
        One analysis per class, in the AOI's class order.
    """
    out = []
    for cls in aoi.classes:
        looks = looks_for(rows, aoi.id, cls, model, aoi.baseline.min_observed_fraction)
        out.append(analyse_class(looks, aoi, cls, model))
    return out
