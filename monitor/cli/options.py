"""Shared click options and parameter types.

``--config``: the app config (else ``MONITOR_CONFIG``, else ``configs/monitor.yaml``).
``--aoi``: an AOI id, repeatable.  ``--since``/``--until``: ``YYYY-MM-DD`` dates, UTC, inclusive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ("DATE", "DateType", "aoi_option", "config_option", "executor_option", "since_until_options")

F = TypeVar("F", bound=Callable[..., Any])


class DateType(click.ParamType):  # type: ignore[type-arg]
    """A calendar date written ``YYYY-MM-DD`` (impossible dates such as 2025-02-30 are usage errors)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        """Parse the value.

        Args:
            value: Raw value.
            param: The parameter.
            ctx: The context.

        Returns:
            The date.
        """
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)) if len(str(value)) == 10 else _fail()
        except ValueError:
            self.fail(f"{value!r} is not a valid date (expected YYYY-MM-DD)", param, ctx)


def _fail() -> dt.date:
    raise ValueError("bad date")


DATE = DateType()


def config_option(f: F) -> F:
    """Add ``--config``."""
    return click.option(
        "--config",
        "config",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Config file (default: $MONITOR_CONFIG, else configs/monitor.yaml).",
    )(f)


def aoi_option(f: F) -> F:
    """Add a repeatable ``--aoi``."""
    return click.option("--aoi", "aois", multiple=True, metavar="ID", help="AOI id (repeatable; default all).")(f)


def since_until_options(f: F) -> F:
    """Add ``--since`` and ``--until``."""
    f = click.option("--until", type=DATE, default=None, help="Last date, inclusive (UTC).")(f)
    return click.option("--since", type=DATE, default=None, help="First date, inclusive (UTC).")(f)


def executor_option(f: F) -> F:
    """Add ``--executor`` (local, dask or tcp://HOST:PORT; default $MONITOR_EXECUTOR, else config, else local)."""
    return click.option(
        "--executor",
        default=None,
        metavar="local|dask|tcp://HOST:PORT",
        help="Where pulls and detection run (default: $MONITOR_EXECUTOR, else config `executor`, else local).",
    )(f)
