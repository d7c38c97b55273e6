"""``monitor run``: discover, pull, detect and store every new scene, then summarise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from monitor.cli.options import aoi_option, config_option, executor_option, since_until_options
from monitor.config.loader import Settings, load_settings
from monitor.pipeline import RunSummary, make_source, run
from monitor.store.db import Store
from monitor.store.requests import RequestLedger, month_of
from monitor.tables import format_table, monthly_summary

__all__ = ("run_cmd", "work_table")


@click.command("run")
@config_option
@aoi_option
@since_until_options
@executor_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="List the scenes that would be fetched (sentinelhub: requests and PU; stac: items and bytes).",
)
@click.pass_context
def run_cmd(
    ctx: click.Context,
    config: Path | None,
    aois: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    executor: str | None,
    dry_run: bool,
) -> None:
    """Fetch, detect and store every scene not yet stored; print a summary (nothing with -q)."""
    settings = load_settings(config)
    summary = run(settings, aois, since, until, dry_run=dry_run, executor=executor)
    if dry_run:
        _print_plan(settings, summary)
        return
    if ctx.obj.get("quiet"):
        return
    click.echo(work_table(summary))
    if settings.source.kind == "sentinelhub" and summary.run_id is not None:
        click.echo(_pu_summary(settings, summary.run_id))
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


def _print_plan(settings: Settings, summary: RunSummary) -> None:
    header = ["aoi", "sensor", "acquired", "scene_id"]
    plan: list[list[object]] = [
        [j.ref.aoi, j.ref.sensor, j.ref.acquired.strftime("%Y-%m-%dT%H:%M:%SZ"), j.ref.scene_id] for j in summary.jobs
    ]
    note = f"{len(plan)} scene(s) would be fetched"
    if settings.source.kind == "sentinelhub":
        from monitor.sources.sentinelhub import SentinelHubSource

        source = make_source(settings)
        assert isinstance(source, SentinelHubSource)
        header += ["requests", "est_pu"]
        total = 0.0
        for row, job in zip(plan, summary.jobs, strict=True):
            pu = source.estimate_pu(job.ref, job.aoi)
            total += pu
            row += [len(source.tiles(job.aoi)[1]), round(pu, 3)]
        spent, budget = source.ledger.month_spent(), settings.source.monthly_pu_budget
        note += f", about {total:.2f} PU; this month {spent:.2f} of the {budget:g} PU budget used so far"
        if spent + total > budget:
            note += " (the run would stop at the budget)"
    if settings.source.kind == "stac":
        from monitor.sources.stac.dryrun import stac_plan

        header, plan, note = stac_plan(settings, summary.jobs, header, plan, note)
    click.echo(format_table(header, plan))
    click.echo(note, err=True)


def _pu_summary(settings: Settings, run_id: int) -> str:
    """One line of processing-unit totals for a run of the sentinelhub source.

    Args:
        settings: Resolved settings.
        run_id: The run.

    Returns:
        PU charged by the run and this month, and the budget.
    """
    ledger = RequestLedger(settings.data_dir / "monitor.sqlite", "sentinelhub", settings.source.monthly_pu_budget)
    return (
        f"\nprocessing units: {ledger.run_spent(run_id):.2f} this run, {ledger.month_spent():.2f} this month"
        f" ({month_of()}) of the {settings.source.monthly_pu_budget:g} PU budget"
    )


def work_table(summary: RunSummary) -> str:
    """The per-site, per-sensor table of what a run did.

    Args:
        summary: The run summary.

    Returns:
        The table text.
    """
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
                summary.done_before[key],
                summary.processed[key],
            ]
        )
    return format_table(["aoi", "sensor", "since", "until", "found", "too cloudy", "stored before", "new"], body)
