"""Writing the analysis into the store: the activity series, deduplicated alerts with evidence, verdicts.

Alerts are deduplicated by site, class and time: an episode that overlaps a stored alert of the same site and
class *is* that alert (its id, status and history stay; its window, score and evidence are brought up to date
and its revision goes up when anything changed), so re-running the analysis never duplicates an alert.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Sequence

from monitor.alerts.records import log_event
from monitor.analysis.changepoint import Episode
from monitor.analysis.site import ANALYSIS_VERSION, ClassAnalysis
from monitor.claims.correlate import Verdict
from monitor.claims.ledger import Claim
from monitor.store.db import Store, iso, utc_now

__all__ = ("link_claims", "upsert_alert", "write_activity", "write_verdicts")

_BEFORE_PER_SENSOR = 2


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def write_activity(store: Store, ca: ClassAnalysis, alert_of: dict[str, str]) -> None:
    """Replace the stored activity series of one site, class and model.

    Args:
        store: The store.
        ca: The analysis.
        alert_of: Scene id to the alert its look belongs to.
    """
    rows = []
    for k, lk in enumerate(ca.looks):
        e = ca.expectations[k]
        lo, hi = e.band() if e else (math.nan, math.nan)
        rows.append(
            (
                ca.aoi,
                ca.object_class,
                ca.model,
                lk.scene_id,
                lk.sensor,
                iso(lk.acquired),
                lk.count,
                lk.observed_fraction,
                int(lk.clear),
                _num(e.rate) if e else None,
                _num(e.mean) if e else None,
                _num(lo),
                _num(hi),
                _num(ca.z[k]),
                _num(ca.excess(k)),
                _num(ca.excess_sd(k)),
                e.n if e else None,
                int(e.filled) if e else None,
                alert_of.get(lk.scene_id),
            )
        )
    with store.transaction() as c:
        c.execute("DELETE FROM activity WHERE aoi=? AND class=? AND model=?", (ca.aoi, ca.object_class, ca.model))
        c.executemany(f"INSERT INTO activity VALUES ({','.join('?' * 19)})", rows)


def _evidence(ca: ClassAnalysis, ep: Episode) -> list[tuple[str, str, str, str, int, float | None, float | None]]:
    out = []
    start = ca.looks[ep.first].acquired
    for sensor in sorted({lk.sensor for lk in ca.looks}):
        before = [
            k
            for k, lk in enumerate(ca.looks)
            if lk.sensor == sensor and lk.clear and lk.acquired < start and ca.expectations[k] is not None
        ]
        out += [("before", k) for k in before[-_BEFORE_PER_SENSOR:]]
    out += [("during", k) for k in ep.members]
    rows = []
    for role, k in out:
        e, lk = ca.expectations[k], ca.looks[k]
        rows.append((lk.scene_id, role, lk.sensor, iso(lk.acquired), lk.count, e.mean if e else None, _num(ca.z[k])))
    return rows


def upsert_alert(
    store: Store, ca: ClassAnalysis, ep: Episode, run_id: int | None, reports: bool, taken: Collection[str] = ()
) -> tuple[str, str]:
    """Insert a new alert for an episode, or bring the overlapping stored alert up to date.

    Args:
        store: The store.
        ca: The class analysis the episode came from.
        ep: The episode.
        run_id: The current run (None outside a run).
        reports: Whether reports are rendered (new and changed alerts then wait for one).
        taken: Alert ids already matched to another episode in this analysis.

    Returns:
        ``(alert_id, what)`` with ``what`` one of ``new``, ``updated``, ``unchanged``.
    """
    start, end = ca.looks[ep.first].acquired.date().isoformat(), ca.looks[ep.last].acquired.date().isoformat()
    values = {
        "start_date": start,
        "end_date": end,
        "score": round(ep.llr, 4),
        "excess": round(ep.excess, 4),
        "excess_low": _num(ep.excess_low),
        "excess_high": _num(ep.excess_high),
        "n_looks": len(ep.members),
        "n_elevated": ep.elevated,
        "model": ca.model,
        "method": ANALYSIS_VERSION,
    }
    now = utc_now()
    pending = "pending" if reports else "off"
    with store.transaction() as c:
        rows = c.execute(
            "SELECT * FROM alerts WHERE aoi=? AND class=? AND start_date<=? AND end_date>=? ORDER BY start_date",
            (ca.aoi, ca.object_class, end, start),
        ).fetchall()
        row = next((r for r in rows if r["id"] not in taken), None)
        if row is None:
            alert_id = f"{ca.aoi}-{ca.object_class}-{start.replace('-', '')}"
            n = 1
            while c.execute("SELECT 1 FROM alerts WHERE id=?", (alert_id,)).fetchone():
                n += 1
                alert_id = f"{ca.aoi}-{ca.object_class}-{start.replace('-', '')}-{n}"
            cols = ["id", "aoi", "class", *values, "created", "updated", "run_id", "report_status"]
            c.execute(
                f"INSERT INTO alerts ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                (alert_id, ca.aoi, ca.object_class, *values.values(), now, now, run_id, pending),
            )
            log_event(c, alert_id, "raised", f"{start}..{end} score {ep.llr:.2f}")
            what = "new"
        else:
            alert_id = row["id"]
            changed = [k for k, v in values.items() if row[k] != v]
            what = "updated" if changed else "unchanged"
            if changed:
                sets = ", ".join(f"{k}=?" for k in values)
                report = pending if row["status"] != "dismissed" else row["report_status"]
                c.execute(
                    f"UPDATE alerts SET {sets}, revision=revision+1, updated=?, run_id=?, report_status=? WHERE id=?",
                    (*values.values(), now, run_id, report, alert_id),
                )
                log_event(c, alert_id, "updated", ", ".join(f"{k} {row[k]} -> {values[k]}" for k in changed))
        c.execute("DELETE FROM alert_evidence WHERE alert_id=?", (alert_id,))
        c.executemany(
            "INSERT INTO alert_evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (alert_id, sid, ca.model, role, sensor, t, n, exp, z)
                for sid, role, sensor, t, n, exp, z in _evidence(ca, ep)
            ],
        )
    return alert_id, what


def write_verdicts(
    store: Store, model: str, claims: Sequence[Claim], results: Sequence[tuple[Verdict, list[Verdict]]]
) -> None:
    """Replace the stored claim verdicts for a model (overall rows have part ``''``).

    Args:
        store: The store.
        model: Detector version the series came from.
        claims: The ledger.
        results: ``assess_claim`` output per claim, aligned with ``claims``.
    """
    rows = []
    for claim, (overall, parts) in zip(claims, results, strict=True):
        for part, v in [("", overall), *[(p.signal or "", p) for p in parts if len(parts) > 1]]:
            w0, w1 = (v.window[0].isoformat(), v.window[1].isoformat()) if v.window else (None, None)
            rows.append(
                (
                    claim.id,
                    model,
                    part,
                    v.verdict,
                    claim.date,
                    claim.precision,
                    claim.site,
                    claim.statement,
                    v.signal,
                    v.aoi,
                    v.object_class,
                    w0,
                    w1,
                    v.n_window,
                    v.n_reference,
                    _num(v.effect),
                    _num(v.effect_low),
                    _num(v.effect_high),
                    _num(v.p_value),
                    json.dumps(v.reasons),
                )
            )
    with store.transaction() as c:
        c.execute("DELETE FROM claim_verdicts WHERE model=?", (model,))
        c.executemany(f"INSERT INTO claim_verdicts VALUES ({','.join('?' * 20)})", rows)


def link_claims(store: Store, alert_id: str, results: Sequence[tuple[Verdict, list[Verdict]]]) -> None:
    """Link an alert to the claims whose tested window overlaps it at the same site and class.

    Args:
        store: The store.
        alert_id: The alert.
        results: ``assess_claim`` output per claim.
    """
    row = store.conn.execute("SELECT aoi, class, start_date, end_date FROM alerts WHERE id=?", (alert_id,)).fetchone()
    linked = set()
    for _overall, parts in results:
        for p in parts:
            if p.window is None or p.aoi != row["aoi"] or p.object_class != row["class"]:
                continue
            if p.window[0].isoformat() <= row["end_date"] and p.window[1].isoformat() >= row["start_date"]:
                linked.add(p.claim_id)
    with store.transaction() as c:
        c.execute("DELETE FROM alert_claims WHERE alert_id=?", (alert_id,))
        c.executemany("INSERT INTO alert_claims VALUES (?, ?)", [(alert_id, cid) for cid in sorted(linked)])
