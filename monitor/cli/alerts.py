"""``monitor alerts``: list alerts with their claim verdicts and reports; review, dismiss, reopen, re-render."""

from __future__ import annotations

import json
from pathlib import Path

import click

from monitor.alerts.records import AlertRecord, list_alerts, set_status
from monitor.cli.options import aoi_option, config_option
from monitor.config.loader import Settings, load_settings
from monitor.errors import UsageError
from monitor.store.db import Store
from monitor.tables import format_table

__all__ = ("alerts_cmd",)


def _report_cell(a: AlertRecord, data_dir: Path) -> str:
    if a.report_status == "ok":
        return str(a.report(data_dir))
    if a.report_status == "failed":
        return f"FAILED ({a.report_error}); partial: {data_dir / a.report_path if a.report_path else 'none'}"
    return a.report_status


def _settings(ctx: click.Context, config: Path | None) -> Settings:
    return load_settings(config or (ctx.obj or {}).get("alerts_config"))


def _store(settings: Settings) -> Store:
    db = settings.data_dir / "monitor.sqlite"
    if not db.exists():
        raise UsageError(f"{db}: no store yet (run `monitor run` first)")
    return Store(db)


@click.group("alerts", invoke_without_command=True)
@config_option
@aoi_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def alerts_cmd(ctx: click.Context, config: Path | None, aois: tuple[str, ...], fmt: str) -> None:
    """List alerts (sorted by site and start) with their claims and report paths."""
    ctx.ensure_object(dict)
    ctx.obj["alerts_config"] = config
    if ctx.invoked_subcommand:
        return
    settings = load_settings(config)
    settings.select(list(aois))
    db = settings.data_dir / "monitor.sqlite"
    rows: list[AlertRecord] = []
    if db.exists():
        with Store(db) as store:
            rows = list_alerts(store, list(aois))
    if fmt == "json":
        click.echo(json.dumps([a.as_json(settings.data_dir) for a in rows], indent=1))
        return
    if not rows:
        click.echo("no alerts")
        return
    body = [
        [
            a.id,
            a.aoi,
            a.object_class,
            str(a.start),
            str(a.end),
            round(a.score, 1),
            round(a.excess, 1),
            a.status,
            ", ".join(f"{c}:{v}" for c, v in a.claims) or "-",
            _report_cell(a, settings.data_dir),
        ]
        for a in rows
    ]
    header = ["id", "aoi", "class", "start", "end", "score", "excess", "status", "claims", "report"]
    click.echo(format_table(header, body))


def _status_command(name: str, status: str, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("alert_id")
    @click.option("--note", default=None, help="Why (kept in the alert's history).")
    @config_option
    @click.pass_context
    def cmd(ctx: click.Context, alert_id: str, note: str | None, config: Path | None) -> None:
        settings = _settings(ctx, config)
        with _store(settings) as store:
            alert = set_status(store, alert_id, status, note)
        click.echo(f"{alert.id}: {alert.status}")

    return cmd


alerts_cmd.add_command(_status_command("review", "reviewed", "Mark an alert reviewed."))
alerts_cmd.add_command(_status_command("dismiss", "dismissed", "Dismiss an alert (a false alarm or not of interest)."))
alerts_cmd.add_command(_status_command("reopen", "new", "Set an alert back to new."))


@alerts_cmd.command("report")
@click.argument("alert_id")
@config_option
@click.pass_context
def report_cmd(ctx: click.Context, alert_id: str, config: Path | None) -> None:
    """Execute the review notebook of one alert again (e.g. after a failure); prints the report path."""
    from monitor.reports.render import render_alert

    settings = _settings(ctx, config)
    with _store(settings) as store:
        error = render_alert(settings, store, alert_id)
        alert = next(a for a in list_alerts(store) if a.id == alert_id)
    if error:
        raise click.ClickException(f"report failed: {error}")
    click.echo(str(alert.report(settings.data_dir)))
