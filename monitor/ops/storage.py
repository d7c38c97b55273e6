"""The data folder under cron: writability checks, disk-full and read-only errors, and leftover temporary files.

Every writer in the package writes to a hidden temporary file (``.<name>.<random>...tmp...``) beside its target
and renames it into place, so a crash (even ``kill -9``) can leave such a file behind but never a half-written
target. The next run, holding the run lock, removes them before it starts.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from monitor.errors import ConfigError, MonitorError, TransientError

__all__ = ("DataDirReadOnlyError", "DiskFullError", "check_writable", "storage_error", "sweep_temp_files")

log = logging.getLogger("monitor.ops")

_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_READONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
_FULL_WORDS = ("no space left", "disk is full", "database or disk is full", "free disk space", "file too large")
_READONLY_WORDS = ("read-only file system", "readonly database", "permission denied")


class DiskFullError(TransientError):
    """The disk holding the data folder is full (exit 75: free space and the next cron run carries on)."""


class DataDirReadOnlyError(ConfigError):
    """The data folder cannot be written (exit 78: point ``data_dir`` / ``MONITOR_DATA_DIR`` somewhere writable)."""


def _free(data_dir: Path) -> int | None:
    probe = data_dir
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free
    except OSError:
        return None


def _full(data_dir: Path, why: str) -> DiskFullError:
    free = _free(data_dir)
    left = f"{free // 1024} KiB left" if free is not None else "free space unknown"
    return DiskFullError(
        f"{data_dir}: the disk holding the data folder is full ({why}; {left}); nothing half-written was kept:"
        " free space and run again"
    )


def _readonly(data_dir: Path, why: str) -> DataDirReadOnlyError:
    return DataDirReadOnlyError(
        f"{data_dir}: the data folder is not writable ({why}); point data_dir or MONITOR_DATA_DIR at a writable"
        " folder or fix its permissions"
    )


def storage_error(exc: BaseException, data_dir: Path) -> MonitorError | None:
    """Recognise a write failure caused by a full disk or a read-only data folder.

    Args:
        exc: The exception a write raised (OSError, sqlite3 or GDAL errors, in any wrapping).
        data_dir: The data folder.

    Returns:
        A :class:`DiskFullError` or :class:`DataDirReadOnlyError` with a one-line message, or None when the
        failure is something else.
    """
    if isinstance(exc, DiskFullError | DataDirReadOnlyError):
        return exc
    err = getattr(exc, "errno", None)
    text = str(exc).lower()
    if err in _FULL or any(w in text for w in _FULL_WORDS):
        return _full(data_dir, os.strerror(err) if err in _FULL else str(exc).splitlines()[0][:120])
    if err in _READONLY or any(w in text for w in _READONLY_WORDS):
        return _readonly(data_dir, os.strerror(err) if err in _READONLY else str(exc).splitlines()[0][:120])
    if isinstance(exc, OSError | sqlite3.Error) or type(exc).__module__.startswith("rasterio"):
        free = _free(data_dir)
        if free is not None and free < 64 * 1024:
            return _full(data_dir, str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__)
    return None


def check_writable(data_dir: Path) -> None:
    """Make sure the data folder exists and a file can be created in it.

    Args:
        data_dir: The data folder.

    Raises:
        DataDirReadOnlyError: It cannot be created or written (exit 78).
        DiskFullError: There is no room for even an empty file (exit 75).
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".write-check.", suffix=".tmp", dir=data_dir)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise storage_error(exc, data_dir) or _readonly(data_dir, exc.strerror or str(exc)) from None


def is_temp_name(name: str) -> bool:
    """Whether a file name is one of our hidden temporary files.

    Args:
        name: A file name.

    Returns:
        True for ``.<name>.<random>.tmp``-style names.
    """
    return name.startswith(".") and ".tmp" in name


def sweep_temp_files(data_dir: Path) -> int:
    """Delete temporary files a killed writer left behind (call only while holding the run lock).

    Args:
        data_dir: The data folder.

    Returns:
        How many were removed.
    """
    removed = 0
    for folder, _dirs, files in os.walk(data_dir):
        for name in files:
            if is_temp_name(name):
                (Path(folder) / name).unlink(missing_ok=True)
                removed += 1
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted run", removed)
    return removed
