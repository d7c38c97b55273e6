"""Planning a run: which acquisitions to fetch, and what the run did per site and sensor.

``run`` and ``backfill`` plan the same way: discover over the window, drop scenes already stored for the
current model (or skipped as cloudy) and scenes over the AOI's cloud limit. A backfill that was interrupted
therefore resumes where it stopped when started again with the same window.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from monitor.alerts.update import AlertUpdate
from monitor.config.models import AOIConfig
from monitor.sources.base import Source
from monitor.store.db import Store
from monitor.tasks import Job

__all__ = ("RunSummary", "default_until", "plan_jobs")


@dataclass
class RunSummary:
    """What a run did, per (aoi, sensor)."""

    run_id: int | None
    since: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    until: dt.date | None = None
    discovered: Counter[tuple[str, str]] = field(default_factory=Counter)
    cloudy: Counter[tuple[str, str]] = field(default_factory=Counter)
    done_before: Counter[tuple[str, str]] = field(default_factory=Counter)
    processed: Counter[tuple[str, str]] = field(default_factory=Counter)
    jobs: list[Job] = field(default_factory=list)
    executor: str = "local"
    alerts: AlertUpdate | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time a phase of the run into ``timings`` (seconds).

        Args:
            name: The phase.

        Yields:
            Nothing.
        """
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = time.perf_counter() - t0

    @property
    def n_processed(self) -> int:
        """Total scenes stored by this run."""
        return sum(self.processed.values())


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
                    summary.done_before[key] += 1
                    continue
                if ref.cloud_cover is not None and ref.cloud_cover > aoi.max_cloud:
                    summary.cloudy[key] += 1
                    continue
                jobs.append(Job(aoi, ref))
    jobs.sort(key=lambda j: (j.ref.acquired, j.ref.aoi, j.ref.sensor))
    return jobs
