import datetime as dt

import pytest

from monitor.ops.schedule import cadence, is_valid, last_due, on_calendar


def test_schedules_are_validated_and_measured():
    assert is_valid("0 6 * * *") and not is_valid("61 6 * * *") and not is_valid("0 6 * *")
    now = dt.datetime(2025, 1, 2, 7, 0, tzinfo=dt.UTC)
    assert last_due("0 6 * * *", now) == dt.datetime(2025, 1, 2, 6, 0, tzinfo=dt.UTC)
    assert cadence("0 6 * * *", now) == dt.timedelta(days=1)
    assert cadence("*/15 * * * *", now) == dt.timedelta(minutes=15)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("0 6 * * *", "*-*-* 06:00:00 UTC"),
        ("*/15 * * * *", "*-*-* *:0/15:00 UTC"),
        ("30 2 * * 1-5", "Mon..Fri *-*-* 02:30:00 UTC"),
        ("0 0 1,15 * *", "*-*-1,15 00:00:00 UTC"),
    ],
)
def test_cron_to_on_calendar(expr, expected):
    assert on_calendar(expr) == expected


def test_untranslatable_schedules_are_refused():
    with pytest.raises(ValueError, match="either day-of-month or day-of-week"):
        on_calendar("0 6 1 * 1")
