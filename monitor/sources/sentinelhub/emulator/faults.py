"""Fault injection for the emulator: which requests fail, how, and how many times.

A fault is written ``KIND[:COUNT][@catalog|@process|@token]``: the first COUNT requests it applies to fail that
way (default 1), or all of them with ``always``; ``@catalog`` or ``@process`` limits an API fault to one
endpoint, and ``slow`` or ``503`` hit the token endpoint only when written with ``@token``.
For ``expire`` COUNT is a period instead: every COUNT-th accepted API request, every token issued so far stops
being accepted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ("API_FAULTS", "FAULT_HELP", "PROCESS_FAULTS", "Fault", "FaultPlan", "fault_count", "parse_fault")

FAULT_HELP: dict[str, str] = {
    "429": "Catalog/Process answer 429 Too Many Requests with a Retry-After header (milliseconds)",
    "503": "Catalog/Process answer 503 Service Unavailable (a 5xx burst)",
    "slow": "Catalog/Process wait --slow-seconds before answering (past the client's timeout)",
    "truncate": "Process sends half of the body under the full Content-Length, then drops the connection",
    "corrupt": "Process answers 200 with a TIFF cut in half (the length header agrees, the image is broken)",
    "evalscript": "Process answers 400 RENDERER_EXCEPTION (an evalscript error)",
    "expire": "every COUNT-th API request, all tokens issued so far are revoked (401 until a new token is used)",
    "bad-credentials": "the token endpoint answers 401 invalid_client",
}
API_FAULTS = ("429", "503", "slow")
PROCESS_FAULTS = ("truncate", "corrupt", "evalscript")


@dataclass
class Fault:
    """One injected fault and how many more times it fires (None = always)."""

    kind: str
    remaining: int | None
    scope: str | None = None

    def __str__(self) -> str:
        count = "always" if self.remaining is None else str(self.remaining)
        return f"{self.kind}:{count}" + (f"@{self.scope}" if self.scope else "")


def parse_fault(text: str) -> Fault:
    """Parse ``KIND[:COUNT][@ENDPOINT]``.

    Args:
        text: The option value.

    Returns:
        The fault.

    Raises:
        ValueError: Unknown kind or endpoint, or a count that is not a positive integer or ``always``.
    """
    spec, _, scope = text.partition("@")
    kind, _, count = spec.partition(":")
    if kind not in FAULT_HELP:
        raise ValueError(f"unknown fault {kind!r} (use one of {', '.join(FAULT_HELP)})")
    if scope and (scope not in ("catalog", "process", "token") or kind not in API_FAULTS):
        raise ValueError(f"fault {text!r}: only {', '.join(API_FAULTS)} take @catalog, @process or @token")
    if scope == "token" and kind == "429":
        raise ValueError("fault 429@token: the token endpoint is not rate limited here (use slow or 503)")
    times = fault_count(kind, count)
    if times is None and kind == "expire":
        raise ValueError("expire needs a period COUNT, not always")
    return Fault(kind, times, scope or None)


def fault_count(kind: str, count: str) -> int | None:
    """The COUNT of a fault ``KIND:COUNT``, shared by both emulators' fault syntax.

    Args:
        kind: The fault's kind (for the message).
        count: What follows the colon: empty (once), ``always`` or a positive integer.

    Returns:
        How many times the fault fires; None for always.

    Raises:
        ValueError: A count that is not a positive integer or ``always``.
    """
    if count == "always":
        return None
    if count and (not count.isdigit() or int(count) < 1):
        raise ValueError(f"fault {kind}: COUNT must be a positive integer or 'always' (got {count!r})")
    return int(count or 1)


@dataclass
class FaultPlan:
    """The faults of one emulator run; thread-safe, since requests are served in parallel.

    Attributes:
        faults: The faults, checked in order.
        slow_seconds: Delay of the ``slow`` fault.
        retry_after_ms: ``Retry-After`` of the ``429`` fault, in milliseconds.
    """

    faults: list[Fault] = field(default_factory=list)
    slow_seconds: float = 3.0
    retry_after_ms: int = 100
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _api_calls: int = 0

    def take(self, kinds: tuple[str, ...], endpoint: str | None = None) -> str | None:
        """Fire the first pending fault among ``kinds`` for this request, if any.

        Args:
            kinds: The fault kinds that apply to the request.
            endpoint: ``catalog``, ``process`` or ``token``. Faults scoped to another endpoint are passed over;
                unscoped faults never hit ``token``.

        Returns:
            The kind fired, or None.
        """
        with self._lock:
            for fault in self.faults:
                if fault.scope != endpoint and (fault.scope is not None or endpoint == "token"):
                    continue
                if fault.kind in kinds and (fault.remaining is None or fault.remaining > 0):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault.kind
        return None

    def count_api_call(self) -> bool:
        """Count an accepted API request.

        Returns:
            True when an ``expire`` fault says the tokens issued so far must now be revoked.
        """
        with self._lock:
            self._api_calls += 1
            return any(
                f.kind == "expire" and f.remaining is not None and self._api_calls % f.remaining == 0
                for f in self.faults
            )
