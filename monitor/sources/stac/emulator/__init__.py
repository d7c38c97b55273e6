"""A loopback STAC API and COG server over the synthetic scenario, for testing and trying the ``stac`` source.

The real pystac-client and GDAL talk to it over HTTP on 127.0.0.1 (``monitor emulate --stac``). A run of the
``stac`` source against it stores the same counts as the ``synthetic`` source over the same window.
"""

from __future__ import annotations

from pathlib import Path

from monitor.config.loader import Settings
from monitor.sources.sentinelhub.emulator.faults import Fault, FaultPlan, fault_count
from monitor.sources.sentinelhub.emulator.library import scenario_library
from monitor.sources.stac.emulator.archive import StacArchive
from monitor.sources.stac.emulator.server import Hit, StacEmulator

__all__ = ("STAC_FAULT_HELP", "FaultPlan", "Hit", "StacEmulator", "build_stac_emulator", "parse_stac_fault")

STAC_FAULT_HELP: dict[str, str] = {
    "503": "search (@search) or asset reads (@asset) answer 503 Service Unavailable",
    "slow": "search waits --slow-seconds before answering (past the client's timeout)",
    "cut": "an asset read sends half of the requested range under the full Content-Length, then hangs up",
    "404": "an asset answers 404 Not Found (listed in the item, missing from storage)",
    "expire": "every SAS token issued so far is revoked: signed asset reads get 403 until a new token is used",
}
_SCOPES = {"503": ("search", "asset"), "slow": ("search",), "cut": ("asset",), "404": ("asset",), "expire": ("asset",)}


def parse_stac_fault(text: str) -> Fault:
    """Parse ``KIND[:COUNT|:always][@search|@asset]``.

    Args:
        text: The option value.

    Returns:
        The fault, scoped to the endpoint it applies to.

    Raises:
        ValueError: Unknown kind or endpoint, or a bad count.
    """
    spec, _, scope = text.partition("@")
    kind, _, count = spec.partition(":")
    if kind not in STAC_FAULT_HELP:
        raise ValueError(f"unknown fault {kind!r} (use one of {', '.join(STAC_FAULT_HELP)})")
    scope = scope or _SCOPES[kind][0]
    if scope not in _SCOPES[kind]:
        raise ValueError(f"fault {text!r}: {kind} applies to @{' or @'.join(_SCOPES[kind])}")
    return Fault(kind, fault_count(kind, count), scope)


def build_stac_emulator(
    settings: Settings,
    faults: FaultPlan | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    scenario: Path | None = None,
    cross_zone: bool = False,
) -> StacEmulator:
    """An emulator serving the configured AOIs and the synthetic scenario (not yet serving).

    Args:
        settings: Resolved settings (AOIs, ``source.scenario``/``source.seed``, ``source.stac.gamma0_to_sigma0``).
        faults: Faults to inject.
        host: Loopback address.
        port: Port (0: a free one).
        scenario: Scenario file, overriding ``source.scenario``.
        cross_zone: Each pass's item in the AOI's own UTM zone lacks the AOI's western 40 %.

    Returns:
        The emulator; call ``start()`` or ``serve_forever()``.

    Raises:
        ConfigError: No scenario is configured.
        UsageError: ``host`` is not loopback.
    """
    library = scenario_library(settings, scenario)
    archive = StacArchive(library, settings.source.stac.gamma0_to_sigma0, cross_zone=cross_zone)
    return StacEmulator(archive, faults, host, port)
