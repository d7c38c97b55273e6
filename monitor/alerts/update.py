"""After counts are stored: analyse every site, test every claim, raise or update alerts, render reports.

The analysis always covers the whole store for the current detector model (not only the scenes of this run),
so a run restricted with ``--aoi`` or dates still leaves every alert and verdict consistent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from monitor.alerts.writer import link_claims, upsert_alert, write_activity, write_verdicts
from monitor.analysis.site import ClassAnalysis, analyse_site
from monitor.claims.correlate import Verdict, assess_claim
from monitor.claims.ledger import Claim, load_claims
from monitor.claims.signals import SignalMap, check_claims, load_signals
from monitor.config.loader import Settings
from monitor.store.db import Store

__all__ = ("AlertUpdate", "Ledger", "analyse_store", "load_ledger", "update_alerts")

log = logging.getLogger("monitor.alerts")


@dataclass(frozen=True)
class Ledger:
    """The validated claims and the signal mapping they refer to."""

    path: Path
    claims: list[Claim]
    signals: SignalMap


def load_ledger(settings: Settings) -> Ledger:
    """Load and cross-check the claims ledger and the signal mapping (done before a run fetches anything).

    Args:
        settings: Resolved settings.

    Returns:
        The ledger.

    Raises:
        InputDataError: The claims file is invalid (exit 65).
        ConfigError: The signal mapping is invalid (exit 78).
    """
    assert settings.analysis.claims is not None and settings.analysis.signals is not None
    smap = load_signals(settings.analysis.signals, settings.aois)
    claims = load_claims(settings.analysis.claims)
    check_claims(claims, smap, settings.analysis.claims)
    return Ledger(settings.analysis.claims, claims, smap)


@dataclass
class AlertUpdate:
    """What the analysis did to the alerts."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reports: dict[str, str | None] = field(default_factory=dict)
    verdicts: list[Verdict] = field(default_factory=list)


def analyse_store(
    settings: Settings, store: Store, model: str, ledger: Ledger
) -> tuple[dict[tuple[str, str], ClassAnalysis], list[tuple[Verdict, list[Verdict]]]]:
    """Analyse every configured site and test every claim (reads only).

    Args:
        settings: Resolved settings.
        store: The store.
        model: Detector version whose counts are analysed.
        ledger: Claims and signals.

    Returns:
        Analyses by (aoi, class), and each claim's verdict with its parts.
    """
    rows = store.counts(list(settings.aois))
    analyses = {
        (ca.aoi, ca.object_class): ca for aoi in settings.aois.values() for ca in analyse_site(rows, aoi, model)
    }
    results = [assess_claim(c, ledger.signals, analyses) for c in ledger.claims]
    return analyses, results


def update_alerts(
    settings: Settings, store: Store, model: str, ledger: Ledger, run_id: int | None = None
) -> AlertUpdate:
    """Analyse, store series and verdicts, raise or update alerts, and render pending reports.

    Args:
        settings: Resolved settings.
        store: The store.
        model: Detector version whose counts are analysed.
        ledger: Claims and signals.
        run_id: The current run, recorded on new and changed alerts.

    Returns:
        What changed.
    """
    analyses, results = analyse_store(settings, store, model, ledger)
    update = AlertUpdate(verdicts=[v for v, _ in results])
    write_verdicts(store, model, ledger.claims, results)
    for ca in analyses.values():
        alert_of: dict[str, str] = {}
        taken: set[str] = set()
        for ep in ca.episodes:
            alert_id, what = upsert_alert(store, ca, ep, run_id, settings.analysis.reports, taken)
            taken.add(alert_id)
            getattr(update, what).append(alert_id)
            alert_of.update({ca.looks[k].scene_id: alert_id for k in ep.members})
            link_claims(store, alert_id, results)
        write_activity(store, ca, alert_of)
    if update.new or update.updated:
        log.info("alerts: %d new, %d updated", len(update.new), len(update.updated))
    if settings.analysis.reports:
        from monitor.reports.render import render_pending

        update.reports = render_pending(settings, store)
    return update
