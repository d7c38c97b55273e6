"""One executor interface for running scene tasks: in the driver process, or on a dask.distributed cluster.

``local`` runs tasks one after another in the driver. ``dask`` starts a ``distributed.LocalCluster`` with one
single-threaded worker process per core. ``tcp://HOST:PORT`` connects to a running dask scheduler. Every executor
yields outcomes as tasks finish, so the driver stores each scene as soon as it is done; only the driver writes
the store (see :mod:`monitor.tasks` for how scene files travel).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from monitor.errors import ConfigError, UsageError

__all__ = ("Executor", "check_spec", "open_executor")

T = TypeVar("T")
R = TypeVar("R")

_TCP = re.compile(r"^tcp://(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")


class Executor(Protocol):
    """Runs a function over items, with the same extra arguments for every item."""

    name: str
    workers: int
    shares_data_dir: bool

    def map_unordered(self, fn: Callable[..., R], items: Iterable[T], shared: tuple[Any, ...]) -> Iterator[R]:
        """Yield ``fn(item, *shared)`` for every item, in the order the calls finish."""
        ...

    def close(self) -> None:
        """Release workers and connections."""
        ...


def check_spec(spec: str, where: str = "--executor") -> str:
    """Validate an executor spec.

    Args:
        spec: ``local``, ``dask`` or ``tcp://HOST:PORT``.
        where: Where the value came from, for the message (a flag gives a usage error, else a config error).

    Returns:
        The spec.

    Raises:
        UsageError: A bad ``--executor`` value.
        ConfigError: A bad value from the environment or the config file.
    """
    if spec in ("local", "dask"):
        return spec
    m = _TCP.match(spec)
    if m and 0 < int(m.group(2)) < 65536:
        return spec
    msg = f"{where}: unknown executor {spec!r} (use local, dask or tcp://HOST:PORT of a running dask scheduler)"
    raise UsageError(msg) if where.startswith("--") else ConfigError(msg)


def open_executor(spec: str) -> Executor:
    """Start the executor a spec names.

    Args:
        spec: ``local``, ``dask`` or ``tcp://HOST:PORT`` (already checked).

    Returns:
        The executor; call ``close()`` when done.

    Raises:
        TransientError: The dask scheduler cannot be reached (exit 75).
    """
    if spec == "local":
        from monitor.executors.local import LocalExecutor

        return LocalExecutor()
    from monitor.executors.cluster import DaskExecutor

    return DaskExecutor(None if spec == "dask" else spec)
