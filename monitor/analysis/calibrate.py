"""Calibrate an alert rule: how strong an episode a quiet record produces by chance (parametric bootstrap).

Each clear look's count is redrawn from its own baseline predictive (negative binomial, or Poisson), the
anomaly scores are recomputed, and the scan is run with the rule's persistence and size conditions but no
ratio threshold. The largest segment ratio of each simulated record estimates the null distribution of the
statistic ``min_llr`` is compared with, so a threshold can be read as a false-alarm probability per record.
The baselines are not re-estimated on the simulated counts (a slight simplification that makes the test a
little optimistic). Used by ``benchmarks/bench_alerts.py``; not part of a run.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from monitor.analysis.changepoint import scan
from monitor.analysis.site import ClassAnalysis

__all__ = ("null_maxima",)


def null_maxima(ca: ClassAnalysis, n: int = 200, seed: int = 0) -> np.ndarray:
    """The largest episode ratio of ``n`` simulated quiet records.

    Args:
        ca: An analysed class with an alert rule.
        n: Simulated records.
        seed: Random seed.

    Returns:
        ``n`` maxima (0 where a record had no qualifying segment).

    Raises:
        ValueError: The class has no alert rule.
    """
    if ca.rule is None:
        raise ValueError(f"{ca.aoi}/{ca.object_class} has no alert rule to calibrate")
    rule = ca.rule.model_copy(update={"min_llr": 1e-9})
    rng = np.random.default_rng(seed)
    idx = [k for k, (lk, e) in enumerate(zip(ca.looks, ca.expectations, strict=True)) if lk.clear and e is not None]
    out = np.zeros(n)
    for i in range(n):
        looks, zs = list(ca.looks), list(ca.z)
        for k in idx:
            e = ca.expectations[k]
            assert e is not None
            r, mu = e.size, max(e.mean, 1e-12)
            y = int(rng.poisson(mu) if math.isinf(r) else rng.negative_binomial(r, r / (r + mu)))
            looks[k] = dataclasses.replace(looks[k], count=y)
            zs[k] = e.z(y)
        out[i] = max((ep.llr for ep in scan(looks, ca.expectations, zs, rule)), default=0.0)
    return out
