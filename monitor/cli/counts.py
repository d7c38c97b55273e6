"""``monitor counts``: the count time series as a table, CSV or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from monitor.cli.options import aoi_option, config_option
from monitor.config.loader import load_settings
from monitor.store.db import Store
from monitor.tables import counts_csv, counts_pivot

__all__ = ("counts_cmd",)


@click.command("counts")
@config_option
@aoi_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def counts_cmd(config: Path | None, aois: tuple[str, ...], fmt: str) -> None:
    """Print the stored counts per scene and class, sorted by aoi, acquired, sensor, class."""
    settings = load_settings(config)
    settings.select(list(aois))
    db = settings.data_dir / "monitor.sqlite"
    if not db.exists():
        rows = []
    else:
        with Store(db) as store:
            rows = store.counts(list(aois))
    if fmt == "json":
        click.echo(json.dumps([r.as_json() for r in rows], indent=1))
    elif fmt == "csv":
        click.echo(counts_csv(rows), nl=False)
    else:
        click.echo(counts_pivot(rows) if rows else "no counts stored yet (run `monitor run`)")
