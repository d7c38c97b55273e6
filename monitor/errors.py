"""One exception root for the whole package, each error carrying the process exit code it maps to.

The codes follow the BSD ``sysexits`` convention that cron jobs understand (see the README's exit-code table).
"""

from __future__ import annotations

__all__ = (
    "EXIT_CONFIG",
    "EXIT_DATA",
    "EXIT_SOFTWARE",
    "EXIT_TEMPFAIL",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
    "ConfigError",
    "InputDataError",
    "MonitorError",
    "TransientError",
    "UnavailableError",
    "UsageError",
)

EXIT_SOFTWARE = 1
EXIT_USAGE = 2
EXIT_DATA = 65
EXIT_UNAVAILABLE = 69
EXIT_TEMPFAIL = 75
EXIT_CONFIG = 78


class MonitorError(Exception):
    """Root of every error the monitor raises on purpose.

    The message is one line meant for a person: it names the file, the field and the value at fault, and
    where it can, what to do about it.
    """

    exit_code: int = EXIT_SOFTWARE


class UsageError(MonitorError, ValueError):
    """A command-line argument is unusable (impossible date range, missing file argument)."""

    exit_code = EXIT_USAGE


class InputDataError(MonitorError, ValueError):
    """Input data (an image, a claims file) cannot be read or makes no sense."""

    exit_code = EXIT_DATA


class UnavailableError(MonitorError):
    """Something required is missing: credentials, model weights."""

    exit_code = EXIT_UNAVAILABLE


class TransientError(MonitorError, OSError):
    """A temporary condition (lock held, upstream down): cron should simply try again next time."""

    exit_code = EXIT_TEMPFAIL


class ConfigError(MonitorError, ValueError):
    """The configuration is invalid; nothing was written."""

    exit_code = EXIT_CONFIG
