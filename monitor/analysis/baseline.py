"""A count-model baseline per sensor and class: what a quiet look is expected to count, with its spread.

Each look is compared with earlier clear looks *of the same sensor* (radar and optical count differently, so
each keeps its own baseline) within a trailing window. The rate is the Gamma-Poisson posterior mean with a
Jeffreys prior, so a run of zeros gives a small positive rate instead of an impossible zero. The spread of the
quiet count comes from the sensor's dispersion index over its whole record (``monitor/analysis/spread.py``), in
both directions:

- *more* than Poisson (busy and quiet days, false detections in bursts): a negative-binomial predictive;
- *less* than Poisson (a resident fleet whose members are each there or not, as the based aircraft of an
  airport: binomial-like counts), as far as the record shows it: Efron's double-Poisson distribution fitted
  to mean and variance.

The predictive also holds the uncertainty of the rate itself. Looks that belong to a detected episode are left
out of every baseline, so an event never becomes its own reference. At the start of a record, when fewer than
``min_observations`` earlier looks exist, the nearest later looks fill in (flagged ``filled``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import special, stats

from monitor.analysis.series import Look
from monitor.analysis.spread import DoublePoisson, dispersion, fit_double_poisson, record_dispersion
from monitor.config.models import BaselineConfig

__all__ = ("Expectation", "expectation_of", "expectations", "predictive")

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
        """Negative-binomial size matching mean and variance (inf: Poisson or less spread than Poisson)."""
        extra = self.var - self.mean
        return math.inf if extra <= 1e-9 * max(self.mean, 1e-12) else self.mean**2 / extra

    @property
    def underdispersed(self) -> bool:
        """Whether the quiet count spreads less than a Poisson count (double-Poisson predictive)."""
        return self.var < self.mean * (1.0 - 1e-9)

    @cached_property
    def _dp(self) -> DoublePoisson:
        return fit_double_poisson(self.mean, self.var)

    def _quiet_logpmf(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        if self.underdispersed:
            return self._dp.logpmf(y)
        r, mu = self.size, max(self.mean, 1e-12)
        if math.isinf(r):
            return np.asarray(stats.poisson.logpmf(y, mu), dtype=float)
        return np.asarray(stats.nbinom.logpmf(y, r, r / (r + mu)), dtype=float)

    def logpmf(self, count: int | np.ndarray, extra: float | np.ndarray = 0.0) -> np.ndarray:
        """Log-probability of a count when ``extra`` objects join the quiet ones.

        The extra objects add their mean to the count's mean and variance (each is there or not, a Poisson
        term), while the spread of the quiet count stays as it was: for an over-dispersed baseline the
        negative binomial keeps its extra-Poisson spread, for an under-dispersed one the double-Poisson quiet
        count is convolved with the Poisson number of extra objects.

        Args:
            count: Observed count(s).
            extra: Added mean (objects in the observed part).

        Returns:
            Log-probabilities, broadcast over ``count`` and ``extra``.
        """
        if self.underdispersed:
            return self._under_logpmf(count, extra)
        mu = np.maximum(self.mean + np.asarray(extra, dtype=float), 1e-12)
        spread = self.var - self.mean
        if spread <= 1e-9 * max(self.mean, 1e-12):
            return np.asarray(stats.poisson.logpmf(count, mu), dtype=float)
        r = mu**2 / spread
        return np.asarray(stats.nbinom.logpmf(count, r, r / (r + mu)), dtype=float)

    def _under_logpmf(self, count: int | np.ndarray, extra: float | np.ndarray) -> np.ndarray:
        counts, lam = np.broadcast_arrays(np.asarray(count, dtype=float), np.asarray(extra, dtype=float))
        out = np.empty(counts.shape)
        for y in np.unique(counts):
            at = counts == y
            q = np.arange(int(y) + 1, dtype=float)
            quiet = self._dp.logpmf(q)
            k = y - q  # extra objects needed on top of q quiet ones
            lam_y = lam[at][:, None]
            joined = special.xlogy(k, lam_y) - lam_y - special.gammaln(k + 1.0)
            out[at] = special.logsumexp(quiet + joined, axis=1)
        return out if out.shape else np.asarray(out[()])

    def _tail(self, count: int) -> tuple[float, float]:
        """``(P(X > count), P(X == count))`` of the quiet count."""
        if self.underdispersed:
            top = math.ceil(self.mean + 12.0 * math.sqrt(self.var) + 12.0)
            y = np.arange(max(top, count + 2) + 1, dtype=float)
            p = np.exp(self._dp.logpmf(y))
            p /= p.sum()
            return float(p[count + 1 :].sum()), float(p[count]) if count >= 0 else 0.0
        r, mu = self.size, max(self.mean, 1e-12)
        dist = stats.poisson(mu) if math.isinf(r) else stats.nbinom(r, r / (r + mu))
        return float(dist.sf(count)), float(dist.pmf(count))

    def z(self, count: int) -> float:
        """Anomaly score: the mid-p upper tail of the count turned into a standard-normal quantile.

        Args:
            count: Observed count.

        Returns:
            About 0 for a typical count, 1.64 for the top 5 %, negative for low counts.
        """
        above, at = self._tail(count)
        p = above + 0.5 * at
        return float(stats.norm.isf(min(max(p, 1e-12), 1.0 - 1e-12)))

    def _cdf_table(self) -> np.ndarray:
        top = math.ceil(self.mean + 12.0 * math.sqrt(max(self.var, self.mean)) + 12.0)
        p = np.exp(self._quiet_logpmf(np.arange(top + 1)))
        return np.cumsum(p / p.sum())

    def band(self, level: float = 0.9) -> tuple[float, float]:
        """Central predictive interval of a quiet look's count.

        Args:
            level: Two-sided coverage.

        Returns:
            ``(low, high)`` counts.
        """
        a = (1.0 - level) / 2.0
        if not self.underdispersed:
            r, mu = self.size, max(self.mean, 1e-12)
            dist = stats.poisson(mu) if math.isinf(r) else stats.nbinom(r, r / (r + mu))
            return float(dist.ppf(a)), float(dist.ppf(1.0 - a))
        cdf = self._cdf_table()
        return float(np.searchsorted(cdf, a - 1e-12)), float(np.searchsorted(cdf, 1.0 - a - 1e-12))

    def sample(self, rng: np.random.Generator) -> int:
        """Draw one quiet count from the predictive (used by the null calibration).

        Args:
            rng: Random generator.

        Returns:
            A count.
        """
        if self.underdispersed:
            cdf = self._cdf_table()
            return min(int(np.searchsorted(cdf, rng.random())), len(cdf) - 1)
        r, mu = self.size, max(self.mean, 1e-12)
        return int(rng.poisson(mu) if math.isinf(r) else rng.negative_binomial(r, r / (r + mu)))


def predictive(
    counts: Sequence[int],
    fractions: Sequence[float],
    exposure: float,
    filled: bool = False,
    index: float | None = None,
) -> Expectation:
    """The predictive distribution of a new look's count from reference looks.

    Args:
        counts: Counts of the reference looks.
        fractions: Their observed fractions (exposures, > 0).
        exposure: Observed fraction of the new look.
        filled: Whether later looks filled a short record (recorded only).
        index: Dispersion index to use (default: estimated from the reference looks themselves).

    Returns:
        The expectation (rate per full view, mean and variance for ``exposure``).
    """
    f = np.asarray(fractions, dtype=float)
    total_f = float(f.sum())
    rate = (_PRIOR_SHAPE + float(np.sum(counts))) / total_f
    if index is None:
        index = dispersion(counts, fractions)
    # phi < 0 is a binomial fleet of about -1/phi objects; a partial view thins it towards Poisson.
    phi = (index - 1.0) * (float(np.mean(1.0 / f)) if index >= 1.0 else 1.0) / rate
    m = exposure * rate
    var = m + phi * m**2 + exposure**2 * rate / total_f
    return Expectation(rate=rate, mean=m, var=var, n=len(counts), filled=filled)


def expectation_of(
    looks: Sequence[Look], k: int, cfg: BaselineConfig, excluded: Collection[str] = (), index: float | None = None
) -> Expectation | None:
    """The baseline expectation of one look (None where too few reference looks exist).

    Args:
        looks: One site's looks of one class, oldest first, any sensors.
        k: The look.
        cfg: Baseline settings of the AOI.
        excluded: Scene ids that may not serve as reference.
        index: Dispersion index of the look's sensor (default: from the reference looks alone).

    Returns:
        The expectation, or None.
    """
    look = looks[k]
    if look.observed_fraction <= 0:
        return None
    pool = [
        j for j, o in enumerate(looks) if j != k and o.sensor == look.sensor and o.clear and o.scene_id not in excluded
    ]
    past = [j for j in pool if look.day - cfg.window_days <= looks[j].day < look.day]
    filled = False
    if len(past) < cfg.min_observations:
        later = [j for j in pool if looks[j].day > look.day]
        past += later[: cfg.min_observations - len(past)]
        filled = True
    if len(past) < cfg.min_observations:
        return None
    ref = [looks[j] for j in past]
    return predictive([o.count for o in ref], [o.observed_fraction for o in ref], look.observed_fraction, filled, index)


def expectations(
    looks: Sequence[Look], cfg: BaselineConfig, excluded: Collection[str] = ()
) -> list[Expectation | None]:
    """The baseline expectation of every look (None where too few reference looks exist).

    The rate comes from each look's trailing window, the spread from the sensor's whole record
    (:func:`record_dispersion`).

    Args:
        looks: One site's looks of one class, oldest first, any sensors.
        cfg: Baseline settings of the AOI.
        excluded: Scene ids that may not serve as reference (looks inside detected episodes).

    Returns:
        One expectation per look, aligned with ``looks``.
    """
    index = record_dispersion(looks, excluded)
    return [expectation_of(looks, k, cfg, excluded, index.get(looks[k].sensor)) for k in range(len(looks))]
