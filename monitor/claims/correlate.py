"""Hold each claim against the imagery: the fused excess in a window around the claimed date versus reference.

For a simple signal (one site and class) the values compared are each clear look's *excess*: its count scaled
to the whole site minus its own sensor's baseline rate, so radar and optical looks share one scale. The window
is the claimed period widened by the signal's ``before_days`` and ``after_days``; the reference is the clear
looks within ``reference_days`` either side of it outside detected episodes (or an equally long stretch just
before it, episodes included). A permutation
test of the mean difference gives the p-value and a bootstrap its interval. The verdict:

* **supported**: the difference goes the claimed way with p <= alpha and, for a rise, at least one look elevated;
* **contradicted**: enough clear looks, none of them elevated, and the interval rules out the signal's
  ``effect`` (only for signals whose absence contradicts the claim);
* **inconclusive**: anything else, with the reason (too few clear looks, no signal mapped, an effect of the
  claimed size neither shown nor ruled out).
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from monitor.analysis.site import ClassAnalysis
from monitor.claims.ledger import Claim, claim_period
from monitor.claims.signals import Signal, SignalMap, TestSettings

__all__ = ("Verdict", "assess_claim")


@dataclass(frozen=True)
class Verdict:
    """The outcome of testing one claim (or one part of a composite signal)."""

    claim_id: str
    verdict: str
    signal: str | None = None
    aoi: str | None = None
    object_class: str | None = None
    window: tuple[dt.date, dt.date] | None = None
    n_window: int = 0
    n_reference: int = 0
    effect: float = math.nan
    effect_low: float = math.nan
    effect_high: float = math.nan
    p_value: float = math.nan
    reasons: list[str] = field(default_factory=list)


def _permutation_p(a: np.ndarray, b: np.ndarray, n: int, rng: np.random.Generator) -> float:
    observed = a.mean() - b.mean()
    pooled = np.concatenate([a, b])
    perms = rng.permuted(np.broadcast_to(pooled, (n, len(pooled))), axis=1)
    stats_ = perms[:, : len(a)].mean(axis=1) - perms[:, len(a) :].mean(axis=1)
    return float((1 + np.count_nonzero(stats_ >= observed - 1e-12)) / (n + 1))


def _bootstrap(a: np.ndarray, b: np.ndarray, n: int, level: float, rng: np.random.Generator) -> tuple[float, float]:
    ra = rng.choice(a, size=(n, len(a))).mean(axis=1)
    rb = rng.choice(b, size=(n, len(b))).mean(axis=1)
    lo, hi = np.quantile(ra - rb, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _windows(claim: Claim, sig: Signal, test: TestSettings) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    p0, p1 = claim_period(claim)
    w0, w1 = p0 - dt.timedelta(days=sig.before_days), p1 + dt.timedelta(days=sig.after_days)
    if sig.reference == "preceding":
        span = w1 - w0 + dt.timedelta(days=1)
        return (w0, w1), (w0 - span, w0 - dt.timedelta(days=1))
    pad = dt.timedelta(days=test.reference_days)
    return (w0, w1), (w0 - pad, w1 + pad)


def _test_part(claim: Claim, name: str, sig: Signal, ca: ClassAnalysis, test: TestSettings) -> Verdict:
    (w0, w1), (r0, r1) = _windows(claim, sig, test)
    inside, ref, elevated = [], [], 0
    # A surrounding reference stands for quiet activity, so the looks of other detected episodes stay out of it;
    # a preceding one is the state before the window (for a departure: the ships being there) and keeps them.
    surrounding, episodes = sig.reference != "preceding", ca.excluded
    for k, look in enumerate(ca.looks):
        if not look.clear or ca.expectations[k] is None:
            continue
        day = look.acquired.date()
        if w0 <= day <= w1:
            inside.append(ca.excess(k))
            elevated += ca.z[k] >= test.z_elevated if sig.direction == "increase" else ca.z[k] <= -test.z_elevated
        elif r0 <= day <= r1 and not (surrounding and look.scene_id in episodes):
            ref.append(ca.excess(k))
    base = {
        "claim_id": claim.id,
        "signal": name,
        "aoi": sig.site,
        "object_class": sig.object_class,
        "window": (w0, w1),
        "n_window": len(inside),
        "n_reference": len(ref),
    }
    what = f"{sig.object_class} at {sig.site}"
    if len(inside) < test.min_looks:
        reason = f"too few clear looks of {what} in {w0}..{w1}: {len(inside)} (need {test.min_looks})"
        return Verdict(verdict="inconclusive", reasons=[reason], **base)  # type: ignore[arg-type]
    if len(ref) < test.min_reference_looks:
        reason = f"too few clear reference looks of {what}: {len(ref)} (need {test.min_reference_looks})"
        return Verdict(verdict="inconclusive", reasons=[reason], **base)  # type: ignore[arg-type]
    sign = 1.0 if sig.direction == "increase" else -1.0
    a, b = sign * np.asarray(inside), sign * np.asarray(ref)
    rng = np.random.default_rng([test.seed, zlib.crc32(f"{claim.id}/{name}".encode())])
    p = _permutation_p(a, b, test.permutations, rng)
    lo, hi = _bootstrap(a, b, test.bootstrap, test.level, rng)
    effect = float(a.mean() - b.mean())
    word = "more" if sig.direction == "increase" else "fewer"
    pct = round(100 * test.level)
    seen = (
        f"mean excess {float(np.mean(inside)):+.2f} {sig.object_class} over {len(inside)} clear looks in {w0}..{w1}"
        f" against {float(np.mean(ref)):+.2f} over {len(ref)} reference looks ({word} by {effect:+.2f},"
        f" {pct}% interval {lo:+.2f}..{hi:+.2f}, permutation p={p:.3f})"
    )
    # a rise must show in at least one look; a fall below a near-zero baseline never can, so it is not required
    standout = elevated > 0 or sig.direction == "decrease"
    if p <= test.alpha and effect > 0 and standout:
        verdict, why = "supported", f"{seen}; {elevated} look(s) elevated"
    elif sig.absence_contradicts and elevated == 0 and hi < sig.effect:
        verdict, why = "contradicted", f"{seen}; none elevated, and {sig.effect:g} {word} is ruled out"
    elif not sig.absence_contradicts and elevated == 0:
        verdict, why = "inconclusive", f"{seen}; no rise seen, but absence does not contradict this claim"
    else:
        verdict, why = "inconclusive", f"{seen}; neither shown (p > {test.alpha:g}) nor ruled out ({sig.effect:g})"
    return Verdict(verdict=verdict, effect=effect, effect_low=lo, effect_high=hi, p_value=p, reasons=[why], **base)  # type: ignore[arg-type]


def assess_claim(
    claim: Claim, smap: SignalMap, analyses: Mapping[tuple[str, str], ClassAnalysis]
) -> tuple[Verdict, list[Verdict]]:
    """Test one claim against the analysed series.

    Args:
        claim: The claim.
        smap: The signal mapping (with the test settings).
        analyses: Analysed series by (aoi, class).

    Returns:
        The overall verdict and the verdict of each simple signal it was tested on.
    """
    if claim.signal is None:
        return Verdict(claim.id, "inconclusive", reasons=["no logistics signal is mapped to this claim"]), []
    parts = []
    for name, sig in smap.parts(claim.signal):
        assert sig.site is not None and sig.object_class is not None
        ca = analyses.get((sig.site, sig.object_class))
        if ca is None:
            parts.append(
                Verdict(
                    claim.id,
                    "inconclusive",
                    name,
                    sig.site,
                    sig.object_class,
                    reasons=[f"no analysed series for {sig.object_class} at {sig.site}"],
                )
            )
            continue
        parts.append(_test_part(claim, name, sig, ca, smap.test))
    composite = smap.signals[claim.signal]
    verdicts = [p.verdict for p in parts]
    if "supported" in verdicts:
        overall = "supported"
    elif verdicts and all(v == "contradicted" for v in verdicts) and composite.absence_contradicts:
        overall = "contradicted"
    else:
        overall = "inconclusive"
    if len(parts) == 1:
        return parts[0], parts
    reasons = [f"{p.signal}: {p.verdict}: {'; '.join(p.reasons)}" for p in parts]
    if overall == "inconclusive" and verdicts and "inconclusive" not in verdicts:
        reasons.append(f"{claim.signal}: seeing none of its signals does not contradict this claim")
    return Verdict(claim.id, overall, claim.signal, reasons=reasons), parts
