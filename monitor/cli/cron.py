"""``monitor cron``: print a ready crontab block (or systemd units) for this installation and config."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.options import config_option
from monitor.config.loader import load_settings
from monitor.errors import ConfigError
from monitor.ops.crontab import crontab_text, systemd_units

__all__ = ("cron_cmd",)


@click.command("cron")
@config_option
@click.option("--tz", default="UTC", show_default=True, help="Time zone of the schedules (CRON_TZ / OnCalendar).")
@click.option(
    "--log-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Append output to this file instead of letting cron mail it.",
)
@click.option("--json-logs", is_flag=True, help="Log lines as JSON objects (--log-format json).")
@click.option("--systemd", is_flag=True, help="Print a systemd service and timer instead of a crontab block.")
def cron_cmd(config: Path | None, tz: str, log_file: Path | None, json_logs: bool, systemd: bool) -> None:
    """Print the schedule lines for the sites' ``cadence.cron``: paste them into ``crontab -e``."""
    settings = load_settings(config)
    if not systemd:
        click.echo(crontab_text(settings, tz, log_file, json_logs), nl=False)
        return
    try:
        units = systemd_units(settings, tz, json_logs)
    except ValueError as exc:
        raise ConfigError(f"cadence.cron: {exc}") from None
    for name, text in units.items():
        click.echo(f"# /etc/systemd/system/{name}\n{text}")
