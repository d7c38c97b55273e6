"""PU accounting when requests are sent away from the store: reserved by the driver, settled from the outcome.

On a dask worker the store is out of reach (and must stay single-writer), so the driver reserves a scene's
requests in the ledger before it hands the task out (the budget check happens there, as before), the worker's
source charges against those reservations through a :class:`PrepaidLedger`, and the settlements travel back
with the task's outcome for the driver to record. The local executor goes through the same steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from monitor.store.requests import RequestLedger

__all__ = ("PrepaidLedger", "Settlement", "active_ledger", "apply_settlements", "prepaid")


@dataclass(frozen=True)
class Settlement:
    """The outcome of one request: ``row`` is the driver's reservation, or negative when none was made."""

    row: int
    spent: float | None
    error: str | None
    unreserved: tuple[str, str, str, int, int, float] | None = None


class PrepaidLedger:
    """Stands in for :class:`RequestLedger` inside a task: hands out the driver's reservations, keeps outcomes.

    Args:
        rows: Reservation row id by ``"<scene_id>|<part>"``.
    """

    def __init__(self, rows: dict[str, int]) -> None:
        self.rows = rows
        self.settlements: list[Settlement] = []
        self._extra: dict[int, tuple[str, str, str, int, int, float]] = {}

    def reserve(self, service: str, scene_id: str, part: str, width: int, height: int, estimate: float) -> int:
        """The driver's reservation for this request (a request nobody reserved is kept for the driver to add).

        Args:
            service: API path, e.g. ``process``.
            scene_id: The scene.
            part: Which tile.
            width: Output width in pixels.
            height: Output height in pixels.
            estimate: Estimated PU.

        Returns:
            The row id to settle.
        """
        row = self.rows.get(f"{scene_id}|{part}")
        if row is None:  # a re-pull of an archived scene that proved unreadable: not reserved in advance
            row = -(len(self._extra) + 1)
            self._extra[row] = (service, scene_id, part, width, height, estimate)
        return row

    def settle(self, row_id: int, spent: float | None, error: str | None = None) -> None:
        """Keep a request's outcome for the driver.

        Args:
            row_id: From :meth:`reserve`.
            spent: PU the service reported.
            error: One-line error when the request failed.
        """
        self.settlements.append(Settlement(row_id, spent, error, self._extra.get(row_id)))


_ACTIVE: ContextVar[PrepaidLedger | None] = ContextVar("monitor_prepaid_ledger", default=None)


@contextmanager
def prepaid(rows: dict[str, int]) -> Iterator[PrepaidLedger]:
    """Make requests in this context charge against the driver's reservations.

    Args:
        rows: Reservation row id by ``"<scene_id>|<part>"``.

    Yields:
        The stand-in ledger; read its ``settlements`` afterwards.
    """
    ledger = PrepaidLedger(rows)
    token = _ACTIVE.set(ledger)
    try:
        yield ledger
    finally:
        _ACTIVE.reset(token)


def active_ledger(default: RequestLedger) -> RequestLedger | PrepaidLedger:
    """The ledger a source should charge: the task's prepaid one inside a task, else its own.

    Args:
        default: The source's own ledger.

    Returns:
        The ledger to use.
    """
    return _ACTIVE.get() or default


def apply_settlements(ledger: RequestLedger, settlements: list[Settlement]) -> None:
    """Record the outcomes a task sent back (driver side).

    Args:
        ledger: The real ledger.
        settlements: From the task's :class:`PrepaidLedger`.
    """
    for s in settlements:
        row = s.row
        if row < 0 and s.unreserved is not None:
            row = ledger.record(*s.unreserved)
        ledger.settle(row, s.spent, s.error)
