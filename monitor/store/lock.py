"""The data folder's run lock: one writer at a time, and a second one told at once (cron retries next tick)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from monitor.errors import TransientError

__all__ = ("LOCK_NAME", "data_lock")

LOCK_NAME = "monitor.lock"


@contextmanager
def data_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's lock without waiting.

    Args:
        data_dir: The data folder (must exist).

    Yields:
        Nothing; the lock is held inside the ``with`` block.

    Raises:
        TransientError: Another monitor process holds it (exit 75).
    """
    path = data_dir / LOCK_NAME
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise TransientError(f"{path}: another monitor run holds the lock") from None
    try:
        yield
    finally:
        lock.release()
