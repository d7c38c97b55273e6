"""``monitor claims extract``: draft ledger entries from news articles, with the quoted evidence of each."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click

from monitor.alerts.update import load_ledger
from monitor.claims.extract import extract_article, load_lexicon, read_article, render_drafts, sort_drafts
from monitor.claims.extract.drafts import append_drafts, unique_ids
from monitor.claims.extract.sites import SiteNames
from monitor.claims.signals import load_signals
from monitor.cli.options import DATE, config_option
from monitor.config.loader import load_settings
from monitor.errors import UsageError

__all__ = ("extract_cmd",)

log = logging.getLogger("monitor.claims")


@click.command("extract")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--published", type=DATE, default=None, help="Publication date, for relative dates (YYYY-MM-DD).")
@click.option("--source", default=None, help="Source name for the drafts (default: HTML site name or file name).")
@click.option("--url", default=None, help="Where to read the article.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("--append", is_flag=True, help="Validate the drafts and append the new ones to the ledger.")
@click.option("--lexicon", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Another lexicon.")
@config_option
@click.pass_context
def extract_cmd(
    ctx: click.Context,
    files: tuple[Path, ...],
    published: dt.date | None,
    source: str | None,
    url: str | None,
    fmt: str,
    append: bool,
    lexicon: Path | None,
    config: Path | None,
) -> None:
    """Draft ledger entries from news articles (text or HTML; German, English, Russian, Korean)."""
    if not files:
        raise UsageError("claims extract: give at least one article FILE")
    settings = load_settings(config or (ctx.obj or {}).get("claims_config"))
    assert settings.analysis.signals is not None and settings.analysis.claims is not None
    # Drafting needs only the signal mapping; the ledger is read (and must be valid) only to append to it.
    smap = load_ledger(settings).signals if append else load_signals(settings.analysis.signals, settings.aois)
    lex = load_lexicon(lexicon)
    articles = [read_article(p) for p in files]
    sites = SiteNames(settings.aois)
    drafts = []
    for article in articles:
        result = extract_article(article, lex, sites, smap, published, source, url)
        for warning in result.warnings:
            log.warning("%s", warning)
        drafts.extend(result.drafts)
    drafts = unique_ids(sort_drafts(drafts), set())
    click.echo(render_drafts(drafts, fmt).rstrip("\n"))
    if append:
        added, skipped = append_drafts(settings.analysis.claims, drafts, smap)
        click.echo(
            f"appended {len(added)} draft(s) to {settings.analysis.claims}"
            f" ({len(skipped)} skipped as duplicates of ledger entries)",
            err=True,
        )
