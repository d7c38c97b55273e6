"""Change-point detection: a likelihood-ratio scan for episodes of raised activity over both sensors at once.

The model is the "epidemic" change: activity rises by ``excess`` objects (per full view of the site) at an
unknown first look and falls back after an unknown last look. For every run of consecutive clear looks shorter
than the rule's ``max_duration_days``, the log-likelihood ratio of "each look's baseline plus ``excess`` times
its observed fraction" against "baseline only" is maximised over ``excess`` on a grid. Radar and optical looks
enter the same sum, each against its own sensor's baseline, which is how the two sensors are fused: a run of
fog is bridged by Sentinel-1 looks, and a Sentinel-1 artefact on its own is outvoted by clear Sentinel-2 looks.

A run becomes an episode when its ratio reaches ``min_llr``, its estimated excess ``min_increase``, and at
least ``min_observations`` of its looks are each elevated (anomaly score ``z_elevated`` or more); episodes are
taken greedily by ratio and never overlap. The profile-likelihood interval of the excess is kept as its
uncertainty.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from monitor.analysis.baseline import Expectation
from monitor.analysis.series import Look
from monitor.config.models import AlertRule

__all__ = ("Episode", "scan")

_PROFILE_DROP = 1.353  # half the 90 % quantile of chi-square with one degree of freedom
_GRID = 241


@dataclass(frozen=True)
class Episode:
    """A run of looks with raised activity."""

    members: tuple[int, ...]
    llr: float
    excess: float
    excess_low: float
    excess_high: float
    elevated: int

    @property
    def first(self) -> int:
        """Index of the first look in the episode."""
        return self.members[0]

    @property
    def last(self) -> int:
        """Index of the last look in the episode."""
        return self.members[-1]


def _contributions(looks: Sequence[Look], exps: Sequence[Expectation], grid: np.ndarray) -> np.ndarray:
    rows = []
    for look, e in zip(looks, exps, strict=True):
        raised = e.logpmf(look.count, grid * look.observed_fraction)
        rows.append(raised - e.logpmf(look.count)[()])
    return np.vstack(rows)


def scan(
    looks: Sequence[Look], exps: Sequence[Expectation | None], zs: Sequence[float], rule: AlertRule
) -> list[Episode]:
    """Find the non-overlapping episodes of raised activity that satisfy an alert rule.

    Args:
        looks: One site's looks of one class, oldest first (both sensors).
        exps: Each look's baseline expectation (None: no baseline, look skipped).
        zs: Each look's anomaly score.
        rule: The class's alert rule.

    Returns:
        Episodes sorted by time; ``members`` index into ``looks``.
    """
    idx = [k for k, (lk, e) in enumerate(zip(looks, exps, strict=True)) if lk.clear and e is not None]
    if not idx:
        return []
    use = [looks[k] for k in idx]
    use_exp = [e for e in (exps[k] for k in idx) if e is not None]
    top = max(lk.count / lk.observed_fraction - e.rate for lk, e in zip(use, use_exp, strict=True))
    grid = np.linspace(0.0, max(top, rule.min_increase) + 2.0, _GRID)
    contrib = _contributions(use, use_exp, grid)
    elevated = np.array([zs[k] >= rule.z_elevated for k in idx], dtype=int)
    days = np.array([lk.day for lk in use])
    candidates: list[tuple[float, int, int, int]] = []
    for i in range(len(idx)):
        stop = int(np.searchsorted(days, days[i] + rule.max_duration_days, side="right"))
        run = np.cumsum(contrib[i:stop], axis=0)
        best_g = np.argmax(run, axis=1)
        best = run[np.arange(len(run)), best_g]
        persist = np.cumsum(elevated[i:stop])
        for off in range(len(run)):
            g = int(best_g[off])
            if (
                best[off] >= rule.min_llr
                and grid[g] >= rule.min_increase
                and persist[off] >= rule.min_observations
                and contrib[i, g] > 0
                and contrib[i + off, g] > 0
            ):
                candidates.append((float(best[off]), i, i + off, g))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    taken: list[Episode] = []
    spans: list[tuple[int, int]] = []
    for llr, i, j, g in candidates:
        if any(not (j < a or i > b) for a, b in spans):
            continue
        spans.append((i, j))
        profile = contrib[i : j + 1].sum(axis=0)
        inside = grid[profile >= llr - _PROFILE_DROP]
        taken.append(
            Episode(
                members=tuple(idx[i : j + 1]),
                llr=llr,
                excess=float(grid[g]),
                excess_low=float(inside.min()),
                excess_high=float(inside.max()) if inside.max() < grid[-1] else math.inf,
                elevated=int(elevated[i : j + 1].sum()),
            )
        )
    return sorted(taken, key=lambda ep: ep.first)
