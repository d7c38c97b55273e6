"""The unit of work a run hands to an executor: pull (unless archived), read, detect and count one scene.

Nothing here touches the store. :func:`run_task` is what every executor runs, in the driver process
(``local``) or on a dask worker. With ``data_dir`` set the worker shares the driver's data folder and writes the
scene archive itself (atomically); without it the worker pulls into a scratch folder of its own and sends the
files back in the result, so dask workers need neither the data folder nor a shared file system, and the
driver stays the only process that writes anything under the data folder.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from monitor.config.models import AOIConfig
from monitor.detect.base import Detection, Detector
from monitor.detect.counting import count_by_class, observed_fraction, site_zone
from monitor.errors import InputDataError
from monitor.imagery.grid import site_masks
from monitor.imagery.scene import cloud_fraction, read_scene
from monitor.sources.base import SceneRef, Source
from monitor.store.prepaid import Settlement, prepaid

__all__ = (
    "Job",
    "SceneResult",
    "SceneTask",
    "TaskOutcome",
    "archive_path",
    "make_tasks",
    "process_scene",
    "run_task",
    "write_archive",
)

log = logging.getLogger("monitor.tasks")


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


@dataclass(frozen=True)
class SceneTask:
    """A job as sent to an executor.

    ``data_dir`` set: the worker reads and writes the archive there. None: ``archived`` holds the archive's
    files of this scene (name to bytes; empty when not archived yet) and the worker pulls into scratch space.
    """

    job: Job
    data_dir: Path | None
    archived: dict[str, bytes] = field(default_factory=dict)
    prepaid: dict[str, int] = field(default_factory=dict)


@dataclass
class TaskOutcome:
    """A task's result, or the error it ended with (errors travel as values, so workers log no tracebacks)."""

    task: SceneTask
    result: SceneResult | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    error: BaseException | None = None
    trace: str = ""
    settlements: list[Settlement] = field(default_factory=list)


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
        log.debug("pulling %s", job.ref.scene_id)
        source.fetch(job.ref, job.aoi, path)
    try:
        scene = read_scene(path)
    except InputDataError:
        log.warning("re-fetching unreadable archived scene %s", path)
        path.unlink(missing_ok=True)
        source.fetch(job.ref, job.aoi, path)
        scene = read_scene(path)
    log.debug("detecting %s", job.ref.scene_id)
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


def run_task(task: SceneTask, source: Source, detector: Detector) -> TaskOutcome:
    """Run one task where the executor placed it (the driver or a dask worker).

    Args:
        task: The task.
        source: Scene source (shipped once per worker by a cluster executor).
        detector: Detector (likewise).

    Returns:
        The outcome; with scratch space, ``files`` holds the archive files of a scene pulled here.
    """
    with prepaid(task.prepaid) as ledger:
        outcome = _run(task, source, detector)
    outcome.settlements = ledger.settlements
    return outcome


def _run(task: SceneTask, source: Source, detector: Detector) -> TaskOutcome:
    try:
        if task.data_dir is not None:
            return TaskOutcome(task, process_scene(task.job, source, detector, task.data_dir))
        with tempfile.TemporaryDirectory(prefix="monitor-task-") as tmp:
            scratch = Path(tmp)
            folder = archive_path(scratch, task.job.ref).parent
            folder.mkdir(parents=True)
            for name, data in task.archived.items():
                (folder / name).write_bytes(data)
            result = process_scene(task.job, source, detector, scratch)
            fresh = {
                p.name: p.read_bytes()
                for p in sorted(folder.iterdir())
                if not p.name.startswith(".") and task.archived.get(p.name) != p.read_bytes()
            }
            return TaskOutcome(task, result, files=fresh)
    except Exception as exc:
        return TaskOutcome(task, error=exc, trace=traceback.format_exc())


def make_tasks(jobs: Sequence[Job], data_dir: Path, shared: bool, source: Source) -> Iterator[SceneTask]:
    """Turn jobs into tasks, lazily, just before each is handed out.

    That is when a scene's requests are reserved in the PU ledger (sources that keep one) and, for workers
    without the data folder, its archived files are read.

    Args:
        jobs: The planned jobs.
        data_dir: The driver's data folder.
        shared: Whether the executor's workers use the data folder directly.
        source: The scene source.

    Yields:
        One task per job.

    Raises:
        BudgetExceededError: The next scene does not fit the month's PU budget (tasks handed out before finish).
    """
    prepay = getattr(source, "prepay", None)
    for job in jobs:
        archived = archive_path(data_dir, job.ref).exists()
        rows: dict[str, int] = prepay(job.ref, job.aoi) if callable(prepay) and not archived else {}
        if shared:
            yield SceneTask(job, data_dir, prepaid=rows)
            continue
        folder = archive_path(data_dir, job.ref).parent
        files = {}
        if archived:
            files = {
                p.name: p.read_bytes()
                for p in folder.glob(f"{job.ref.scene_id}.*")
                if p.is_file() and not (p.name.startswith(".") and ".tmp" in p.name)
            }
        yield SceneTask(job, None, files, prepaid=rows)


def write_archive(data_dir: Path, outcome: TaskOutcome) -> None:
    """Put the files a worker pulled into the archive: sidecars first, the GeoTIFF last, each atomically.

    Args:
        data_dir: The driver's data folder.
        outcome: A successful outcome of a task that ran in scratch space.
    """
    folder = archive_path(data_dir, outcome.task.job.ref).parent
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(outcome.files, key=lambda n: n.endswith(".tif")):
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(outcome.files[name])
            os.replace(tmp, folder / name)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
