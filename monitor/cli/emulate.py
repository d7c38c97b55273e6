"""``monitor emulate``: a local Sentinel Hub API, or (``--stac``) a STAC API and COGs, over the synthetic scenario."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.options import config_option
from monitor.config.loader import load_settings
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.sources.emulation import LoopbackServer

__all__ = ("emulate_cmd",)

_FAULTS_HELP = "Inject a fault, KIND[:COUNT|:always][@catalog|@process|@token] (repeatable). Kinds: " + ", ".join(
    ["429", "503", "slow", "truncate", "corrupt", "evalscript", "expire", "bad-credentials"]
)


@click.command("emulate")
@config_option
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind (others refused).")
@click.option("--scenario", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Scenario file.")
@click.option("--fault", "faults", multiple=True, metavar="KIND[:COUNT]", help=_FAULTS_HELP)
@click.option("--slow-seconds", type=click.FloatRange(0, 600), default=3.0, show_default=True, help="Delay of slow.")
@click.option("--retry-after-ms", type=click.IntRange(0), default=100, show_default=True, help="Retry-After of 429.")
@click.option("--client-id", default=None, help="Only accept this client id (default: any).")
@click.option("--client-secret", envvar="MONITOR_EMULATOR_SECRET", default=None, help="Only accept this secret.")
@click.option("--stac", is_flag=True, help="Serve a STAC API and COG assets (the stac source) instead.")
@click.option("--cross-zone", is_flag=True, help="With --stac: each pass's own-zone item lacks the AOI's west 40%.")
def emulate_cmd(
    config: Path | None,
    port: int,
    host: str,
    scenario: Path | None,
    faults: tuple[str, ...],
    slow_seconds: float,
    retry_after_ms: int,
    client_id: str | None,
    client_secret: str | None,
    stac: bool,
    cross_zone: bool,
) -> None:
    """Serve the Sentinel Hub API on HOST:PORT until Ctrl-C, for trying the sentinelhub source offline.

    Point the monitor at it with SH_BASE_URL=http://HOST:PORT and SH_TOKEN_URL=http://HOST:PORT/auth/realms/
    main/protocol/openid-connect/token, any SH_CLIENT_ID/SH_CLIENT_SECRET, and MONITOR_SOURCE=sentinelhub.

    With --stac: a STAC API and a COG server with Range support for the stac source; it prints the
    MONITOR_STAC_* exports to point the monitor at it (faults: 503, slow, cut, 404, expire, KIND[:COUNT]).
    """
    if stac:
        return _serve_stac(config, port, host, scenario, faults, slow_seconds, cross_zone)
    from monitor.sources.sentinelhub.emulator import FAULT_HELP, FaultPlan, TokenBook, build_emulator, parse_fault

    try:
        plan = FaultPlan([parse_fault(f) for f in faults], slow_seconds=slow_seconds, retry_after_ms=retry_after_ms)
    except ValueError as exc:
        raise UsageError(f"--fault: {exc}") from None
    settings = load_settings(config)
    emulator = build_emulator(settings, plan, TokenBook(client_id, client_secret), host, port, scenario)
    _serve(
        emulator,
        f"Sentinel Hub emulator on {emulator.base_url} serving {', '.join(settings.aois)}",
        [f"  fault {fault}: {FAULT_HELP[fault.kind]}" for fault in plan.faults],
        {"SH_BASE_URL": emulator.base_url, "SH_TOKEN_URL": emulator.token_url},
    )


def _serve_stac(
    config: Path | None,
    port: int,
    host: str,
    scenario: Path | None,
    faults: tuple[str, ...],
    slow_seconds: float,
    cross_zone: bool,
) -> None:
    from monitor.sources.stac.emulator import STAC_FAULT_HELP, FaultPlan, build_stac_emulator, parse_stac_fault

    try:
        plan = FaultPlan([parse_stac_fault(f) for f in faults], slow_seconds=slow_seconds)
    except ValueError as exc:
        raise UsageError(f"--fault: {exc}") from None
    settings = load_settings(config)
    emulator = build_stac_emulator(settings, plan, host, port, scenario, cross_zone)
    _serve(
        emulator,
        f"STAC emulator on {emulator.api_url} serving {', '.join(settings.aois)}",
        [f"  fault {fault}: {STAC_FAULT_HELP[fault.kind]}" for fault in plan.faults],
        {
            "MONITOR_SOURCE": "stac",
            "MONITOR_STAC_S2_URL": emulator.api_url,
            "MONITOR_STAC_S1_URL": emulator.api_url,
            "MONITOR_STAC_S1_TOKEN_URL": emulator.token_url,
        },
    )


def _serve(emulator: LoopbackServer, banner: str, notes: list[str], exports: dict[str, str]) -> None:
    """Say where the emulator listens (stderr) and the variables that point a run at it (stdout), then serve."""
    click.echo(banner, err=True)
    for line in notes:
        click.echo(line, err=True)
    for name, value in exports.items():
        click.echo(f"export {name}={value}")
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        click.echo("emulator stopped", err=True)
    finally:
        emulator.stop()
