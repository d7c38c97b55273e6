"""Plain-text tables and CSV for the CLI (stdout carries only these; logs go to stderr)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence

from monitor.config.models import CLASSES
from monitor.store.db import CountRow

__all__ = ("counts_csv", "counts_pivot", "format_table", "monthly_summary")


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Align columns with two spaces; numbers right-aligned.

    Args:
        header: Column names.
        rows: Row values.

    Returns:
        The table as text (no trailing newline).
    """
    cells = [[str(h) for h in header]] + [[_fmt(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    numeric = [all(_is_num(r[i]) for r in rows) and bool(rows) for i in range(len(header))]
    lines = []
    for n, r in enumerate(cells):
        parts = [c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _is_num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.2f}"
    return "" if v is None else str(v)


def _classes(rows: Sequence[CountRow]) -> list[str]:
    present = {r.object_class for r in rows}
    return [c for c in CLASSES if c in present]


def counts_pivot(rows: Sequence[CountRow]) -> str:
    """One line per scene with a column per class (``monitor counts --format table``).

    Args:
        rows: Count rows.

    Returns:
        The table.
    """
    classes = _classes(rows)
    by_scene: dict[tuple[str, str, str, str, str], dict[str, int]] = defaultdict(dict)
    obs: dict[tuple[str, str, str, str, str], float] = {}
    for r in rows:
        key = (r.aoi, r.acquired, r.sensor, r.scene_id, r.model)
        by_scene[key][r.object_class] = r.count
        obs[key] = r.observed_fraction
    body = [[k[0], k[1], k[2], round(obs[k], 2), *[v.get(c, "") for c in classes], k[4]] for k, v in by_scene.items()]
    return format_table(["aoi", "acquired", "sensor", "observed", *classes, "model"], body)


def counts_csv(rows: Sequence[CountRow]) -> str:
    """The count rows as CSV with a header.

    Args:
        rows: Count rows.

    Returns:
        CSV text.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["aoi", "sensor", "acquired", "scene_id", "class", "count", "observed_fraction", "model"])
    for r in rows:
        w.writerow(
            [
                r.aoi,
                r.sensor,
                r.acquired,
                r.scene_id,
                r.object_class,
                r.count,
                f"{r.observed_fraction:.4f}",
                r.model,
            ]
        )
    return buf.getvalue()


def monthly_summary(rows: Sequence[CountRow], min_observed: float = 0.5) -> str:
    """Per site and month: scenes seen, clear scenes, and the peak count of each class in a clear scene.

    Args:
        rows: Count rows.
        min_observed: Observed fraction a scene needs to count as clear.

    Returns:
        The table.
    """
    classes = _classes(rows)
    scenes: dict[tuple[str, str], set[str]] = defaultdict(set)
    clear: dict[tuple[str, str], set[str]] = defaultdict(set)
    peak: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(classes, 0))
    for r in rows:
        key = (r.aoi, r.acquired[:7])
        scenes[key].add(r.scene_id)
        if r.observed_fraction >= min_observed:
            clear[key].add(r.scene_id)
            peak[key][r.object_class] = max(peak[key][r.object_class], r.count)
    body = [
        [
            aoi,
            month,
            len(scenes[(aoi, month)]),
            len(clear[(aoi, month)]),
            *[peak[(aoi, month)][c] if clear[(aoi, month)] else "" for c in classes],
        ]
        for aoi, month in sorted(scenes)
    ]
    return format_table(["aoi", "month", "scenes", "clear", *[f"max {c}" for c in classes]], body)
