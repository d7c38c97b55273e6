"""Entry points for the CLI and the pipeline: export chosen sites, or bring outputs up to date after a run."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from monitor.config.loader import Settings
from monitor.config.models import AOIConfig
from monitor.errors import UsageError
from monitor.export.files import SiteLayout
from monitor.export.site import SiteExport, export_site

__all__ = ("export_sites", "refresh_after_run")

log = logging.getLogger("monitor.export")


def export_sites(
    settings: Settings,
    aoi_ids: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
    claims_path: Path | None = None,
) -> list[SiteExport]:
    """Rebuild the QGIS outputs of the chosen sites (``monitor export``).

    The COGs of scenes acquired from ``since`` to ``until`` are rewritten; the styles, GeoPackage and project
    of each site are rebuilt in full.

    Args:
        settings: Resolved settings.
        aoi_ids: Sites (all when empty).
        since: First acquisition date whose COGs are rewritten.
        until: Last acquisition date whose COGs are rewritten.
        claims_path: Claims ledger (None: ``seeds/claims.yaml``).

    Returns:
        One summary per site.

    Raises:
        UsageError: An unknown site, or ``since`` after ``until``.
    """
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    return [
        export_site(settings.data_dir, aoi, since, until, force=True, claims_path=claims_path)
        for aoi in settings.select(list(aoi_ids))
    ]


def refresh_after_run(
    data_dir: Path, aois: Sequence[AOIConfig], processed: Mapping[tuple[str, str], int]
) -> list[SiteExport]:
    """Keep the outputs current after ``monitor run``: only sites that got new scenes or have no project yet.

    Missing or stale COGs are written (so a run that crashed before exporting is caught up next time); the
    rest is rebuilt from the store.

    Args:
        data_dir: The data folder.
        aois: The sites the run covered.
        processed: Scenes stored by the run per (aoi, sensor).

    Returns:
        One summary per site refreshed.
    """
    done: list[SiteExport] = []
    for aoi in aois:
        new = sum(n for (aoi_id, _), n in processed.items() if aoi_id == aoi.id)
        if new == 0 and SiteLayout(data_dir, aoi.id).project.exists():
            continue
        result = export_site(data_dir, aoi, force=False)
        log.info("%s: QGIS outputs refreshed (%d COG(s) written)", aoi.id, result.cogs_written)
        done.append(result)
    return done
