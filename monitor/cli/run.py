"""``monitor run``: discover, pull, detect and store every new scene, then summarise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from monitor.cli.options import aoi_option, config_option, since_until_options
from monitor.config.loader import load_settings
from monitor.pipeline import RunSummary, run
from monitor.store.db import Store
from monitor.tables import format_table, monthly_summary

__all__ = ("run_cmd",)


@click.command("run")
@config_option
@aoi_option
@since_until_options
@click.option("--dry-run", is_flag=True, help="List the scenes that would be fetched; write nothing.")
@click.pass_context
def run_cmd(
    ctx: click.Context,
    config: Path | None,
    aois: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    dry_run: bool,
) -> None:
    """Fetch, detect and store every scene not yet stored; print a summary (nothing with -q)."""
    settings = load_settings(config)
    summary = run(settings, aois, since, until, dry_run=dry_run)
    if dry_run:
        plan = [
            [j.ref.aoi, j.ref.sensor, j.ref.acquired.strftime("%Y-%m-%dT%H:%M:%SZ"), j.ref.scene_id]
            for j in summary.jobs
        ]
        click.echo(format_table(["aoi", "sensor", "acquired", "scene_id"], plan))
        click.echo(f"{len(plan)} scene(s) would be fetched", err=True)
        return
    if ctx.obj.get("quiet"):
        return
    click.echo(_work_table(summary))
    with Store(settings.data_dir / "monitor.sqlite") as store:
        rows = store.counts([a.id for a in settings.select(list(aois))])
    if rows:
        click.echo("")
        click.echo(monthly_summary(rows))
    if summary.alerts is not None:
        click.echo("")
        click.echo(_alerts_line(summary))


def _alerts_line(summary: RunSummary) -> str:
    up = summary.alerts
    assert up is not None
    failed = sorted(a for a, err in up.reports.items() if err)
    line = f"alerts: {len(up.new)} new, {len(up.updated)} updated, {len(up.unchanged)} unchanged"
    line += f"; {len(up.reports) - len(failed)} report(s) rendered" + (
        f", FAILED: {', '.join(failed)}" if failed else ""
    )
    return line + " (see `monitor alerts`, `monitor claims`)"


def _work_table(summary: RunSummary) -> str:
    body = []
    for key, start in summary.since.items():
        body.append(
            [
                key[0],
                key[1],
                str(start),
                str(summary.until),
                summary.discovered[key],
                summary.cloudy[key],
                summary.processed[key],
            ]
        )
    return format_table(["aoi", "sensor", "since", "until", "found", "too cloudy", "new"], body)
