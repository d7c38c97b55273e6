"""Change-point detection: a likelihood-ratio scan for episodes of raised activity over both sensors at once.

The model is the "epidemic" change: activity rises by ``excess`` objects (per full view of the site) at an
unknown first look and falls back after an unknown last look. Every run of consecutive clear looks shorter than
the rule's ``max_duration_days`` is tested against the quiet looks just before it, each sensor against its own
(radar and optical count differently), with a generalised likelihood ratio in the manner of Kulldorff's scan
statistic: for each sensor the quiet rate is a free parameter shared by the reference looks and the run, so it
is estimated from both under either hypothesis. A run therefore never serves as its own reference, and a
reference of few looks cannot make an ordinary run look extraordinary: the ratio accounts for how little the
quiet rate is known, instead of treating each look's baseline as exact and summing as if the looks were
independent. The Poisson ratio of each sensor is divided by the dispersion index of its reference looks (a
quasi-likelihood; the index comes from the sensor's whole record, less the looks the run could take): a busy
sensor (index above 1) weighs each count less, a steady resident fleet (below 1, claimed only as far as the
record shows it) more. The ratio is maximised over ``excess`` on a grid.

Radar and optical looks enter the same sum with the same ``excess``, which is how the two sensors are fused: a
run of fog is bridged by Sentinel-1 looks, and a Sentinel-1 artefact on its own is outvoted by clear Sentinel-2
looks.

A run becomes an episode when its ratio reaches ``min_llr``, its estimated excess ``min_increase``, its first
and last looks each favour the raised state, and at least ``min_observations`` of its looks, and more than half
of them, do. This is persistence: a look favours the raised state when its own likelihood ratio at the
fitted excess is above 1, which a single extra object on a quiet background can achieve (a per-look
significance test cannot: one object against a background of 0.3 is never in the top 5 %), and the majority
condition keeps one strong artefact plus a chance count a week later from passing as an episode whose looks in
between saw nothing. Episodes are taken greedily by ratio and never overlap. The profile-likelihood interval of
the excess is kept as its uncertainty.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from monitor.analysis.series import Look
from monitor.analysis.spread import record_dispersion
from monitor.config.models import AlertRule, BaselineConfig

__all__ = ("Episode", "Reference", "candidates", "reference", "scan")

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


@dataclass(frozen=True)
class Reference:
    """The quiet looks one sensor's part of a run is compared with."""

    count: float
    exposure: float
    dispersion: float
    n: int


def reference(
    looks: Sequence[Look],
    sensor: str,
    first: float,
    last: float,
    cfg: BaselineConfig,
    excluded: Collection[str],
    index: float = 1.0,
) -> Reference | None:
    """The reference of one sensor for a run from day ``first`` to day ``last``.

    Clear looks of the sensor within ``window_days`` before the run; at the start of a record, when fewer than
    ``min_observations`` exist, the nearest looks after ``last`` fill in.

    Args:
        looks: One site's looks of one class, oldest first.
        sensor: The sensor.
        first: Day of the run's first look.
        last: Last day the run may reach (its looks are never reference).
        cfg: Baseline settings.
        excluded: Scene ids that may not serve as reference (looks of episodes already found).
        index: The sensor's dispersion index (from its whole record).

    Returns:
        The reference, or None when too few looks exist.
    """
    pool = [lk for lk in looks if lk.sensor == sensor and lk.clear and lk.scene_id not in excluded]
    ref = [lk for lk in pool if first - cfg.window_days <= lk.day < first]
    if len(ref) < cfg.min_observations:
        ref += [lk for lk in pool if lk.day > last][: cfg.min_observations - len(ref)]
    if len(ref) < cfg.min_observations:
        return None
    counts = [lk.count for lk in ref]
    fractions = [lk.observed_fraction for lk in ref]
    return Reference(float(sum(counts)), float(sum(fractions)), index, len(ref))


def _rate(ref: Reference, y: np.ndarray, f: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Profile maximum-likelihood quiet rate when the run (count ``y``, exposure ``f``) carries ``e`` extra."""
    total_f, total_y = ref.exposure + f, ref.count + y
    b = total_f * e - total_y
    return np.asarray(np.maximum((-b + np.sqrt(b * b + 4.0 * total_f * ref.count * e)) / (2.0 * total_f), 0.0))


def _loglik(ref: Reference, y: np.ndarray, f: np.ndarray, e: np.ndarray, lam: np.ndarray) -> np.ndarray:
    ll = special.xlogy(ref.count, lam) - ref.exposure * lam + special.xlogy(y, lam + e) - f * (lam + e)
    return np.asarray(ll / ref.dispersion)


def candidates(
    looks: Sequence[Look], rule: AlertRule, cfg: BaselineConfig, excluded: Collection[str] = ()
) -> list[Episode]:
    """Every run of looks that satisfies an alert rule, overlapping ones included.

    Args:
        looks: One site's looks of one class, oldest first (both sensors).
        rule: The class's alert rule.
        cfg: The AOI's baseline settings.
        excluded: Scene ids that may not serve as reference (looks of episodes already found).

    Returns:
        The qualifying runs, strongest first; ``members`` index into ``looks``.
    """
    clear = [k for k, lk in enumerate(looks) if lk.clear]
    if not clear:
        return []
    days = np.array([looks[k].day for k in clear])
    top = max(looks[k].full_view for k in clear)
    grid = np.linspace(0.0, max(top, rule.min_increase) + 2.0, _GRID)
    out: list[Episode] = []
    for p in range(len(clear)):
        stop = int(np.searchsorted(days, days[p] + rule.max_duration_days, side="right"))
        # The spread, like the rate, is estimated without the looks the run could take.
        index = record_dispersion(looks, set(excluded) | {looks[k].scene_id for k in clear[p:stop]})
        refs = {
            s: reference(looks, s, days[p], days[stop - 1], cfg, excluded, index[s])
            for s in {looks[k].sensor for k in clear[p:stop]}
        }
        members = [k for k in clear[p:stop] if refs[looks[k].sensor] is not None]
        if not members or members[0] != clear[p]:
            continue
        out += _runs(looks, members, refs, grid, rule)
    return sorted(out, key=lambda ep: (-ep.llr, ep.first))


def _runs(
    looks: Sequence[Look],
    members: list[int],
    refs: dict[str, Reference | None],
    grid: np.ndarray,
    rule: AlertRule,
) -> list[Episode]:
    """The qualifying runs that start at ``members[0]``, one per possible last look."""
    n = len(members)
    y = np.array([looks[k].count for k in members], dtype=float)
    f = np.array([looks[k].observed_fraction for k in members])
    sensors = [looks[k].sensor for k in members]
    e = grid[None, :]
    total = np.zeros((n, len(grid)))
    fitted: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for s in set(sensors):
        ref = refs[s]
        assert ref is not None
        mine = np.array([x == s for x in sensors])
        ys, fs = np.cumsum(np.where(mine, y, 0.0))[:, None], np.cumsum(np.where(mine, f, 0.0))[:, None]
        lam1, lam0 = _rate(ref, ys, fs, e), _rate(ref, ys, fs, np.zeros_like(e))
        total += _loglik(ref, ys, fs, e, lam1) - _loglik(ref, ys, fs, np.zeros_like(e), lam0)
        fitted[s] = (lam1, lam0[:, 0], mine)
    out = []
    for off in range(n):
        g = int(np.argmax(total[off]))
        llr = float(total[off, g])
        if llr < rule.min_llr or grid[g] < rule.min_increase:
            continue
        favour = np.zeros(off + 1)
        for s, (lam1, lam0, mine) in fitted.items():
            ref = refs[s]
            assert ref is not None
            raised, quiet = f[: off + 1] * (lam1[off, g] + grid[g]), f[: off + 1] * lam0[off]
            each = special.xlogy(y[: off + 1], raised) - raised - special.xlogy(y[: off + 1], quiet) + quiet
            favour += np.where(mine[: off + 1], each / ref.dispersion, 0.0)
        n_favour = int((favour > 0).sum())
        if favour[0] <= 0 or favour[off] <= 0 or n_favour < rule.min_observations or 2 * n_favour <= off + 1:
            continue
        inside = grid[total[off] >= llr - _PROFILE_DROP]
        out.append(
            Episode(
                members=tuple(members[: off + 1]),
                llr=llr,
                excess=float(grid[g]),
                excess_low=float(inside.min()),
                excess_high=float(inside.max()) if inside.max() < grid[-1] else math.inf,
                elevated=n_favour,
            )
        )
    return out


def scan(looks: Sequence[Look], rule: AlertRule, cfg: BaselineConfig, excluded: Collection[str] = ()) -> list[Episode]:
    """Find the non-overlapping episodes of raised activity that satisfy an alert rule (strongest first).

    Args:
        looks: One site's looks of one class, oldest first (both sensors).
        rule: The class's alert rule.
        cfg: The AOI's baseline settings.
        excluded: Scene ids that may not serve as reference (looks of episodes already found).

    Returns:
        Episodes sorted by time; ``members`` index into ``looks``.
    """
    taken: list[Episode] = []
    for ep in candidates(looks, rule, cfg, excluded):
        if all(ep.last < t.first or ep.first > t.last for t in taken):
            taken.append(ep)
    return sorted(taken, key=lambda ep: ep.first)
