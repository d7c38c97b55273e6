"""A local emulator of the Sentinel Hub API (token, Catalog, Process) serving the synthetic scenario.

The real sentinelhub-py client talks to it unchanged over HTTP on 127.0.0.1: that is how the ``sentinelhub``
source is tested without network access, and how a user can try a pull, the PU accounting and the fault
handling by hand (``monitor emulate``).
"""

from __future__ import annotations

from pathlib import Path

from monitor.config.loader import Settings
from monitor.sources.sentinelhub.emulator.auth import TokenBook
from monitor.sources.sentinelhub.emulator.faults import FAULT_HELP, Fault, FaultPlan, parse_fault
from monitor.sources.sentinelhub.emulator.library import SceneLibrary, scenario_library
from monitor.sources.sentinelhub.emulator.server import TOKEN_PATH, Emulator, Hit

__all__ = (
    "FAULT_HELP",
    "TOKEN_PATH",
    "Emulator",
    "Fault",
    "FaultPlan",
    "Hit",
    "SceneLibrary",
    "TokenBook",
    "build_emulator",
    "parse_fault",
)


def build_emulator(
    settings: Settings,
    faults: FaultPlan | None = None,
    tokens: TokenBook | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    scenario: Path | None = None,
) -> Emulator:
    """An emulator serving the configured AOIs and the synthetic scenario (not yet serving).

    Args:
        settings: Resolved settings (AOIs, and ``source.scenario``/``source.seed`` as the synthetic source
            would use them).
        faults: Faults to inject.
        tokens: Token service (accepted credentials).
        host: Loopback address.
        port: Port (0: a free one).
        scenario: Scenario file, overriding ``source.scenario``.

    Returns:
        The emulator; call ``start()`` or ``serve_forever()``.

    Raises:
        ConfigError: No scenario is configured.
        UsageError: ``host`` is not loopback.
    """
    return Emulator(scenario_library(settings, scenario), faults, tokens, host, port)
