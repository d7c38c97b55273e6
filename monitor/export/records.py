"""What the exports read from the store: a site's scenes and the detections of the model that last counted each.

Each scene comes with the period during which it is the newest view of its site from its sensor, and each
detection with its alert id when issue 5's alerts exist.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ("LAST_SECOND", "DetectionRow", "SceneRow", "alert_lookup", "site_detections", "site_scenes")

# Periods end one second before the next midnight, inclusive. QGIS 3.22 compiles a temporal filter on a
# GeoPackage into a text comparison in which a stored "2024-10-17T00:00:00.000Z" counts as later than the
# frame start "2024-10-17T00:00:00", so an exclusive end at midnight would leak into the next day's frame.
LAST_SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class SceneRow:
    """A stored scene and the whole days it is its sensor's newest view (``valid_to`` is the last second)."""

    scene_id: str
    aoi: str
    sensor: str
    acquired: dt.datetime
    valid_from: dt.datetime
    valid_to: dt.datetime
    path: Path
    crs: str
    model: str | None


@dataclass(frozen=True)
class DetectionRow:
    """A stored detection with what the map needs about its scene."""

    id: int
    scene: SceneRow
    object_class: str
    score: float
    x: float
    y: float
    lon: float
    lat: float
    length_m: float
    width_m: float
    heading_deg: float
    footprint: str
    alert_id: str | None


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def _midnight(t: dt.datetime) -> dt.datetime:
    return t.replace(hour=0, minute=0, second=0, microsecond=0)


def site_scenes(conn: sqlite3.Connection, aoi: str, data_dir: Path) -> list[SceneRow]:
    """Every stored scene of a site, oldest first.

    A scene is "valid" in whole UTC days, from its acquisition day until the day before the next stored scene of
    the same sensor (cloudy scenes are never stored, so the last clear view carries on); the newest one for
    the median gap between that sensor's scenes (one day when there is only one). Whole days mean that a
    one-day frame of QGIS's temporal controller shows exactly one scene per sensor and only its detections.

    Args:
        conn: The store connection.
        aoi: The site.
        data_dir: The data folder (scene paths in the store are relative to it).

    Returns:
        The scenes.
    """
    models: dict[str, str] = {}
    for row in conn.execute(
        "SELECT scene_id, model FROM counts WHERE aoi=? GROUP BY scene_id, model"
        " ORDER BY scene_id, MAX(COALESCE(run_id, 0)), model",
        (aoi,),
    ):
        models[row[0]] = row[1]
    by_sensor: dict[str, list[tuple[str, dt.datetime, str, str]]] = defaultdict(list)
    for sid, sensor, acquired, path, crs in conn.execute(
        "SELECT scene_id, sensor, acquired, path, crs FROM scenes WHERE aoi=? ORDER BY acquired, scene_id", (aoi,)
    ):
        by_sensor[sensor].append((sid, _time(acquired), path, crs))
    out: list[SceneRow] = []
    for sensor, rows in by_sensor.items():
        days = [_midnight(r[1]) for r in rows]
        gaps = sorted(b - a for a, b in itertools.pairwise(days))
        last_gap = max(gaps[len(gaps) // 2] if gaps else dt.timedelta(days=1), dt.timedelta(days=1))
        for i, (sid, acquired, path, crs) in enumerate(rows):
            start = days[i]
            end = days[i + 1] if i + 1 < len(rows) else start + last_gap
            if end <= start:  # two scenes of one sensor on one day: both show that day
                end = start + dt.timedelta(days=1)
            end -= LAST_SECOND
            p = Path(path)
            p = p if p.is_absolute() else data_dir / p
            out.append(SceneRow(sid, aoi, sensor, acquired, start, end, p, crs, models.get(sid)))
    out.sort(key=lambda s: (s.acquired, s.sensor, s.scene_id))
    return out


def alert_lookup(conn: sqlite3.Connection, aoi: str) -> Callable[[str, dt.datetime], str | None]:
    """A function giving the alert (if any) a detection belongs to.

    Alerts come from the store's ``alerts`` table (a store written before alerts existed has none, and every
    detection gets None). The match is by site, class and acquisition date within the alert's first and last
    day.

    Args:
        conn: The store connection.
        aoi: The site.

    Returns:
        ``lookup(class, acquired) -> alert id or None``.
    """
    cols = {r[1] for r in conn.execute("PRAGMA table_info(alerts)")}
    if not {"id", "aoi", "class", "start_date", "end_date"} <= cols:
        return lambda _cls, _when: None
    sql = "SELECT id, start_date, end_date, class FROM alerts WHERE aoi=? ORDER BY start_date, id"
    alerts: list[tuple[str, str, str, str | None]] = []
    for aid, start, end, cls in conn.execute(sql, (aoi,)):
        if start and end:
            alerts.append((str(aid), str(start)[:10], str(end)[:10], cls))

    def lookup(object_class: str, acquired: dt.datetime) -> str | None:
        day = acquired.date().isoformat()
        for aid, start, end, cls in alerts:
            if start <= day <= end and (cls is None or cls == object_class):
                return aid
        return None

    return lookup


def site_detections(conn: sqlite3.Connection, scenes: list[SceneRow]) -> list[DetectionRow]:
    """The detections of each scene by the model that last counted it.

    Args:
        conn: The store connection.
        scenes: The site's scenes (from :func:`site_scenes`).

    Returns:
        Detections ordered by acquisition time and index within the scene.
    """
    if not scenes:
        return []
    lookup = alert_lookup(conn, scenes[0].aoi)
    out: list[DetectionRow] = []
    for scene in scenes:
        if scene.model is None:
            continue
        for r in conn.execute(
            "SELECT id, class, score, x, y, lon, lat, length_m, width_m, heading_deg, footprint FROM detections"
            " WHERE scene_id=? AND model=? ORDER BY idx",
            (scene.scene_id, scene.model),
        ):
            out.append(
                DetectionRow(
                    id=int(r[0]),
                    scene=scene,
                    object_class=str(r[1]),
                    score=float(r[2]),
                    x=float(r[3]),
                    y=float(r[4]),
                    lon=float(r[5]),
                    lat=float(r[6]),
                    length_m=float(r[7]),
                    width_m=float(r[8]),
                    heading_deg=float(r[9]),
                    footprint=str(r[10]),
                    alert_id=lookup(str(r[1]), scene.acquired),
                )
            )
    return out
