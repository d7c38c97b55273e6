"""``monitor backfill``: ``run`` over a long window, with a progress bar; started again, it resumes."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click

from monitor.cli.options import DATE, aoi_option, config_option, executor_option
from monitor.cli.run import work_table
from monitor.config.loader import load_settings
from monitor.pipeline import run

__all__ = ("backfill_cmd",)

log = logging.getLogger("monitor.backfill")


@click.command("backfill")
@config_option
@aoi_option
@click.option("--since", type=DATE, required=True, help="First date, inclusive (UTC).")
@click.option("--until", type=DATE, required=True, help="Last date, inclusive (UTC).")
@executor_option
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: only when stderr is a terminal).",
)
@click.pass_context
def backfill_cmd(
    ctx: click.Context,
    config: Path | None,
    aois: tuple[str, ...],
    since: dt.date,
    until: dt.date,
    executor: str | None,
    progress: bool | None,
) -> None:
    """Fetch, detect and store every scene of a past window; scenes already stored are not fetched again.

    The work is the same as ``monitor run`` over ``--since``..``--until`` (same planning, storing, alerts and
    exports). Interrupted (Ctrl-C, kill, reboot), the same command picks up where it stopped.
    """
    settings = load_settings(config)
    summary = run(settings, aois, since, until, progress=progress, command="backfill", executor=executor)
    found = sum(summary.discovered.values())
    before = sum(summary.done_before.values())
    log.info(
        "backfill %s..%s: %d acquisition(s) found, %d stored earlier, %d stored now",
        since,
        until,
        found,
        before,
        summary.n_processed,
    )
    if not ctx.obj.get("quiet"):
        click.echo(work_table(summary))
