"""``monitor status``: per site, the last successful pull, staleness against its schedule, and the last error."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from monitor.cli.options import config_option
from monitor.config.loader import load_settings
from monitor.ops.status import site_status
from monitor.store.db import Store
from monitor.tables import format_table

__all__ = ("status_cmd",)


def _span(d: dt.timedelta | None) -> str:
    if d is None:
        return "-"
    hours = d.total_seconds() / 3600
    return f"{hours / 24:.1f} d" if hours >= 48 else f"{hours:.1f} h"


@click.command("status")
@config_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--check", is_flag=True, help="Exit 75 when any site is stale (for a monitoring probe).")
def status_cmd(config: Path | None, fmt: str, check: bool) -> None:
    """Show per site the last successful pull, how stale it is against its cadence, and the last error."""
    settings = load_settings(config)
    db = settings.data_dir / "monitor.sqlite"
    if db.exists():
        with Store(db) as store:
            rows = site_status(settings, store)
    else:
        rows = site_status(settings, None)
    if fmt == "json":
        click.echo(json.dumps([r.as_json() for r in rows], indent=1))
    else:
        body = [
            [
                r.aoi,
                r.schedule,
                r.last_ok.strftime("%Y-%m-%d %H:%M") if r.last_ok else "never",
                (r.last_scene or "-")[:16],
                _span(r.age),
                _span(r.cadence),
                "STALE" if r.stale else "ok",
                (r.last_error or "-")[:100],
            ]
            for r in rows
        ]
        head = ["aoi", "schedule", "last ok run (UTC)", "last scene", "age", "cadence", "state", "last error"]
        click.echo(format_table(head, body))
    if check and any(r.stale for r in rows):
        raise click.exceptions.Exit(75)
