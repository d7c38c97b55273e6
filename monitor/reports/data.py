"""What the report notebooks read: everything about an alert or a site, from the store, by id.

The notebooks hold no logic of their own; they call these loaders and the figure functions, so the code that
makes an analyst's report is typed, linted and tested like the rest of the package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from monitor.alerts.records import AlertRecord, get_alert, list_alerts
from monitor.errors import UsageError
from monitor.store.db import Store

__all__ = ("AlertReport", "SiteReport", "load_alert_report", "load_site_report", "open_store", "scene_path")


def open_store(data_dir: Path) -> Store:
    """Open the store of a data folder, refusing to create one.

    Args:
        data_dir: The data folder.

    Returns:
        The open store.

    Raises:
        UsageError: There is no store in this folder.
    """
    db = Path(data_dir) / "monitor.sqlite"
    if not db.exists():
        raise UsageError(f"{db}: no monitor store here (run `monitor run` first)")
    return Store(db)


def _rows(store: Store, sql: str, params: tuple[object, ...]) -> list[dict[str, object]]:
    return [dict(r) for r in store.conn.execute(sql, params)]


@dataclass(frozen=True)
class AlertReport:
    """One alert with its series, evidence, detections, claims and scene provenance."""

    data_dir: Path
    alert: AlertRecord
    activity: list[dict[str, object]]
    evidence: list[dict[str, object]]
    detections: dict[str, list[dict[str, object]]]
    scenes: dict[str, dict[str, object]]
    verdicts: list[dict[str, object]]
    alerts: list[AlertRecord]
    runs: list[dict[str, object]]


def _verdicts(store: Store, model: str, aoi: str | None) -> list[dict[str, object]]:
    rows = _rows(store, "SELECT * FROM claim_verdicts WHERE model=? ORDER BY claim_date, claim_id, part", (model,))
    for r in rows:
        r["reasons"] = json.loads(str(r["reasons"]))
    if aoi is None:
        return rows
    concerned = {r["claim_id"] for r in rows if r["aoi"] == aoi or r["site"] == aoi}
    return [r for r in rows if r["claim_id"] in concerned]


def load_alert_report(data_dir: Path, alert_id: str) -> AlertReport:
    """Load everything the alert review shows.

    Args:
        data_dir: The data folder holding ``monitor.sqlite`` and the scene archive.
        alert_id: The alert.

    Returns:
        The report data.

    Raises:
        UsageError: No store, or no such alert.
    """
    with open_store(data_dir) as store:
        alert = get_alert(store, alert_id)
        activity = _rows(
            store,
            "SELECT * FROM activity WHERE aoi=? AND class=? AND model=? ORDER BY acquired, sensor",
            (alert.aoi, alert.object_class, alert.model),
        )
        evidence = _rows(store, "SELECT * FROM alert_evidence WHERE alert_id=? ORDER BY acquired, sensor", (alert.id,))
        ids = [str(e["scene_id"]) for e in evidence]
        scenes = {
            str(r["scene_id"]): r
            for r in _rows(store, f"SELECT * FROM scenes WHERE scene_id IN ({','.join('?' * len(ids))})", tuple(ids))
        }
        detections = {sid: [dict(d) for d in store.detections(sid, alert.model)] for sid in ids}
        verdicts = _verdicts(store, alert.model, alert.aoi)
        alerts = [a for a in list_alerts(store, [alert.aoi]) if a.object_class == alert.object_class]
        run_ids = tuple(sorted({int(str(s["run_id"])) for s in scenes.values() if s["run_id"] is not None}))
        runs = _rows(store, f"SELECT * FROM runs WHERE id IN ({','.join('?' * len(run_ids))})", run_ids)
    return AlertReport(Path(data_dir), alert, activity, evidence, detections, scenes, verdicts, alerts, runs)


@dataclass(frozen=True)
class SiteReport:
    """A site's whole analysed history for one model."""

    data_dir: Path
    aoi: str
    model: str
    activity: list[dict[str, object]]
    alerts: list[AlertRecord]
    verdicts: list[dict[str, object]]
    n_scenes: int


def load_site_report(data_dir: Path, aoi: str, model: str = "") -> SiteReport:
    """Load a site's analysed series, alerts and claim verdicts.

    Args:
        data_dir: The data folder.
        aoi: AOI id.
        model: Detector version (empty: the one with the most analysed looks at this site).

    Returns:
        The report data.

    Raises:
        UsageError: No store, or nothing analysed for this site.
    """
    with open_store(data_dir) as store:
        if not model:
            row = store.conn.execute(
                "SELECT model FROM activity WHERE aoi=? GROUP BY model ORDER BY COUNT(*) DESC, model LIMIT 1", (aoi,)
            ).fetchone()
            if row is None:
                raise UsageError(f"aoi: nothing analysed for {aoi!r} yet (run `monitor run`)")
            model = str(row[0])
        activity = _rows(
            store, "SELECT * FROM activity WHERE aoi=? AND model=? ORDER BY acquired, sensor", (aoi, model)
        )
        alerts = list_alerts(store, [aoi])
        verdicts = _verdicts(store, model, aoi)
        n = store.conn.execute("SELECT COUNT(*) FROM scenes WHERE aoi=?", (aoi,)).fetchone()[0]
    return SiteReport(Path(data_dir), aoi, model, activity, alerts, verdicts, int(n))


def scene_path(report: AlertReport, scene_id: str) -> Path:
    """The archived GeoTIFF of a scene.

    Args:
        report: The alert report.
        scene_id: The scene.

    Returns:
        Its path (stored paths are relative to the data folder).
    """
    p = Path(str(report.scenes[scene_id]["path"]))
    return p if p.is_absolute() else report.data_dir / p
