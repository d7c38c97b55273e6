"""The SQLite store: runs, scenes, detections and counts, in WAL mode so notebooks can read while cron writes.

Each scene's detections and counts are written in one transaction keyed by (scene, model): a crash leaves
either all of a scene or none of it, and a re-run of the same scene adds nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from monitor.detect.base import Detection
from monitor.errors import MonitorError
from monitor.store.schema import SCHEMA, SCHEMA_VERSION

__all__ = ("CountRow", "SceneRecord", "Store", "utc_now")


def utc_now() -> str:
    """The current UTC time as ISO 8601 with a ``Z``.

    Returns:
        The timestamp string.
    """
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso(t: dt.datetime) -> str:
    """An aware datetime as ``YYYY-MM-DDTHH:MM:SSZ``.

    Args:
        t: The time.

    Returns:
        The ISO string in UTC.
    """
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SceneRecord:
    """What the store keeps about one processed scene."""

    scene_id: str
    aoi: str
    sensor: str
    acquired: dt.datetime
    source: str
    path: str
    crs: str
    cloud_cover: float | None


@dataclass(frozen=True)
class CountRow:
    """One row of the count time series (``monitor counts``)."""

    aoi: str
    sensor: str
    acquired: str
    scene_id: str
    object_class: str
    count: int
    observed_fraction: float
    model: str

    def as_json(self) -> dict[str, object]:
        """The row as in ``monitor counts --format json``.

        Returns:
            A JSON-ready dict.
        """
        return {
            "aoi": self.aoi,
            "sensor": self.sensor,
            "acquired": self.acquired,
            "scene_id": self.scene_id,
            "class": self.object_class,
            "count": self.count,
            "observed_fraction": round(self.observed_fraction, 4),
            "model": self.model,
        }


def footprint_wkt(d: Detection, crs_units_per_m: float = 1.0) -> str:
    """The oriented rectangle of a detection as WKT in the scene CRS.

    Args:
        d: The detection.
        crs_units_per_m: CRS units per ground metre at the object (>1 for Web Mercator away from the equator).

    Returns:
        ``POLYGON ((...))``.
    """
    h = math.radians(d.heading_deg)
    ux, uy = math.sin(h), math.cos(h)
    vx, vy = uy, -ux
    hl, hw = d.length_m / 2 * crs_units_per_m, d.width_m / 2 * crs_units_per_m
    pts = [
        (d.x + sx * hl * ux + sy * hw * vx, d.y + sx * hl * uy + sy * hw * vy)
        for sx, sy in ((1, 1), (1, -1), (-1, -1), (-1, 1), (1, 1))
    ]
    return "POLYGON ((" + ", ".join(f"{x:.2f} {y:.2f}" for x, y in pts) + "))"


class Store:
    """A connection to the monitor's SQLite database (created and migrated on open)."""

    def __init__(self, path: Path | None) -> None:
        """Open or create the store.

        Args:
            path: The database file; its folder is created if needed. None opens a throw-away in-memory
                store (used by ``--dry-run`` when nothing is stored yet, so planning writes no file).

        Raises:
            MonitorError: The file is not a monitor store or has a newer schema.
        """
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path or ":memory:", timeout=30.0, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            with self.transaction():
                for stmt in SCHEMA.split(";"):
                    if stmt.strip():
                        self.conn.execute(stmt)
                row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                if row is None:
                    self.conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                elif int(row[0]) > SCHEMA_VERSION:
                    raise MonitorError(
                        f"{path}: schema_version {row[0]} is newer than this monitor ({SCHEMA_VERSION}); upgrade"
                    )
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise MonitorError(f"{path}: not a usable monitor store ({exc})") from None

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An explicit ``BEGIN IMMEDIATE`` transaction, committed on success and rolled back on error.

        Yields:
            The connection.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def start_run(self, command: str, source: str) -> int:
        """Record a new run.

        Args:
            command: The command name (``run``, ``backfill``).
            source: The source kind.

        Returns:
            The run id.
        """
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO runs (started, status, command, source) VALUES (?, 'running', ?, ?)",
                (utc_now(), command, source),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, n_scenes: int, error: str | None = None) -> None:
        """Close a run with its outcome.

        Args:
            run_id: The run.
            status: ``ok``, ``failed`` or ``interrupted``.
            n_scenes: Scenes processed.
            error: One-line error, if any.
        """
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished=?, status=?, n_scenes=?, error=? WHERE id=?",
                (utc_now(), status, n_scenes, error, run_id),
            )

    def processed_ids(self, model: str) -> set[str]:
        """Scene ids already counted with ``model``, or skipped as too cloudy over the site (by any model).

        Args:
            model: Detector version.

        Returns:
            The set of scene ids.
        """
        rows = self.conn.execute(
            "SELECT DISTINCT scene_id FROM counts WHERE model=? UNION SELECT scene_id FROM skipped_scenes", (model,)
        )
        return {r[0] for r in rows}

    def record_skipped(
        self, run_id: int, scene_id: str, aoi: str, sensor: str, acquired: dt.datetime, reason: str
    ) -> None:
        """Record a scene that was fetched but deliberately not counted, so later runs do not plan it again.

        Args:
            run_id: The current run.
            scene_id: The scene.
            aoi: AOI id.
            sensor: Sensor name.
            acquired: Acquisition time.
            reason: One line saying why.
        """
        with self.transaction() as c:
            c.execute(
                "INSERT INTO skipped_scenes VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(scene_id) DO NOTHING",
                (scene_id, aoi, sensor, iso(acquired), reason, run_id),
            )

    def last_acquired(self, aoi: str, sensor: str) -> dt.datetime | None:
        """Latest acquisition stored for an AOI and sensor.

        Args:
            aoi: AOI id.
            sensor: Sensor name.

        Returns:
            The time, or None when nothing is stored.
        """
        row = self.conn.execute("SELECT MAX(acquired) FROM scenes WHERE aoi=? AND sensor=?", (aoi, sensor)).fetchone()
        if row is None or row[0] is None:
            return None
        return dt.datetime.fromisoformat(row[0].replace("Z", "+00:00"))

    def record_scene(
        self,
        run_id: int,
        scene: SceneRecord,
        model: str,
        detections: Sequence[Detection],
        counts: dict[str, int],
        observed_fraction: float,
        crs_units_per_m: float = 1.0,
    ) -> bool:
        """Store one scene's detections and counts atomically.

        Args:
            run_id: The current run.
            scene: The scene.
            model: Detector version.
            detections: Final detections.
            counts: Class to count (every configured class, zeros included).
            observed_fraction: Valid, cloud-free share of the site.
            crs_units_per_m: Scale for footprints in the scene CRS.

        Returns:
            True when written, False when this (scene, model) was already stored.
        """
        acquired = iso(scene.acquired)
        with self.transaction() as c:
            c.execute(
                "INSERT INTO scenes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(scene_id) DO NOTHING",
                (
                    scene.scene_id,
                    scene.aoi,
                    scene.sensor,
                    acquired,
                    scene.source,
                    scene.path,
                    scene.crs,
                    scene.cloud_cover,
                    run_id,
                ),
            )
            done = c.execute(
                "SELECT 1 FROM counts WHERE scene_id=? AND model=? LIMIT 1", (scene.scene_id, model)
            ).fetchone()
            if done:
                return False
            c.executemany(
                "INSERT INTO detections (scene_id, model, idx, class, score, x, y, lon, lat, length_m, width_m,"
                " heading_deg, footprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        scene.scene_id,
                        model,
                        i,
                        d.object_class,
                        d.score,
                        d.x,
                        d.y,
                        d.lon,
                        d.lat,
                        d.length_m,
                        d.width_m,
                        d.heading_deg,
                        footprint_wkt(d, crs_units_per_m),
                    )
                    for i, d in enumerate(detections)
                ],
            )
            c.executemany(
                "INSERT INTO counts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        scene.aoi,
                        scene.sensor,
                        acquired,
                        scene.scene_id,
                        cls,
                        model,
                        n,
                        observed_fraction,
                        run_id,
                    )
                    for cls, n in sorted(counts.items())
                ],
            )
        return True

    def counts(self, aois: Sequence[str] = ()) -> list[CountRow]:
        """The count time series, sorted by aoi, acquired, sensor, class.

        Args:
            aois: Restrict to these AOI ids (all when empty).

        Returns:
            The rows.
        """
        sql = "SELECT aoi, sensor, acquired, scene_id, class, count, observed_fraction, model FROM counts"
        params: list[str] = []
        if aois:
            sql += f" WHERE aoi IN ({','.join('?' * len(aois))})"
            params = list(aois)
        sql += " ORDER BY aoi, acquired, sensor, class, model"
        return [CountRow(*r) for r in self.conn.execute(sql, params)]

    def detections(self, scene_id: str, model: str | None = None) -> list[sqlite3.Row]:
        """Stored detections of one scene.

        Args:
            scene_id: The scene.
            model: Restrict to one detector version.

        Returns:
            Rows with every detection column.
        """
        sql = "SELECT * FROM detections WHERE scene_id=?"
        params: tuple[str, ...] = (scene_id,)
        if model:
            sql += " AND model=?"
            params += (model,)
        return list(self.conn.execute(sql + " ORDER BY idx", params))
