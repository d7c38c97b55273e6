"""The spread of quiet counts: the dispersion index of a sensor's looks and the double-Poisson distribution.

A count of false detections or of visiting ships varies *more* than a Poisson count (busy and quiet days, false
detections in bursts); a resident fleet, each member there or not as the based aircraft of an airport, varies
*less* (binomial-like). The dispersion index (variance of the full-view counts over the Poisson variance)
measures which. It is estimated per sensor from the whole record, outside detected episodes: a property of the
site, sensor and detector that a handful of looks in one baseline window would estimate badly (one lone false
detection in a quiet window would read as a busy site). Less-than-Poisson spread makes a rise easier to see,
so it is only claimed as far as the looks show it (an upper confidence bound) and where they can show it at all.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from monitor.analysis.series import Look

__all__ = ("DoublePoisson", "dispersion", "fit_double_poisson", "record_dispersion")

_PRIOR_SHAPE = 0.5
_UNDER_LEVEL = 0.8
_UNDER_MIN_MEAN = 1.0
_MIN_INDEX = 0.25
_MAX_THETA = 50.0


def dispersion(counts: Sequence[int], fractions: Sequence[float]) -> float:
    """The dispersion index of reference looks: their full-view count variance over the Poisson variance.

    Above 1 the moment estimate is returned as is. Below 1 the index is only claimed as far as the looks
    support it (the upper ``_UNDER_LEVEL`` confidence bound, since ``(n - 1) * index`` is about chi-square with
    ``n - 1`` degrees of freedom), only where they average at least ``_UNDER_MIN_MEAN`` objects (otherwise 1),
    and never below ``_MIN_INDEX`` (a reference more regular than that is more likely too short than a fleet
    that steady).

    Args:
        counts: Counts of the reference looks.
        fractions: Their observed fractions (exposures, > 0).

    Returns:
        The index (1 for Poisson spread).
    """
    y = np.asarray(counts, dtype=float)
    f = np.asarray(fractions, dtype=float)
    if len(y) < 3:
        return 1.0
    rate = (_PRIOR_SHAPE + float(y.sum())) / float(f.sum())
    index = float(np.var(y / f, ddof=1)) / (rate * float(np.mean(1.0 / f)))
    if index >= 1.0:
        return index
    if float(y.mean()) < _UNDER_MIN_MEAN:
        return 1.0
    bound = (len(y) - 1) * index / float(stats.chi2.ppf(1.0 - _UNDER_LEVEL, len(y) - 1))
    return min(1.0, max(bound, _MIN_INDEX))


def record_dispersion(looks: Sequence[Look], excluded: Collection[str] = ()) -> dict[str, float]:
    """The dispersion index of each sensor over all its clear looks outside detected episodes.

    The spread is a property of the site, sensor and detector; estimated from a few dozen looks instead of the
    handful in one baseline window, one lone false detection in a quiet window no longer reads as a busy site.

    Args:
        looks: One site's looks of one class.
        excluded: Scene ids of looks inside detected episodes.

    Returns:
        Index per sensor (see :func:`dispersion`).
    """
    out = {}
    for sensor in sorted({lk.sensor for lk in looks}):
        quiet = [lk for lk in looks if lk.sensor == sensor and lk.clear and lk.scene_id not in excluded]
        out[sensor] = dispersion([lk.count for lk in quiet], [lk.observed_fraction for lk in quiet]) if quiet else 1.0
    return out


def _kernel(y: np.ndarray, mu: float, theta: float) -> np.ndarray:
    """Unnormalised log-probability of Efron's double Poisson (mean about ``mu``, variance about mu/theta)."""
    out = theta * (y * math.log(mu) - mu) + (1.0 - theta) * (special.xlogy(y, y) - y) - special.gammaln(y + 1.0)
    return np.asarray(out, dtype=float)


@dataclass(frozen=True)
class DoublePoisson:
    """Efron's double Poisson with fitted ``mu`` and ``theta`` and its numerical normaliser."""

    mu: float
    theta: float
    log_norm: float

    def logpmf(self, y: np.ndarray) -> np.ndarray:
        """Log-probabilities of counts.

        Args:
            y: Counts.

        Returns:
            Log-probabilities.
        """
        return _kernel(np.asarray(y, dtype=float), self.mu, self.theta) - self.log_norm


def fit_double_poisson(mean: float, var: float) -> DoublePoisson:
    """The double Poisson whose (numerically normalised) distribution has this mean and variance.

    Args:
        mean: Target mean (> 0).
        var: Target variance, below ``mean``.

    Returns:
        The fitted distribution.
    """
    top = math.ceil(mean + 12.0 * math.sqrt(mean) + 12.0)
    y = np.arange(top + 1, dtype=float)
    frac = mean - math.floor(mean)
    var = max(var, frac * (1.0 - frac) + 0.02)  # no integer distribution has less spread than this
    mu, theta = mean, min(mean / var, _MAX_THETA)
    for _ in range(60):
        lp = _kernel(y, mu, theta)
        p = np.exp(lp - float(special.logsumexp(lp)))
        m1 = float((y * p).sum())
        v1 = float(((y - m1) ** 2 * p).sum())
        if abs(m1 - mean) < 1e-4 * max(mean, 1.0) and abs(v1 - var) < 1e-3 * var:
            break
        mu = max(mu + (mean - m1), 1e-6)
        theta = min(max(theta * math.sqrt(v1 / var), 1.0), _MAX_THETA)
    log_norm = float(special.logsumexp(_kernel(y, mu, theta)))
    return DoublePoisson(mu, theta, log_norm)
