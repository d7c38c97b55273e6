"""The ``stac`` columns of ``monitor run --dry-run``: items, assets, bytes and range requests per scene."""

from __future__ import annotations

from monitor.config.loader import Settings
from monitor.pipeline import make_source
from monitor.sources.stac.source import StacSource
from monitor.tasks import Job

__all__ = ("stac_plan",)


def stac_plan(
    settings: Settings, jobs: list[Job], header: list[str], rows: list[list[object]], note: str
) -> tuple[list[str], list[list[object]], str]:
    """Add what each scene would read to the dry-run table.

    Only the COG headers are read (one request per asset); no pixel block is fetched.

    Args:
        settings: Resolved settings (``source.kind: stac``).
        jobs: The planned scenes.
        header: The table header so far.
        rows: The table rows so far, one per job.
        note: The summary line so far.

    Returns:
        (header, rows, note) with ``items``, ``assets``, ``est_bytes`` and ``requests`` added.
    """
    source = make_source(settings)
    assert isinstance(source, StacSource)
    total = 0
    for row, job in zip(rows, jobs, strict=True):
        n_items, n_assets, est = source.estimate(job.ref, job.aoi)
        row += [n_items, n_assets, est.bytes, est.requests]
        total += est.bytes
    note += f", about {total / 1e6:.2f} MB in range requests (COG headers read to estimate it)"
    return [*header, "items", "assets", "est_bytes", "requests"], rows, note
