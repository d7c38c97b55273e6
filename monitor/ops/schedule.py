"""Cron schedules of the sites: validation, the last due time, the cadence, and systemd ``OnCalendar`` forms."""

from __future__ import annotations

import datetime as dt

from croniter import croniter

__all__ = ("cadence", "is_valid", "last_due", "on_calendar")

_DOW = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def is_valid(expr: str) -> bool:
    """Whether a five-field crontab schedule is valid.

    Args:
        expr: e.g. ``0 6 * * *``.

    Returns:
        True when valid.
    """
    return len(expr.split()) == 5 and bool(croniter.is_valid(expr))


def last_due(expr: str, now: dt.datetime) -> dt.datetime:
    """The latest time at or before ``now`` the schedule fires (UTC).

    Args:
        expr: The schedule.
        now: An aware time.

    Returns:
        The time.
    """
    it = croniter(expr, now.astimezone(dt.UTC) + dt.timedelta(seconds=1))
    out: dt.datetime = it.get_prev(dt.datetime)
    return out


def cadence(expr: str, now: dt.datetime) -> dt.timedelta:
    """The gap between the last two times the schedule fired before ``now``.

    Args:
        expr: The schedule.
        now: An aware time.

    Returns:
        The interval (one day for ``0 6 * * *``).
    """
    it = croniter(expr, now.astimezone(dt.UTC))
    a: dt.datetime = it.get_prev(dt.datetime)
    b: dt.datetime = it.get_prev(dt.datetime)
    return a - b


def _field(value: str, names: tuple[str, ...] | None = None) -> str:
    parts = []
    for part in value.split(","):
        base, _, step = part.partition("/")
        if base == "*":
            text = "*"
        elif "-" in base:
            lo, hi = base.split("-")
            text = f"{names[int(lo)]}..{names[int(hi)]}" if names else f"{lo}..{hi}"
        else:
            text = names[int(base)] if names else base
        if step:
            if names or ".." in text:
                raise ValueError(f"cron step {part!r} has no OnCalendar equivalent")
            text = f"{'0' if text == '*' else text}/{step}"
        parts.append(text)
    return ",".join(parts)


def on_calendar(expr: str, tz: str = "UTC") -> str:
    """Translate a crontab schedule into a systemd ``OnCalendar=`` expression.

    Args:
        expr: A five-field schedule with numbers, lists, ranges and steps.
        tz: Time zone appended to the expression.

    Returns:
        e.g. ``*-*-* 06:00:00 UTC`` for ``0 6 * * *``.

    Raises:
        ValueError: The schedule uses something OnCalendar cannot express (write the timer by hand then).
    """
    minute, hour, dom, month, dow = expr.split()
    if dom != "*" and dow != "*":
        raise ValueError("cron fires when either day-of-month or day-of-week matches; OnCalendar needs both")
    if any(c.isalpha() for c in expr):
        raise ValueError("named months or days: use numbers for OnCalendar translation")
    pad = {"minute": minute, "hour": hour}
    for key, val in pad.items():
        pad[key] = val.zfill(2) if val.isdigit() else _field(val)
    days = "" if dow == "*" else _field(dow, _DOW) + " "
    return f"{days}*-{_field(month)}-{_field(dom)} {pad['hour']}:{pad['minute']}:00 {tz}"
