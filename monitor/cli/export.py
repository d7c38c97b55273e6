"""``monitor export``: (re)build the QGIS overlays, GeoPackages and projects of sites from the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from monitor.cli.options import aoi_option, config_option, since_until_options
from monitor.config.loader import load_settings
from monitor.errors import InputDataError, UsageError
from monitor.store.lock import data_lock
from monitor.tables import format_table

__all__ = ("export_cmd",)


@click.command("export")
@config_option
@aoi_option
@since_until_options
@click.option(
    "--claims",
    "claims",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Claims ledger YAML (default: the project's seeds/claims.yaml).",
)
@click.pass_context
def export_cmd(
    ctx: click.Context,
    config: Path | None,
    aois: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    claims: Path | None,
) -> None:
    """Rewrite the COGs of scenes acquired in the window and rebuild each site's GeoPackage and QGIS project."""
    from monitor.export.refresh import export_sites

    settings = load_settings(config)
    settings.select(list(aois))
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with data_lock(settings.data_dir):
        results = export_sites(settings, aois, since, until, claims)
    failed = [f for r in results for f in r.failed]
    if not ctx.obj.get("quiet"):
        rows = [[r.aoi, r.scenes, r.cogs_written, r.detections, r.claims, str(r.project)] for r in results]
        click.echo(format_table(["aoi", "scenes", "cogs written", "detections", "claims", "project"], rows))
    if failed:
        raise InputDataError(f"{failed[0]}: scene unreadable, left out of the QGIS outputs ({len(failed)} in all)")
