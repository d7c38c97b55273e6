"""The thin pipeline: plan the scenes to fetch, fetch, detect, count and store them.

``process_scene`` touches no database, so the same function can run on a worker process or cluster while
only the driver writes the store.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from tqdm import tqdm

from monitor.alerts.update import AlertUpdate, load_ledger, update_alerts
from monitor.config.loader import Settings
from monitor.config.models import AOIConfig
from monitor.detect.base import Detection, Detector
from monitor.detect.counting import count_by_class, observed_fraction, site_zone
from monitor.errors import ConfigError, InputDataError, MonitorError, TransientError, UsageError
from monitor.imagery.grid import site_masks
from monitor.imagery.scene import cloud_fraction, read_scene
from monitor.sources.base import SceneRef, Source
from monitor.store.db import SceneRecord, Store

__all__ = (
    "Job",
    "RunSummary",
    "SceneResult",
    "default_until",
    "make_detector",
    "make_source",
    "plan_jobs",
    "process_scene",
    "run",
)

log = logging.getLogger("monitor.pipeline")


def make_source(settings: Settings) -> Source:
    """Build the configured scene source.

    Args:
        settings: Resolved settings.

    Returns:
        The source.

    Raises:
        ConfigError: The source kind is not available in this version.
    """
    src = settings.source
    if src.kind == "synthetic":
        from monitor.sources.synthetic.source import SyntheticSource

        assert src.scenario is not None
        return SyntheticSource(src.scenario, seed=src.seed)
    if src.kind == "sentinelhub":
        from monitor.sources.sentinelhub import SentinelHubSource

        return SentinelHubSource(src, settings.data_dir, str(settings.config_path))
    if src.kind == "folder":
        from monitor.sources.folder import FolderSource

        return FolderSource(src.folder, str(settings.config_path))
    raise ConfigError(f"{settings.config_path}: source.kind: unknown source {src.kind!r}")


def make_detector(settings: Settings) -> Detector:
    """Build the configured detector.

    Args:
        settings: Resolved settings.

    Returns:
        The detector.
    """
    det = settings.detector
    if det.kind == "classical":
        from monitor.detect.classical import ClassicalDetector

        return ClassicalDetector()
    from monitor.detect.cnn.detector import CnnDetector

    return CnnDetector(det.weights, precision=det.precision)


@dataclass(frozen=True)
class Job:
    """One scene to fetch and count."""

    aoi: AOIConfig
    ref: SceneRef


@dataclass(frozen=True)
class SceneResult:
    """What processing one scene produced (small enough to send back from a worker)."""

    ref: SceneRef
    path: Path
    crs: str
    crs_units_per_m: float
    detections: list[Detection]
    counts: dict[str, int]
    observed_fraction: float
    skipped: str | None = None


@dataclass
class RunSummary:
    """What a run did, per (aoi, sensor)."""

    run_id: int | None
    since: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    until: dt.date | None = None
    discovered: Counter[tuple[str, str]] = field(default_factory=Counter)
    cloudy: Counter[tuple[str, str]] = field(default_factory=Counter)
    processed: Counter[tuple[str, str]] = field(default_factory=Counter)
    jobs: list[Job] = field(default_factory=list)
    alerts: AlertUpdate | None = None

    @property
    def n_processed(self) -> int:
        """Total scenes stored by this run."""
        return sum(self.processed.values())


def archive_path(data_dir: Path, ref: SceneRef) -> Path:
    """Where a scene GeoTIFF lives in the archive.

    Args:
        data_dir: The data folder.
        ref: The scene.

    Returns:
        ``<data>/scenes/<aoi>/<sensor>/<scene_id>.tif``.
    """
    return data_dir / "scenes" / ref.aoi / ref.sensor / f"{ref.scene_id}.tif"


def process_scene(job: Job, source: Source, detector: Detector, data_dir: Path) -> SceneResult:
    """Fetch (unless archived), read, detect and count one scene. Writes only the scene archive.

    Args:
        job: The scene and its AOI.
        source: Scene source.
        detector: Detector.
        data_dir: Data folder holding the archive.

    Returns:
        The result for the driver to store.

    Raises:
        InputDataError: The fetched scene cannot be read.
    """
    path = archive_path(data_dir, job.ref)
    if not path.exists():
        source.fetch(job.ref, job.aoi, path)
    try:
        scene = read_scene(path)
    except InputDataError:
        log.warning("re-fetching unreadable archived scene %s", path)
        path.unlink(missing_ok=True)
        source.fetch(job.ref, job.aoi, path)
        scene = read_scene(path)
    masks = site_masks(job.aoi, scene.grid)
    zone = site_zone(job.aoi, masks)
    units = abs(scene.grid.transform.a) / scene.pixel_size_m if scene.pixel_size_m else 1.0
    units = units if math.isfinite(units) else 1.0
    rule = job.aoi.site_cloud
    cloud = cloud_fraction(scene.scl, zone=zone) if scene.scl is not None else 0.0
    if rule.action == "skip" and cloud > rule.max_fraction:
        why = f"site cloud fraction {cloud:.2f} > site_cloud.max_fraction {rule.max_fraction:g}"
        return SceneResult(job.ref, path, str(scene.grid.crs), units, [], {}, observed_fraction(scene, zone), why)
    detections = detector.detect(scene, job.aoi, masks)
    counts, kept = count_by_class(detections, job.aoi.classes, zone)
    return SceneResult(
        ref=job.ref,
        path=path,
        crs=str(scene.grid.crs),
        crs_units_per_m=units,
        detections=kept,
        counts=counts,
        observed_fraction=observed_fraction(scene, zone),
    )


def default_until(source: Source, today: dt.date) -> dt.date:
    """The last date a run covers when ``--until`` is not given.

    Args:
        source: The scene source.
        today: Today's date (UTC).

    Returns:
        The end of the scenario for a source that has one (the synthetic source), else today.
    """
    end = getattr(source, "end", None)
    return end if isinstance(end, dt.date) else today


def plan_jobs(
    aois: Sequence[AOIConfig],
    source: Source,
    store: Store,
    model: str,
    since: dt.date | None,
    until: dt.date | None,
    summary: RunSummary,
) -> list[Job]:
    """Discover acquisitions and keep those not yet stored for ``model`` and not too cloudy.

    Args:
        aois: AOIs to cover.
        source: Scene source.
        store: The store.
        model: Detector version.
        since: First date (None: from the last stored scene minus the look-back, or the AOI start).
        until: Last date (None: today, or the end of the synthetic scenario).
        summary: Filled with discovery statistics.

    Returns:
        Jobs, oldest first.
    """
    today = dt.datetime.now(dt.UTC).date()
    end = until or default_until(source, today)
    summary.until = end
    done = store.processed_ids(model)
    jobs: list[Job] = []
    for aoi in aois:
        for sensor in aoi.sensors:
            start = since
            if start is None:
                last = store.last_acquired(aoi.id, sensor)
                start = aoi.start if last is None else last.date() - dt.timedelta(days=aoi.cadence.lookback_days)
            key = (aoi.id, sensor)
            summary.since[key] = start
            if start > end:
                continue
            for ref in source.discover(aoi, sensor, start, end):
                summary.discovered[key] += 1
                if ref.scene_id in done:
                    continue
                if ref.cloud_cover is not None and ref.cloud_cover > aoi.max_cloud:
                    summary.cloudy[key] += 1
                    continue
                jobs.append(Job(aoi, ref))
    jobs.sort(key=lambda j: (j.ref.acquired, j.ref.aoi, j.ref.sensor))
    return jobs


def run(
    settings: Settings,
    aoi_ids: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
    dry_run: bool = False,
    progress: bool | None = None,
    command: str = "run",
) -> RunSummary:
    """Discover, fetch, detect and store every new scene for the selected AOIs.

    Args:
        settings: Resolved settings.
        aoi_ids: AOI ids (all when empty).
        since: First date, inclusive.
        until: Last date, inclusive.
        dry_run: Only plan; write nothing.
        progress: Progress bar on stderr (None: only on a terminal).
        command: Name recorded in the runs table.

    Returns:
        The run summary.

    Raises:
        UsageError: ``since`` is after ``until``.
        TransientError: Another run holds the lock.
    """
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    aois = settings.select(list(aoi_ids))
    source = make_source(settings)
    detector = make_detector(settings)
    db = settings.data_dir / "monitor.sqlite"
    summary = RunSummary(run_id=None)
    ledger = load_ledger(settings)
    if dry_run:
        with Store(db if db.exists() else None) as store:
            summary.jobs = plan_jobs(aois, source, store, detector.version, since, until, summary)
        return summary
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.data_dir / "monitor.lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise TransientError(f"{settings.data_dir / 'monitor.lock'}: another monitor run holds the lock") from None
    try:
        with Store(db) as store:
            summary.jobs = plan_jobs(aois, source, store, detector.version, since, until, summary)
            summary.run_id = store.start_run(command, source.name)
            bind_run = getattr(source, "bind_run", None)
            if callable(bind_run):  # sources that keep per-run accounting (sentinelhub's PU ledger)
                bind_run(summary.run_id)
            _process_all(store, summary, source, detector, settings.data_dir, progress)
            summary.alerts = update_alerts(settings, store, detector.version, ledger, summary.run_id)
        _export_outputs(settings, aois, summary)
        return summary
    finally:
        lock.release()


def _export_outputs(settings: Settings, aois: Sequence[AOIConfig], summary: RunSummary) -> None:
    # Issue 6: keep the QGIS overlays, GeoPackages and projects current (imported here: heavy, and only needed
    # after a real run).
    from monitor.export.refresh import refresh_after_run

    refresh_after_run(settings.data_dir, aois, summary.processed)


def _process_all(
    store: Store, summary: RunSummary, source: Source, detector: Detector, data_dir: Path, progress: bool | None
) -> None:
    assert summary.run_id is not None
    status, error = "failed", "unexpected failure"
    try:
        bar = tqdm(summary.jobs, desc="scenes", unit="scene", disable=None if progress is None else not progress)
        for job in bar:
            res = process_scene(job, source, detector, data_dir)
            if res.skipped:  # too cloudy over the site, by the AOI's site_cloud rule
                store.record_skipped(
                    summary.run_id, res.ref.scene_id, res.ref.aoi, res.ref.sensor, res.ref.acquired, res.skipped
                )
                summary.cloudy[(job.ref.aoi, job.ref.sensor)] += 1
                continue
            _store_result(store, summary.run_id, source.name, res, detector.version, data_dir)
            summary.processed[(job.ref.aoi, job.ref.sensor)] += 1
        status, error = "ok", ""
    except KeyboardInterrupt:
        status, error = "interrupted", "interrupted"
        raise
    except MonitorError as exc:
        error = str(exc)
        raise
    finally:
        store.finish_run(summary.run_id, status, summary.n_processed, error or None)


def _store_result(store: Store, run_id: int, source: str, res: SceneResult, model: str, data_dir: Path) -> None:
    record = SceneRecord(
        scene_id=res.ref.scene_id,
        aoi=res.ref.aoi,
        sensor=res.ref.sensor,
        acquired=res.ref.acquired,
        source=source,
        path=str(res.path.relative_to(data_dir)) if res.path.is_relative_to(data_dir) else str(res.path),
        crs=res.crs,
        cloud_cover=res.ref.cloud_cover,
    )
    store.record_scene(run_id, record, model, res.detections, res.counts, res.observed_fraction, res.crs_units_per_m)
