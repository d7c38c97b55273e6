"""The dask.distributed executors: a ``LocalCluster`` on this machine, or a running scheduler at ``tcp://``.

The shared arguments (the source and the detector with its weights) are scattered to every worker once, so a
task carries only its scene. At most two tasks per worker are in flight: results come back as they finish and
the driver stores each at once, and a crash loses at most the scenes in flight. Workers get no access to the
data folder (``shares_data_dir`` is false): scene files travel to and from them through the cluster.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from monitor.errors import TransientError

__all__ = ("DaskExecutor",)

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger("monitor.executors")

CONNECT_TIMEOUT_S = 20


def _distributed() -> Any:
    # Imported on first use (it takes a second) and typed loosely: parts of distributed's API are untyped.
    return importlib.import_module("distributed")


class DaskExecutor:
    """Tasks on a dask.distributed cluster.

    Args:
        address: ``tcp://HOST:PORT`` of a running scheduler, or None to start a ``LocalCluster`` with one
            single-threaded worker process per core.

    Raises:
        TransientError: The scheduler cannot be reached (exit 75: cron tries again next time).
    """

    shares_data_dir = False

    def __init__(self, address: str | None) -> None:
        dd = _distributed()
        self._cluster: Any = None
        if address is None:
            self.name = "dask"
            n = os.cpu_count() or 1
            self._cluster = dd.LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            self._client: Any = dd.Client(self._cluster)
        else:
            self.name = address
            try:
                self._client = dd.Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
            except (OSError, TimeoutError) as exc:
                raise TransientError(
                    f"--executor {address}: no dask scheduler answered within {CONNECT_TIMEOUT_S} s ({exc})"
                ) from None
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        log.info("dask executor %s with %d worker(s)", self.name, self.workers)

    def map_unordered(self, fn: Callable[..., R], items: Iterable[T], shared: tuple[Any, ...]) -> Iterator[R]:
        """Yield ``fn(item, *shared)`` for every item as the workers finish them.

        Args:
            fn: The task function (importable on the workers).
            items: Its first arguments.
            shared: Further arguments, scattered once to every worker.

        Yields:
            Each call's return value, in completion order.
        """
        scattered = [self._client.scatter(obj, broadcast=True, hash=False) for obj in shared]
        todo = iter(items)
        failed: list[BaseException] = []

        def take() -> Any:
            # Making the next item can fail (the PU budget is spent): then hand out nothing more, but let the
            # tasks already running finish and be yielded, so their work is stored, before raising.
            if failed:
                return None
            try:
                return next(todo, None)
            except Exception as exc:
                failed.append(exc)
                return None

        window = 2 * self.workers
        running: list[Any] = []
        ac = _distributed().as_completed()
        try:
            while len(running) < window and (item := take()) is not None:
                fut = self._client.submit(fn, item, *scattered, pure=False)
                running.append(fut)
                ac.add(fut)
            for fut in ac:
                running.remove(fut)
                result = fut.result()
                nxt = take()
                if nxt is not None:
                    new = self._client.submit(fn, nxt, *scattered, pure=False)
                    running.append(new)
                    ac.add(new)
                yield result
            if failed:
                raise failed[0]
        finally:
            for fut in running:
                fut.cancel()
            for fut in scattered:
                fut.release()

    def close(self) -> None:
        """Disconnect, and stop the LocalCluster when this executor started one."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
