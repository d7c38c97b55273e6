"""The ``local`` executor: every task runs in the driver process, one after another."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ("LocalExecutor",)

T = TypeVar("T")
R = TypeVar("R")


class LocalExecutor:
    """Runs tasks in order in this process; tasks read and write the data folder directly."""

    name = "local"
    workers = 1
    shares_data_dir = True

    def map_unordered(self, fn: Callable[..., R], items: Iterable[T], shared: tuple[Any, ...]) -> Iterator[R]:
        """Yield ``fn(item, *shared)`` for every item, in order.

        Args:
            fn: The task function.
            items: Its first arguments.
            shared: Further arguments, the same for every call.

        Yields:
            Each call's return value.
        """
        for item in items:
            yield fn(item, *shared)

    def close(self) -> None:
        """Nothing to release."""
