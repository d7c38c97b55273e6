"""Make sure a raster just written really is complete before it is moved into place.

GDAL reports some write failures (a full disk while libtiff flushes a strip, for example) only as text: through
rasterio's log, or printed by libtiff straight onto file descriptor 2, and the dataset may still close without
an exception. Writers therefore collect both while writing (the descriptor is redirected into a pipe for the
duration, so cron sees one clear error line instead of libtiff's) and read the file back before renaming it; a
failure becomes an ``OSError`` whose errno tells a full disk (``ENOSPC``) from other I/O errors.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import rasterio
from rasterio.errors import RasterioError

__all__ = ("check_written", "gdal_errors")

log = logging.getLogger("monitor.imagery")

_FULL = ("no space left", "free disk space", "disk full", "file too large")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _fd2_into(messages: list[str]) -> Iterator[None]:
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable descriptor 2 (embedded use): nothing to capture
        yield
        return
    read_end, write_end = os.pipe()
    chunks: list[bytes] = []

    def drain() -> None:
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    os.dup2(write_end, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(write_end)
        os.close(saved)
        reader.join(timeout=5)
        os.close(read_end)
        for line in b"".join(chunks).decode(errors="replace").splitlines():
            if line.strip():
                messages.append(line.strip())
                log.debug("GDAL: %s", line.strip())


@contextmanager
def gdal_errors() -> Iterator[list[str]]:
    """Collect the errors GDAL reports during a block, logged through rasterio or printed on stderr.

    Yields:
        The list the messages are appended to.
    """
    handler = _Collect()
    logger = logging.getLogger("rasterio")
    logger.addHandler(handler)
    try:
        with _fd2_into(handler.messages):
            yield handler.messages
    finally:
        logger.removeHandler(handler)


def check_written(path: Path, errors: list[str]) -> None:
    """Read a freshly written raster back completely.

    Args:
        path: The (temporary) file.
        errors: GDAL errors logged while it was written.

    Raises:
        OSError: ``ENOSPC`` when GDAL reported a full disk, else ``EIO``, when the write failed or the file does
            not read back.
    """
    problem = next((m for m in errors if any(w in m.lower() for w in _FULL)), None)
    if problem is None:
        try:
            with rasterio.open(path) as ds:
                for i in ds.indexes:
                    ds.read(i)
            return
        except RasterioError as exc:
            problem = "; ".join(errors) or str(exc)
    code = errno.ENOSPC if any(w in problem.lower() for w in _FULL) else errno.EIO
    raise OSError(code, f"{path.name} was not written completely: {problem.splitlines()[0][:160]}")
