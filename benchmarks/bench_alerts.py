"""Alert benchmark: run the default scenario, then score the alerts against the scenario's event windows.

    python benchmarks/bench_alerts.py [--detector cnn|classical] [--data DIR] [--reports] [--tolerance DAYS]

An alert is *true* when it overlaps an event window (widened by --tolerance days) of its site whose objects are
of the alert's class; otherwise it is a *false alarm*. An event that no alert overlaps is *missed*. For each
event the table also shows what the counts held (mean detected count against the mean visible ground-truth
count over the event's clear looks) and the best segment log-likelihood ratio the scan found there, and for
each class the best ratio found outside all events, so a miss can be told apart: a detector that did not see
the objects, or a threshold the evidence did not reach. The null columns calibrate the rule: the largest
episode ratio in records simulated from the fitted baselines (monitor/analysis/calibrate.py), i.e. how often a
quiet record of this length would reach ``min_llr`` by chance. Results go to stdout and benchmarks/results/.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from monitor.alerts.records import list_alerts  # noqa: E402
from monitor.alerts.update import analyse_store, load_ledger  # noqa: E402
from monitor.analysis.calibrate import null_maxima  # noqa: E402
from monitor.analysis.changepoint import candidates  # noqa: E402
from monitor.analysis.site import analyse_class  # noqa: E402
from monitor.config.loader import load_settings  # noqa: E402
from monitor.pipeline import archive_path, make_detector, run  # noqa: E402
from monitor.sources.base import SceneRef  # noqa: E402
from monitor.sources.synthetic.scenario import load_scenario  # noqa: E402
from monitor.store.db import Store  # noqa: E402
from monitor.world.objects import CATALOGUE  # noqa: E402


def _events(settings):
    scenario = load_scenario(settings.source.scenario)
    out = []
    for aoi, site in scenario.aois.items():
        for ev in site.events:
            classes = sorted({CATALOGUE[e.type].object_class for e in ev.entries})
            out.extend((aoi, cls, ev.name, ev.start, ev.end) for cls in classes)
    return out


def _truth(data_dir, look, aoi, cls):
    ref = SceneRef(scene_id=look.scene_id, aoi=aoi, sensor=look.sensor, acquired=look.acquired, cloud_cover=None)
    path = archive_path(data_dir, ref).with_suffix(".truth.json")
    if not path.exists():
        return None
    return json.loads(path.read_text())["visible_counts"].get(cls)


def _loose(rule):
    return rule.model_copy(update={"min_llr": 0.5, "min_increase": 0.1, "min_observations": 1})


def _best_inside(looks, ca, first, last):
    """The best loose-rule segment lying wholly between two dates (another event's evidence never counts)."""
    segs = candidates(looks, _loose(ca.rule), ca.baseline, ca.excluded)
    inside = [s.llr for s in segs if looks[s.first].acquired.date() >= first and looks[s.last].acquired.date() <= last]
    return max(inside, default=0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detector", choices=["cnn", "classical"], default=None, help="default: the configured one")
    ap.add_argument("--data", type=Path, default=None, help="data folder (default: a fresh temporary one)")
    ap.add_argument("--reports", action="store_true", help="also render the alert notebooks")
    ap.add_argument("--tolerance", type=int, default=7, help="days an alert may lie outside an event window")
    ap.add_argument("--simulations", type=int, default=500, help="simulated quiet records per class (null)")
    ap.add_argument("--out", type=Path, default=None, help="markdown file (default: benchmarks/results/)")
    args = ap.parse_args()
    if args.data is not None:
        _bench(args, args.data)
        return
    # A fresh data folder holds a whole scenario run (about 600 MB): remove it afterwards.
    with tempfile.TemporaryDirectory(prefix="bench_alerts_") as tmp:
        _bench(args, Path(tmp))


def _bench(args: argparse.Namespace, data: Path) -> None:
    """Run the scenario into ``data``, score its alerts and write the markdown table."""
    env = dict(os.environ, MONITOR_DATA_DIR=str(data))
    if args.detector:
        env["MONITOR_DETECTOR"] = args.detector
    settings = load_settings(None, env=env)
    settings = dataclasses.replace(settings, analysis=settings.analysis.model_copy(update={"reports": args.reports}))
    t0 = time.perf_counter()
    run(settings, progress=False)
    wall = time.perf_counter() - t0
    model = make_detector(settings).version
    tol = dt.timedelta(days=args.tolerance)
    events = _events(settings)
    with Store(data / "monitor.sqlite") as store:
        alerts = [a for a in list_alerts(store) if a.model == model]
        analyses, _ = analyse_store(settings, store, model, load_ledger(settings))

    def hits(a, ev):
        return a.aoi == ev[0] and a.object_class == ev[1] and a.start <= ev[4] + tol and a.end >= ev[3] - tol

    lines = [
        f"# Alert benchmark: {model}",
        "",
        f"Run (scenes already stored are not redone) and analysis: {wall:.0f} s.",
        "",
    ]
    lines += [
        "| site | class | event | window | clear looks | mean detected / truth | best LLR "
        "| best LLR, true counts | alert |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    missed = 0
    for ev in events:
        aoi, cls, name, start, end = ev
        ca = analyses[(aoi, cls)]
        ks = [k for k, lk in enumerate(ca.looks) if lk.clear and start <= lk.acquired.date() <= end]
        det = [ca.looks[k].count for k in ks]
        tru = [t for t in (_truth(data, ca.looks[k], aoi, cls) for k in ks) if t is not None]
        best = _best_inside(ca.looks, ca, start - tol, end + tol)
        oracle_looks = [
            dataclasses.replace(lk, count=t) if (t := _truth(data, lk, aoi, cls)) is not None else lk for lk in ca.looks
        ]
        oracle = analyse_class(oracle_looks, settings.aois[aoi], cls, model)
        oracle_best = _best_inside(oracle_looks, oracle, start - tol, end + tol)
        oracle_alert = any(
            oracle.looks[ep.first].acquired.date() <= end + tol and oracle.looks[ep.last].acquired.date() >= start - tol
            for ep in oracle.episodes
        )
        found = [a.id for a in alerts if hits(a, ev)]
        missed += not found
        mean = lambda v: f"{sum(v) / len(v):.1f}" if v else "-"  # noqa: E731
        lines.append(
            f"| {aoi} | {cls} | {name} | {start}..{end} | {len(ks)} | {mean(det)} / {mean(tru)} | "
            f"{best:.1f} | {oracle_best:.1f} ({'alert' if oracle_alert else 'none'}) | {', '.join(found) or 'MISSED'} |"
        )
    false = [a for a in alerts if not any(hits(a, ev) for ev in events)]
    true = [a for a in alerts if any(hits(a, ev) for ev in events)]
    lines += [
        "",
        "| site | class | rule min_llr | best LLR outside events | null max LLR q90 / q95 / q99 "
        "| P(null max >= min_llr) per record / per site-year | alerts | true | false alarms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (aoi, cls), ca in sorted(analyses.items()):
        if ca.rule is None:
            continue
        mine_ev = [e for e in events if e[0] == aoi and e[1] == cls]

        def near(lk, mine_ev=mine_ev):
            return any(e[3] - tol <= lk.acquired.date() <= e[4] + tol for e in mine_ev)

        quiet = [
            c.llr
            for c in candidates(ca.looks, _loose(ca.rule), ca.baseline, ca.excluded)
            if not any(near(ca.looks[k]) for k in c.members)
        ]
        mine = [a for a in alerts if a.aoi == aoi and a.object_class == cls]
        # The null describes quiet periods: the looks of the scenario's events do not inform its rate and spread.
        null = null_maxima(ca, n=args.simulations, leave_out={lk.scene_id for lk in ca.looks if near(lk)})
        q = " / ".join(f"{v:.1f}" for v in np.quantile(null, [0.9, 0.95, 0.99]))
        p_fa = float(np.mean(null >= ca.rule.min_llr))
        years = (ca.looks[-1].acquired - ca.looks[0].acquired).days / 365.25
        lines.append(
            f"| {aoi} | {cls} | {ca.rule.min_llr:g} | {max(quiet, default=0.0):.1f} | {q} | "
            f"{p_fa:.3f} / {p_fa / years:.3f} | {len(mine)} | "
            f"{sum(a in true for a in mine)} | {sum(a in false for a in mine)} |"
        )
    lines += [
        "",
        f"Null: {args.simulations} simulated quiet records per class (monitor/analysis/calibrate.py), each "
        f"{years:.2f} years long; per site-year = per record / record length.",
    ]
    lines += [
        "",
        f"Totals: {len(alerts)} alerts, {len(true)} true, {len(false)} false alarms, "
        f"{missed} of {len(events)} events missed.",
        "",
    ]
    lines += [
        f"- {a.id}: {a.start}..{a.end}, score {a.score:.1f}, excess {a.excess:.1f}, "
        f"{'FALSE ALARM' if a in false else 'true'}"
        for a in alerts
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = args.out or ROOT / "benchmarks" / "results" / f"alerts-{model}.md"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
