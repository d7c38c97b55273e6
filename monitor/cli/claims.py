"""``monitor claims``: the claims ledger with each claim's verdict against the imagery; ``add`` appends one."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from monitor.alerts.update import analyse_store, load_ledger
from monitor.claims.correlate import Verdict
from monitor.claims.ledger import Claim, add_claim, load_claims
from monitor.claims.signals import check_claims
from monitor.cli.extract import extract_cmd
from monitor.cli.options import config_option
from monitor.config.loader import format_validation_error, load_settings
from monitor.errors import InputDataError, UsageError
from monitor.store.db import Store
from monitor.tables import format_table

__all__ = ("claims_cmd",)


def _verdict_json(v: Verdict | None) -> dict[str, Any]:
    if v is None:
        return {"verdict": None, "p_value": None, "reasons": ["not assessed: no counts stored yet"]}
    p = None if math.isnan(v.p_value) else round(v.p_value, 4)
    return {"verdict": v.verdict, "p_value": p, "reasons": v.reasons}


@click.group("claims", invoke_without_command=True)
@config_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def claims_cmd(ctx: click.Context, config: Path | None, fmt: str) -> None:
    """List the claims ledger with a verdict per claim (supported, contradicted, inconclusive) and reasons."""
    ctx.ensure_object(dict)
    ctx.obj["claims_config"] = config
    if ctx.invoked_subcommand:
        return
    settings = load_settings(config)
    ledger = load_ledger(settings)
    db = settings.data_dir / "monitor.sqlite"
    verdicts: dict[str, Verdict] = {}
    if db.exists():
        from monitor.pipeline import make_detector

        with Store(db) as store:
            _, results = analyse_store(settings, store, make_detector(settings).version, ledger)
        verdicts = {v.claim_id: v for v, _ in results}
    if fmt == "json":
        out = [{**c.model_dump(mode="json"), **_verdict_json(verdicts.get(c.id))} for c in ledger.claims]
        click.echo(json.dumps(out, indent=1))
        return
    body = []
    for c in ledger.claims:
        v = verdicts.get(c.id)
        p = "" if v is None or math.isnan(v.p_value) else f"{v.p_value:.3f}"
        body.append(
            [
                c.id,
                c.date,
                c.site or "-",
                c.signal or "-",
                v.verdict if v else "not assessed",
                p,
                " | ".join(v.reasons) if v else "no counts stored yet",
            ]
        )
    click.echo(format_table(["claim", "date", "site", "signal", "verdict", "p", "reasons"], body))


@claims_cmd.command("add")
@click.option("--id", "claim_id", required=True, help="New lower-case slug, e.g. osc-2025-08-ship.")
@click.option("--date", required=True, help="YYYY-MM-DD, YYYY-MM or YYYY-Qn (matching --precision).")
@click.option("--precision", type=click.Choice(["day", "month", "quarter"]), required=True)
@click.option("--kind", type=click.Choice(["claim", "observation"]), default="claim", show_default=True)
@click.option("--statement", required=True, help="What is claimed, in your own words.")
@click.option("--site", default=None, help="AOI id the claim names.")
@click.option("--signal", default=None, help="Expected logistics signal (a name in the signal mapping).")
@click.option("--quantity", default=None, help="Reported magnitude, free text.")
@click.option("--source", "source", required=True, help="Who reported it.")
@click.option("--source-date", default=None, help="When it was published (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--via", default=None, help="Outlet that relayed it.")
@click.option("--url", default=None, help="Where to read it.")
@config_option
@click.pass_context
def add_cmd(
    ctx: click.Context,
    claim_id: str,
    date: str,
    precision: str,
    kind: str,
    statement: str,
    site: str | None,
    signal: str | None,
    quantity: str | None,
    source: str,
    source_date: str | None,
    via: str | None,
    url: str | None,
    config: Path | None,
) -> None:
    """Validate a claim and append it to the ledger atomically (comments in the file are kept)."""
    settings = load_settings(config or ctx.obj.get("claims_config"))
    path = settings.analysis.claims
    assert path is not None
    raw = {
        "id": claim_id,
        "date": date,
        "precision": precision,
        "site": site,
        "kind": kind,
        "statement": statement,
        "quantity": quantity,
        "signal": signal,
        "sources": [{"name": source, "date": source_date, "via": via, "url": url}],
    }
    try:
        claim = Claim.model_validate(raw)
    except ValidationError as exc:
        raise UsageError(format_validation_error(Path("claims add"), exc)) from None
    if site is not None:
        settings.select([site])
    ledger = load_ledger(settings)
    if signal is not None and signal not in ledger.signals.signals:
        known = ", ".join(sorted(ledger.signals.signals))
        raise UsageError(f"--signal: unknown signal {signal!r} (known: {known})")
    try:
        check_claims([claim], ledger.signals, Path("claims add"))
    except InputDataError as exc:
        raise UsageError(str(exc).replace("claims add: [0] (id " + claim.id + ").", "--")) from None
    add_claim(path, claim)
    click.echo(f"added {claim.id} to {path} ({len(load_claims(path))} claims)")


claims_cmd.add_command(extract_cmd)
