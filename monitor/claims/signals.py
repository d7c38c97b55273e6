"""The mapping from what a claim says to what the satellites can count (``configs/signals.yaml``).

A claim about troops is not visible from orbit; the logistics that move them are. Each named signal says
which site and class should change, in which direction, by about how much, and over which days around the
claimed date; a composite signal (``any_of``) is seen when any of its parts is. The ``test`` section holds the
settings of the per-claim permutation test. Nothing about this mapping is hidden in code.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from monitor.claims.ledger import Claim
from monitor.config.loader import load_yaml_model
from monitor.config.models import AOIConfig, ObjectClass
from monitor.errors import ConfigError, InputDataError

__all__ = ("Signal", "SignalMap", "TestSettings", "check_claims", "load_signals")

log = logging.getLogger("monitor.claims")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class TestSettings(_Frozen):
    """How each claim is tested against the imagery."""

    alpha: float = Field(
        default=0.05, gt=0.0, lt=1.0, description="Permutation p-value at or below which a rise counts."
    )
    min_looks: int = Field(default=2, ge=1, description="Clear looks in the claim window needed for any verdict.")
    min_reference_looks: int = Field(default=4, ge=2, description="Clear reference looks needed.")
    reference_days: int = Field(default=120, ge=14, description="Days either side of the window used as reference.")
    permutations: int = Field(default=4999, ge=99, description="Random relabellings in the permutation test.")
    bootstrap: int = Field(default=2000, ge=99, description="Resamples for the effect's confidence interval.")
    level: float = Field(default=0.9, gt=0.5, lt=1.0, description="Two-sided level of the effect interval.")
    z_elevated: float = Field(default=1.64, gt=0.0, description="Anomaly score from which one look is elevated.")
    seed: int = Field(default=0, ge=0, description="Seed of the resampling (verdicts are reproducible).")


class Signal(_Frozen):
    """One expected logistics signal, or a composite of several."""

    description: str = Field(min_length=5)
    site: str | None = Field(default=None, description="AOI id that should show the signal.")
    object_class: ObjectClass | None = Field(default=None, alias="class", description="Class whose count moves.")
    direction: Literal["increase", "decrease"] = "increase"
    reference: Literal["surrounding", "preceding"] = Field(
        default="surrounding",
        description="Compare with looks either side of the window, or with an equally long stretch just before it.",
    )
    effect: float = Field(
        default=1.0, gt=0.0, description="Objects the claimed activity adds (or removes) when present."
    )
    before_days: int = Field(
        default=0, ge=0, le=120, description="Window starts this many days before the claimed date."
    )
    after_days: int = Field(default=0, ge=0, le=120, description="Window ends this many days after it.")
    absence_contradicts: bool = Field(
        default=True, description="Whether seeing no change, with enough clear looks, contradicts the claim."
    )
    any_of: list[str] | None = Field(default=None, description="Composite: seen when any named signal is seen.")

    @model_validator(mode="after")
    def _shape(self) -> Signal:
        if self.any_of is None and (self.site is None or self.object_class is None):
            raise ValueError("a signal needs `site` and `class`, or `any_of`")
        if self.any_of is not None and (self.site is not None or self.object_class is not None):
            raise ValueError("a composite signal (`any_of`) takes no `site` or `class` of its own")
        return self


class SignalMap(_Frozen):
    """The whole mapping file."""

    test: TestSettings = TestSettings()
    signals: dict[str, Signal] = Field(min_length=1)

    @model_validator(mode="after")
    def _composites(self) -> SignalMap:
        for name, sig in self.signals.items():
            for part in sig.any_of or []:
                if part not in self.signals:
                    raise ValueError(f"signal {name!r}: any_of names unknown signal {part!r}")
                if self.signals[part].any_of is not None:
                    raise ValueError(f"signal {name!r}: any_of part {part!r} is itself composite")
        return self

    def parts(self, name: str) -> list[tuple[str, Signal]]:
        """The simple signals a signal stands for.

        Args:
            name: A signal name.

        Returns:
            ``[(name, signal)]`` for a simple signal, its parts for a composite.
        """
        sig = self.signals[name]
        return [(p, self.signals[p]) for p in sig.any_of] if sig.any_of else [(name, sig)]


def load_signals(path: Path, aois: Mapping[str, AOIConfig]) -> SignalMap:
    """Read the mapping and check it against the configured sites.

    Args:
        path: ``signals.yaml``.
        aois: Configured AOIs by id.

    Returns:
        The validated mapping.

    Raises:
        ConfigError: The file is invalid or names a class that its (configured) site does not count.
    """
    smap = load_yaml_model(path, SignalMap)
    for name, sig in smap.signals.items():
        if sig.site is None:
            continue
        if sig.site not in aois:
            # A config may watch only some sites: signals of the others stay defined and find no looks.
            log.warning(
                "%s: signals.%s.site: %r is not a configured AOI; its claims cannot be judged", path, name, sig.site
            )
            continue
        if sig.object_class not in aois[sig.site].classes:
            raise ConfigError(
                f"{path}: signals.{name}.class: {sig.site} does not count this class (got {sig.object_class!r})"
            )
    return smap


def check_claims(claims: Sequence[Claim], smap: SignalMap, path: Path) -> None:
    """Check that every claim names a known signal whose sites agree with the claim's site.

    Args:
        claims: The ledger.
        smap: The mapping.
        path: The ledger file (for messages).

    Raises:
        InputDataError: A claim names an unknown signal, or a site the signal does not concern.
    """
    for i, c in enumerate(claims):
        if c.signal is None:
            continue
        if c.signal not in smap.signals:
            known = ", ".join(sorted(smap.signals))
            raise InputDataError(f"{path}: [{i}] (id {c.id}).signal: unknown signal {c.signal!r} (known: {known})")
        sites = {s.site for _, s in smap.parts(c.signal)}
        if c.site is not None and c.site not in sites:
            raise InputDataError(
                f"{path}: [{i}] (id {c.id}).site: signal {c.signal} concerns {sorted(str(s) for s in sites)}"
                f" (got {c.site!r})"
            )
