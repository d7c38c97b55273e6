"""A count-model baseline per sensor and class: what a quiet look is expected to count, with its spread.

Each look is compared with earlier clear looks *of the same sensor* (radar and optical count differently, so
each keeps its own baseline) within a trailing window. The rate is the Gamma-Poisson posterior mean with a
Jeffreys prior, so a run of zeros gives a small positive rate instead of an impossible zero; extra-Poisson
spread (busy and quiet days) is estimated by moments and carried into a negative-binomial predictive that also
holds the uncertainty of the rate itself. Looks that belong to a detected episode are left out of every
baseline, so an event never becomes its own reference. At the start of a record, when fewer than
``min_observations`` earlier looks exist, the nearest later looks fill in (flagged ``filled``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from monitor.analysis.series import Look
from monitor.config.models import BaselineConfig

__all__ = ("Expectation", "expectations", "predictive")

_PRIOR_SHAPE = 0.5


@dataclass(frozen=True)
class Expectation:
    """What the baseline expects of one look's count."""

    rate: float
    mean: float
    var: float
    n: int
    filled: bool

    @property
    def size(self) -> float:
        """Negative-binomial size matching mean and variance (inf: Poisson)."""
        extra = self.var - self.mean
        return math.inf if extra <= 1e-9 * max(self.mean, 1e-12) else self.mean**2 / extra

    def logpmf(self, count: int | np.ndarray, extra: float | np.ndarray = 0.0) -> np.ndarray:
        """Log-probability of a count when ``extra`` objects join the quiet ones.

        The extra objects add their mean to the count's mean and variance (they are simply there or not),
        while the extra-Poisson spread of the quiet count stays as it was.

        Args:
            count: Observed count(s).
            extra: Added mean (objects in the observed part).

        Returns:
            Log-probabilities, broadcast over ``count`` and ``extra``.
        """
        mu = np.maximum(self.mean + np.asarray(extra, dtype=float), 1e-12)
        spread = self.var - self.mean
        if spread <= 1e-9 * max(self.mean, 1e-12):
            return np.asarray(stats.poisson.logpmf(count, mu), dtype=float)
        r = mu**2 / spread
        return np.asarray(stats.nbinom.logpmf(count, r, r / (r + mu)), dtype=float)

    def z(self, count: int) -> float:
        """Anomaly score: the mid-p upper tail of the count turned into a standard-normal quantile.

        Args:
            count: Observed count.

        Returns:
            About 0 for a typical count, 1.64 for the top 5 %, negative for low counts.
        """
        r = self.size
        mu = max(self.mean, 1e-12)
        dist = stats.poisson(mu) if math.isinf(r) else stats.nbinom(r, r / (r + mu))
        p = float(dist.sf(count)) + 0.5 * float(dist.pmf(count))
        return float(stats.norm.isf(min(max(p, 1e-12), 1.0 - 1e-12)))

    def band(self, level: float = 0.9) -> tuple[float, float]:
        """Central predictive interval of a quiet look's count.

        Args:
            level: Two-sided coverage.

        Returns:
            ``(low, high)`` counts.
        """
        r = self.size
        mu = max(self.mean, 1e-12)
        dist = stats.poisson(mu) if math.isinf(r) else stats.nbinom(r, r / (r + mu))
        a = (1.0 - level) / 2.0
        return float(dist.ppf(a)), float(dist.ppf(1.0 - a))


def predictive(counts: Sequence[int], fractions: Sequence[float], exposure: float, filled: bool = False) -> Expectation:
    """The predictive distribution of a new look's count from reference looks.

    Args:
        counts: Counts of the reference looks.
        fractions: Their observed fractions (exposures, > 0).
        exposure: Observed fraction of the new look.
        filled: Whether later looks filled a short record (recorded only).

    Returns:
        The expectation (rate per full view, mean and variance for ``exposure``).
    """
    y = np.asarray(counts, dtype=float)
    f = np.asarray(fractions, dtype=float)
    total_f = float(f.sum())
    rate = (_PRIOR_SHAPE + float(y.sum())) / total_f
    phi = 0.0
    if len(y) >= 3:
        u = y / f
        poisson_var = rate * float(np.mean(1.0 / f))
        phi = max(0.0, (float(np.var(u, ddof=1)) - poisson_var) / rate**2)
    m = exposure * rate
    var = m + phi * m**2 + exposure**2 * rate / total_f
    return Expectation(rate=rate, mean=m, var=var, n=len(y), filled=filled)


def expectations(
    looks: Sequence[Look], cfg: BaselineConfig, excluded: Collection[str] = ()
) -> list[Expectation | None]:
    """The baseline expectation of every look (None where too few reference looks exist).

    Args:
        looks: One site's looks of one class, oldest first, any sensors.
        cfg: Baseline settings of the AOI.
        excluded: Scene ids that may not serve as reference (looks inside detected episodes).

    Returns:
        One expectation per look, aligned with ``looks``.
    """
    out: list[Expectation | None] = []
    for k, look in enumerate(looks):
        if look.observed_fraction <= 0:
            out.append(None)
            continue
        pool = [
            j
            for j, o in enumerate(looks)
            if j != k and o.sensor == look.sensor and o.clear and o.scene_id not in excluded
        ]
        past = [j for j in pool if look.day - cfg.window_days <= looks[j].day < look.day]
        filled = False
        if len(past) < cfg.min_observations:
            later = [j for j in pool if looks[j].day > look.day]
            past += later[: cfg.min_observations - len(past)]
            filled = True
        if len(past) < cfg.min_observations:
            out.append(None)
            continue
        ref = [looks[j] for j in past]
        out.append(
            predictive([o.count for o in ref], [o.observed_fraction for o in ref], look.observed_fraction, filled)
        )
    return out
