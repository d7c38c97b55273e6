"""The thin pipeline: plan the scenes to fetch, run them on an executor, store the results, refresh outputs.

Scene tasks (:mod:`monitor.tasks`) touch no database, so they run alike in this process or on dask workers;
only this driver writes the store, under the run lock. ``monitor run`` and ``monitor backfill`` both call
:func:`run`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from monitor.alerts.update import Ledger, load_ledger, update_alerts
from monitor.config.loader import Settings
from monitor.config.models import AOIConfig
from monitor.detect.base import Detector
from monitor.errors import EXIT_SOFTWARE, ConfigError, MonitorError, UsageError
from monitor.executors import check_spec, open_executor
from monitor.ops.storage import check_writable, storage_error, sweep_temp_files
from monitor.outputs import notify_alerts, refresh_outputs
from monitor.plan import RunSummary, default_until, plan_jobs
from monitor.sources.base import Source
from monitor.store.db import SceneRecord, Store
from monitor.store.lock import data_lock
from monitor.store.runlog import close_stale_runs, exports_pending, record_run_sites
from monitor.tasks import (
    Job,
    SceneResult,
    TaskOutcome,
    archive_path,
    make_tasks,
    process_scene,
    run_task,
    write_archive,
)

__all__ = (
    "Job",
    "RunSummary",
    "SceneResult",
    "archive_path",
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
    if src.kind == "stac":
        from monitor.sources.stac import StacSource

        return StacSource(src, str(settings.config_path))
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

    return CnnDetector(det.weights, precision=det.precision, second_look=det.second_look)


def run(
    settings: Settings,
    aoi_ids: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
    dry_run: bool = False,
    progress: bool | None = None,
    command: str = "run",
    executor: str | None = None,
) -> RunSummary:
    """Discover, fetch, detect and store every new scene for the selected AOIs, then refresh the outputs.

    Args:
        settings: Resolved settings.
        aoi_ids: AOI ids (all when empty).
        since: First date, inclusive.
        until: Last date, inclusive.
        dry_run: Only plan; write nothing.
        progress: Progress bar on stderr (None: only on a terminal).
        command: Name recorded in the runs table (``run`` or ``backfill``).
        executor: ``local``, ``dask`` or ``tcp://HOST:PORT`` (None: the settings' executor).

    Returns:
        The run summary.

    Raises:
        UsageError: ``since`` is after ``until``, or a bad ``--executor``.
        TransientError: Another run holds the lock, the disk is full, or the dask scheduler is unreachable.
        ConfigError: The data folder is not writable.
    """
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    spec = check_spec(executor) if executor else settings.executor
    aois = settings.select(list(aoi_ids))
    source = make_source(settings)
    detector = make_detector(settings)
    db = settings.data_dir / "monitor.sqlite"
    summary = RunSummary(run_id=None, executor=spec)
    ledger = load_ledger(settings)
    if dry_run:
        with Store(db if db.exists() else None) as store:
            summary.jobs = plan_jobs(aois, source, store, detector.version, since, until, summary)
        return summary
    check_writable(settings.data_dir)
    with data_lock(settings.data_dir):
        try:
            _locked_run(settings, aois, source, detector, since, until, progress, command, summary, ledger)
            return summary
        except Exception as exc:
            if isinstance(exc, MonitorError) and exc.exit_code != EXIT_SOFTWARE:
                raise
            translated = storage_error(exc, settings.data_dir)
            if translated is None or translated is exc:
                raise
            raise translated from None


def _locked_run(
    settings: Settings,
    aois: Sequence[AOIConfig],
    source: Source,
    detector: Detector,
    since: dt.date | None,
    until: dt.date | None,
    progress: bool | None,
    command: str,
    summary: RunSummary,
    ledger: Ledger,
) -> None:
    sweep_temp_files(settings.data_dir)
    with Store(settings.data_dir / "monitor.sqlite") as store:
        close_stale_runs(store)
        summary.run_id = store.start_run(command, source.name)
        # The sites are recorded before discovery, so `monitor status` shows a failure to reach the source too.
        planned: dict[tuple[str, str], dt.date] = {(a.id, s): since or a.start for a in aois for s in a.sensors}
        record_run_sites(store, summary.run_id, planned, until, {}, {})
        status, error = "failed", "unexpected failure"
        try:
            with summary.phase("plan"):
                summary.jobs = plan_jobs(aois, source, store, detector.version, since, until, summary)
            record_run_sites(store, summary.run_id, summary.since, summary.until, summary.discovered, {})
            bind_run = getattr(source, "bind_run", None)
            if callable(bind_run):  # sources that keep per-run accounting (sentinelhub's PU ledger)
                bind_run(summary.run_id)
            stale = exports_pending(store, sorted({j.ref.aoi for j in summary.jobs}), summary.run_id)
            with summary.phase("scenes"):
                _process_all(store, summary, source, detector, settings, progress)
            with summary.phase("alerts"):
                summary.alerts = update_alerts(settings, store, detector.version, ledger, summary.run_id)
            with summary.phase("export"):
                refresh_outputs(settings, aois, summary.processed, store, stale)
            with summary.phase("notify"):
                notify_alerts(settings, store)
            log.info("run %s: %s", summary.run_id, ", ".join(f"{k} {v:.1f} s" for k, v in summary.timings.items()))
            status, error = "ok", ""
        except KeyboardInterrupt:
            status, error = "interrupted", "interrupted"
            raise
        except MonitorError as exc:
            error = str(exc)
            raise
        except Exception as exc:
            error = str(storage_error(exc, settings.data_dir) or f"unexpected failure: {type(exc).__name__}: {exc}")
            raise
        finally:
            try:
                record_run_sites(
                    store, summary.run_id, summary.since, summary.until, summary.discovered, summary.processed
                )
                store.finish_run(summary.run_id, status, summary.n_processed, error or None)
            except sqlite3.Error:
                log.debug("could not close run %s", summary.run_id, exc_info=True)


def _process_all(
    store: Store, summary: RunSummary, source: Source, detector: Detector, settings: Settings, progress: bool | None
) -> None:
    if not summary.jobs:
        return
    bar = tqdm(total=len(summary.jobs), desc="scenes", unit="scene", disable=None if progress is None else not progress)
    pool = open_executor(summary.executor)
    try:
        tasks = make_tasks(summary.jobs, settings.data_dir, pool.shares_data_dir, source)
        for outcome in pool.map_unordered(run_task, tasks, (source, detector)):
            _handle(store, summary, source, detector.version, settings.data_dir, outcome)
            bar.update(1)
    finally:
        bar.close()
        pool.close()


def _handle(
    store: Store, summary: RunSummary, source: Source, model: str, data_dir: Path, outcome: TaskOutcome
) -> None:
    settle = getattr(source, "settle", None)
    if callable(settle) and outcome.settlements:  # PU the task's requests cost (sentinelhub)
        settle(outcome.settlements)
    if outcome.error is not None:
        log.debug("task %s failed:\n%s", outcome.task.job.ref.scene_id, outcome.trace)
        raise outcome.error
    res = outcome.result
    assert res is not None
    job = outcome.task.job
    if outcome.task.data_dir is None:
        write_archive(data_dir, outcome)
        res = dataclasses.replace(res, path=archive_path(data_dir, job.ref))
    key = (job.ref.aoi, job.ref.sensor)
    if res.skipped:  # too cloudy over the site, by the AOI's site_cloud rule
        store.record_skipped(
            summary.run_id or 0, res.ref.scene_id, res.ref.aoi, res.ref.sensor, res.ref.acquired, res.skipped
        )
        summary.cloudy[key] += 1
        return
    log.debug("storing %s", job.ref.scene_id)
    _store_result(store, summary.run_id or 0, source.name, res, model, data_dir)
    summary.processed[key] += 1


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
