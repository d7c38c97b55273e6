"""When the synthetic satellites pass over an AOI, and where the sun is at that moment.

Sentinel-2 (A/B, later A/C) gives one look every 5 days in the late morning: the descending pass crosses
mid-latitudes at about 10:40 local solar time, so the UTC time follows from the AOI's longitude (about 01:50 at
Dunai, 02:17 at Sunan). Sentinel-1A gives one ascending look every 12 days in the early evening (about 18:03
local solar time); Sentinel-1C, in service from 2025-04-01, fills the gap 6 days later. Each AOI's orbit phase
is derived from its id, so two sites do not share their dates by accident.
"""

from __future__ import annotations

import datetime as dt
import math

from monitor.config.models import AOIConfig, SensorName
from monitor.sources.synthetic.noise import stable_int

__all__ = ("S1C_START", "S2C_SWAP", "acquisitions", "platform_for", "sun_position")

_EPOCH = dt.date(2024, 1, 1)
S1C_START = dt.date(2025, 4, 1)
S2C_SWAP = dt.date(2025, 1, 21)
_S2_LOCAL_SOLAR_H = 10.67
_S1_LOCAL_SOLAR_H = 18.05
_S2_REVISIT = 5
_S1_REPEAT = 12


def _pass_time(aoi: AOIConfig, day: dt.date, local_solar_h: float, sensor: SensorName) -> dt.datetime:
    utc_h = (local_solar_h - aoi.centre[0] / 15.0) % 24.0
    # A few tens of seconds of along-track jitter: real passes drift slightly from one cycle to the next.
    jitter_s = stable_int("pass", aoi.id, sensor, day.isoformat()) % 61 - 30
    seconds = round(utc_h * 3600.0) + jitter_s
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return start + dt.timedelta(seconds=seconds)


def platform_for(sensor: SensorName, day: dt.date, aoi_id: str) -> str:
    """Which satellite of the constellation takes the look on ``day``.

    Args:
        sensor: Sensor name.
        day: Acquisition date.
        aoi_id: AOI id (sets the orbit phase).

    Returns:
        A platform name such as ``"S2A"`` or ``"S1C"``.
    """
    if sensor == "sentinel-1-grd":
        offset = (day - _EPOCH).days - stable_int("s1", aoi_id) % _S1_REPEAT
        return "S1A" if offset % _S1_REPEAT == 0 else "S1C"
    n = ((day - _EPOCH).days - stable_int("s2", aoi_id) % _S2_REVISIT) // _S2_REVISIT
    second = "S2C" if day >= S2C_SWAP else "S2B"
    return "S2A" if n % 2 == 0 else second


def acquisitions(aoi: AOIConfig, sensor: SensorName, since: dt.date, until: dt.date) -> list[dt.datetime]:
    """Acquisition times over ``aoi`` from ``since`` to ``until`` inclusive, oldest first.

    Args:
        aoi: The AOI (its id sets the phase, its longitude the time of day).
        sensor: Which mission.
        since: First date.
        until: Last date.

    Returns:
        UTC datetimes.
    """
    out: list[dt.datetime] = []
    if until < since:
        return out
    if sensor == "sentinel-2-l2a":
        phase = stable_int("s2", aoi.id) % _S2_REVISIT
        solar_h = _S2_LOCAL_SOLAR_H
    else:
        phase = stable_int("s1", aoi.id) % _S1_REPEAT
        solar_h = _S1_LOCAL_SOLAR_H
    day = since
    while day <= until:
        k = (day - _EPOCH).days - phase
        if sensor == "sentinel-2-l2a":
            hit = k % _S2_REVISIT == 0
        else:
            hit = k % _S1_REPEAT == 0 or (day >= S1C_START and k % _S1_REPEAT == _S1_REPEAT // 2)
        if hit:
            out.append(_pass_time(aoi, day, solar_h, sensor))
        day += dt.timedelta(days=1)
    return out


def sun_position(lon: float, lat: float, when: dt.datetime) -> tuple[float, float]:
    """Approximate solar azimuth and elevation (a low-precision almanac, good to about a degree).

    Args:
        lon: Longitude in degrees east.
        lat: Latitude in degrees north.
        when: UTC time.

    Returns:
        (azimuth clockwise from north, elevation above the horizon), both in degrees.
    """
    utc = when.astimezone(dt.UTC)
    doy = utc.timetuple().tm_yday
    gamma = 2.0 * math.pi / 365.0 * (doy - 1 + (utc.hour - 12) / 24.0)
    decl = (
        0.006918
        - 0.399912 * math.cos(gamma)
        + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma)
        + 0.000907 * math.sin(2 * gamma)
    )
    eqtime = 229.18 * (
        0.000075
        + 0.001868 * math.cos(gamma)
        - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma)
        - 0.040849 * math.sin(2 * gamma)
    )
    minutes = utc.hour * 60 + utc.minute + utc.second / 60.0
    hour_angle = math.radians((minutes + eqtime + 4.0 * lon) / 4.0 - 180.0)
    phi = math.radians(lat)
    cos_zen = math.sin(phi) * math.sin(decl) + math.cos(phi) * math.cos(decl) * math.cos(hour_angle)
    zen = math.acos(max(-1.0, min(1.0, cos_zen)))
    az = math.degrees(
        math.atan2(math.sin(hour_angle), math.cos(hour_angle) * math.sin(phi) - math.tan(decl) * math.cos(phi))
    )
    return (az + 180.0) % 360.0, 90.0 - math.degrees(zen)
