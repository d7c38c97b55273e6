"""Calibrate an alert rule: how strong an episode a quiet record produces by chance (parametric bootstrap).

The null is a quiet, stationary record sampled like the real one: each clear look's count is redrawn, with its
own exposure, from its sensor's rate and spread over the whole record (looks of detected episodes left out;
negative binomial, Poisson or double Poisson as the baseline would choose). The scan is then run on the
simulated record as on a real one, references and spread re-estimated from the simulated counts (so their
estimation noise is part of the null), the rule's persistence and size conditions applied, no ratio
threshold. The largest episode ratio of each simulated record estimates the null distribution of the statistic
``min_llr`` is compared with, so a threshold reads as the probability that a quiet record of this length and
sampling raises at least one alert (only the first pass of the analysis can raise the first alert, so that
pass is what is simulated). Used by ``benchmarks/bench_alerts.py``; not part of a run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

import numpy as np

from monitor.analysis.baseline import Expectation, predictive
from monitor.analysis.changepoint import scan
from monitor.analysis.site import ClassAnalysis

__all__ = ("null_maxima",)


def null_maxima(ca: ClassAnalysis, n: int = 200, seed: int = 0, leave_out: Collection[str] = ()) -> np.ndarray:
    """The largest episode ratio of ``n`` simulated quiet records.

    Args:
        ca: An analysed class with an alert rule.
        n: Simulated records.
        seed: Random seed.
        leave_out: Further scene ids whose counts may not inform the quiet rate and spread (a benchmark that
            knows where its events are leaves their looks out; they are still simulated, as quiet looks).

    Returns:
        ``n`` maxima (0 where a record had no qualifying segment).

    Raises:
        ValueError: The class has no alert rule.
    """
    if ca.rule is None:
        raise ValueError(f"{ca.aoi}/{ca.object_class} has no alert rule to calibrate")
    rule = ca.rule.model_copy(update={"min_llr": 1e-9})
    quiet = [lk for lk in ca.looks if lk.clear and lk.scene_id not in ca.excluded and lk.scene_id not in leave_out]
    by_sensor = {s: [lk for lk in quiet if lk.sensor == s] for s in {lk.sensor for lk in quiet}}
    null: dict[int, Expectation] = {}
    for k, (lk, e) in enumerate(zip(ca.looks, ca.expectations, strict=True)):
        ref = by_sensor.get(lk.sensor, [])
        if lk.clear and e is not None and len(ref) >= ca.baseline.min_observations:
            null[k] = predictive([o.count for o in ref], [o.observed_fraction for o in ref], lk.observed_fraction)
    rng = np.random.default_rng(seed)
    out = np.zeros(n)
    for i in range(n):
        looks = list(ca.looks)
        for k, e in null.items():
            looks[k] = dataclasses.replace(looks[k], count=e.sample(rng))
        out[i] = max((ep.llr for ep in scan(looks, rule, ca.baseline)), default=0.0)
    return out
