"""Logging for people and for cron: one line per record on stderr, as text or as JSON objects.

``--log-format json`` (or ``MONITOR_LOG_FORMAT=json``) writes each record, and the final error line, as one JSON
object with ``time`` (UTC), ``level``, ``logger`` and ``message``, so a log shipper can read cron's output.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

import click

__all__ = ("JsonFormatter", "configure_logging", "echo_error")

_FORMAT = {"value": "text"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record.

        Args:
            record: The log record.

        Returns:
            A one-line JSON object.
        """
        out: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure_logging(verbose: int, quiet: int, fmt: str = "text") -> None:
    """Send the package's log records (and dask's) to stderr at the level ``-v``/``-q`` select.

    Args:
        verbose: Count of ``-v``.
        quiet: Count of ``-q``.
        fmt: ``text`` or ``json``.
    """
    _FORMAT["value"] = fmt
    level = max(logging.DEBUG, logging.WARNING - 10 * verbose + 10 * quiet)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter("monitor: %(levelname)s: %(message)s"))
    root = logging.getLogger("monitor")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    # GDAL's errors reach us through rasterio's logger and are raised or handled where they matter; on stderr
    # they are only noise unless detail was asked for.
    gdal = logging.getLogger("rasterio")
    gdal_handler = logging.StreamHandler(sys.stderr)
    gdal_handler.setFormatter(handler.formatter)
    gdal_handler.setLevel(level if verbose else logging.CRITICAL + 1)
    gdal.handlers[:] = [gdal_handler]
    gdal.propagate = False
    for name in ("distributed", "tornado"):
        # dask logs worker chatter at INFO and WARNING; only show it when asked for detail.
        logging.getLogger(name).setLevel(level if verbose else max(level, logging.ERROR))


def echo_error(message: str, exit_code: int) -> None:
    """Print the one line a failing command ends with, in the configured format.

    Args:
        message: The message (``error: ...``, ``interrupted``, ...).
        exit_code: The exit code the process is about to end with.
    """
    # One line, whatever the message quotes (a config key with a newline in it, say).
    message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    if _FORMAT["value"] == "json":
        line = JsonFormatter().format(logging.makeLogRecord({"name": "monitor", "levelname": "ERROR", "msg": message}))
        click.echo(line[:-1] + f', "exit_code": {exit_code}}}', err=True)
    else:
        click.echo(f"monitor: {message}", err=True)
