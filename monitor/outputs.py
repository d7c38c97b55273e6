"""What a run does after storing its scenes: refresh the QGIS outputs and deliver new alerts."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

from monitor.config.loader import Settings
from monitor.config.models import AOIConfig
from monitor.store.db import Store
from monitor.store.runlog import exports_done

__all__ = ("notify_alerts", "refresh_outputs")

log = logging.getLogger("monitor.pipeline")


def notify_alerts(settings: Settings, store: Store) -> None:
    """Deliver new alerts; problems are recorded in the outbox and retried next run, never raised.

    Args:
        settings: Resolved settings.
        store: The store.
    """
    from monitor.notify.deliver import deliver_new_alerts

    try:
        deliver_new_alerts(settings, store)
    except Exception as exc:
        log.warning("alert delivery skipped this run: %s: %s", type(exc).__name__, exc)


def refresh_outputs(
    settings: Settings,
    aois: Sequence[AOIConfig],
    processed: Counter[tuple[str, str]],
    store: Store,
    stale: set[str],
) -> None:
    """Keep the QGIS overlays, GeoPackages and projects current (issue 6).

    Sites marked pending by a run that died before this point are refreshed too; their marks are cleared
    once their outputs are written.

    Args:
        settings: Resolved settings.
        aois: The sites the run covered.
        processed: Scenes stored by this run per (aoi, sensor).
        store: The store.
        stale: Sites marked pending (by this run or an earlier one).
    """
    from monitor.export.refresh import refresh_after_run

    log.debug("exporting %s", ", ".join(sorted(a.id for a in aois)))
    processed = processed.copy()
    for aoi in aois:
        if aoi.id in stale:
            processed[(aoi.id, "pending")] += 1
    refresh_after_run(settings.data_dir, aois, processed)
    for aoi in aois:
        if aoi.id in stale:
            exports_done(store, aoi.id)
