"""Figures of the report notebooks: before/after image chips with detections, and the count series.

Functions return matplotlib figures; the notebooks only call them. Chips are drawn in the scene's own CRS,
so detection footprints (stored as WKT in that CRS) overlay without reprojection.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from monitor.imagery.scene import Scene, read_scene
from monitor.reports.data import AlertReport, scene_path

__all__ = ("chip_pair", "image_rgb", "plot_chips", "plot_series", "polygon_xy")

_SENSOR_LABEL = {"sentinel-2-l2a": "Sentinel-2", "sentinel-1-grd": "Sentinel-1"}
_MARGIN_M = 500.0
_MIN_SIDE_M = 1500.0


def polygon_xy(wkt: str) -> NDArray[np.float64]:
    """The outer ring of a ``POLYGON ((x y, ...))`` as an (n, 2) array.

    Args:
        wkt: The WKT text.

    Returns:
        The vertices.
    """
    inner = re.search(r"\(\(([^()]*)\)", wkt)
    if inner is None:
        return np.zeros((0, 2))
    return np.array([[float(v) for v in pair.split()] for pair in inner.group(1).split(",")], dtype=float)


def image_rgb(scene: Scene) -> NDArray[np.float32]:
    """A display image: true colour for Sentinel-2, VV backscatter in dB as grey for Sentinel-1.

    Args:
        scene: The scene.

    Returns:
        (rows, cols, 3) floats in 0..1; invalid pixels dark.
    """
    if scene.sensor == "sentinel-2-l2a":
        rgb = np.dstack([scene.bands[b] for b in ("B04", "B03", "B02")]) * 3.5
    else:
        band = scene.bands.get("VV", scene.bands.get("VH"))
        assert band is not None
        db = 10.0 * np.log10(np.maximum(band, 1e-6))
        grey = (db + 25.0) / 25.0
        rgb = np.dstack([grey, grey, grey])
    out: NDArray[np.float32] = np.clip(np.nan_to_num(rgb), 0.0, 1.0).astype(np.float32)
    out[~scene.valid] *= 0.3
    return out


def chip_pair(report: AlertReport) -> tuple[str | None, str | None]:
    """Pick the scenes to compare: the most anomalous look of the episode, and the last look before it.

    The "before" look is taken from the same sensor when one exists, so the two chips compare like with like.

    Args:
        report: The alert report.

    Returns:
        ``(before_scene_id, after_scene_id)``; either may be None.
    """
    during = [e for e in report.evidence if e["role"] == "during"]
    before = [e for e in report.evidence if e["role"] == "before"]
    if not during:
        return (str(before[-1]["scene_id"]) if before else None), None
    top = max(during, key=lambda e: (float(str(e["z"] or 0.0)), e["sensor"] == "sentinel-2-l2a"))
    same = [e for e in before if e["sensor"] == top["sensor"]]
    pick = (same or before)[-1] if (same or before) else None
    return (str(pick["scene_id"]) if pick else None), str(top["scene_id"])


def _extent(report: AlertReport, ids: Sequence[str], scenes: dict[str, Scene]) -> tuple[float, float, float, float]:
    pts = [
        (float(str(d["x"])), float(str(d["y"])))
        for sid in ids
        for d in report.detections.get(sid, [])
        if d["class"] == report.alert.object_class
    ]
    x0, y0, x1, y1 = scenes[ids[0]].grid.bounds
    if not pts:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return cx - _MIN_SIDE_M, cx + _MIN_SIDE_M, cy - _MIN_SIDE_M, cy + _MIN_SIDE_M
    xs, ys = zip(*pts, strict=True)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys), _MIN_SIDE_M) / 2 + _MARGIN_M
    return max(cx - half, x0), min(cx + half, x1), max(cy - half, y0), min(cy + half, y1)


def plot_chips(report: AlertReport) -> Figure:
    """Before/after chips of the alert with every detection drawn (the alert's class in red).

    Args:
        report: The alert report.

    Returns:
        The figure.
    """
    pair = [sid for sid in chip_pair(report) if sid is not None]
    fig, axes = plt.subplots(1, max(len(pair), 1), figsize=(6.2 * max(len(pair), 1), 6.0), squeeze=False)
    if not pair:
        axes[0, 0].text(0.5, 0.5, "no archived scene to show", ha="center", va="center")
        axes[0, 0].set_axis_off()
        return fig
    scenes = {sid: read_scene(scene_path(report, sid)) for sid in pair}
    ex = _extent(report, pair, scenes)
    for ax, (label, sid) in zip(axes[0], zip(("before", "after")[-len(pair) :], pair, strict=True), strict=False):
        scene = scenes[sid]
        x0, y0, x1, y1 = scene.grid.bounds
        ax.imshow(image_rgb(scene), extent=(x0, x1, y0, y1), interpolation="nearest")
        n = 0
        for d in report.detections.get(sid, []):
            ring = polygon_xy(str(d["footprint"]))
            mine = d["class"] == report.alert.object_class
            n += mine
            ax.plot(ring[:, 0], ring[:, 1], color="red" if mine else "yellow", lw=2.0 if mine else 0.8)
        ax.set_xlim(ex[0], ex[1])
        ax.set_ylim(ex[2], ex[3])
        when = str(report.scenes[sid]["acquired"])[:16].replace("T", " ")
        sensor = _SENSOR_LABEL.get(scene.sensor, scene.sensor)
        title = f"{label}: {sensor} {when} UTC\n{n} {report.alert.object_class} (red), other detections yellow"
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def _day(text: object) -> dt.datetime:
    return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def _x(when: dt.date | dt.datetime) -> float:
    """Matplotlib's date number (plots use plain floats so their types stay simple)."""
    return float(mdates.date2num(when))  # type: ignore[no-untyped-call]


def _xs(rows: Sequence[dict[str, object]]) -> list[float]:
    return [_x(_day(r["acquired"])) for r in rows]


def _f(row: dict[str, object], key: str) -> float:
    return float(str(row[key]))


_COLOURS = {"sentinel-2-l2a": "tab:green", "sentinel-1-grd": "tab:blue"}


def _sensor_panel(ax: Axes, rows: Sequence[dict[str, object]], sensor: str) -> None:
    based = [r for r in rows if r["expected"] is not None and r["clear"]]
    if based:
        bt = _xs(based)
        lows, highs = [_f(r, "band_low") for r in based], [_f(r, "band_high") for r in based]
        ax.fill_between(bt, lows, highs, step="mid", color="0.85", label="baseline 90% band")
        ax.plot(bt, [_f(r, "expected") for r in based], color="0.4", lw=1, label="baseline")
    colour = _COLOURS[sensor]
    clear = [r for r in rows if r["clear"]]
    cloudy = [r for r in rows if not r["clear"]]
    ax.scatter(_xs(clear), [_f(r, "count") for r in clear], s=18, zorder=3, color=colour, label="clear look")
    ax.scatter(
        _xs(cloudy),
        [_f(r, "count") for r in cloudy],
        s=18,
        zorder=3,
        facecolors="none",
        edgecolors=colour,
        label="cloudy / partial look",
    )
    ax.set_ylabel(f"{_SENSOR_LABEL[sensor]}\ncount")
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7, frameon=False)


def _excess_panel(ax: Axes, activity: Sequence[dict[str, object]], sensors: Sequence[str]) -> None:
    for sensor in sensors:
        rows = [r for r in activity if r["sensor"] == sensor and r["clear"] and r["excess"] is not None]
        ax.errorbar(
            _xs(rows),
            [_f(r, "excess") for r in rows],
            yerr=[_f(r, "excess_sd") for r in rows],
            fmt="o",
            ms=3,
            lw=0.6,
            color=_COLOURS[sensor],
            label=_SENSOR_LABEL[sensor],
        )
    ax.axhline(0.0, color="0.4", lw=0.8)
    ax.set_ylabel("excess over\nbaseline (fused)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7, frameon=False)


def _marks(
    axes: Sequence[Axes],
    windows: Sequence[tuple[dt.date, dt.date, str]],
    claims: Sequence[dt.date],
    names: Sequence[str],
) -> None:
    for a in axes:
        for n, (w0, w1, _) in enumerate(windows):
            a.axvspan(
                _x(w0),
                _x(w1 + dt.timedelta(days=1)),
                color="red" if n == 0 else "orange",
                alpha=0.18 if n == 0 else 0.1,
            )
        for day in claims:
            a.axvline(_x(day), color="purple", ls=":", lw=0.9)
    # Labels of alerts a few weeks apart would overprint each other: each one that starts within 45 days of the
    # previous label goes one line higher.
    level, last = 0, None
    for w0, _, label in sorted(windows, key=lambda w: w[0]):
        level = level + 1 if last is not None and (w0 - last).days < 45 else 0
        last = w0
        axes[0].annotate(
            label,
            (_x(w0), 1.0 + 0.07 * level),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            va="bottom",
            color="darkred",
        )
    for day, name in zip(claims, names, strict=True):
        axes[-1].annotate(
            name,
            (_x(day), 0.02),
            xycoords=("data", "axes fraction"),
            rotation=90,
            fontsize=6,
            color="purple",
        )


def plot_series(
    activity: Sequence[dict[str, object]],
    title: str,
    windows: Sequence[tuple[dt.date, dt.date, str]] = (),
    claims: Sequence[dict[str, object]] = (),
    span: tuple[dt.date, dt.date] | None = None,
) -> Figure:
    """Counts per sensor against their baseline band, and the fused excess of both sensors.

    Args:
        activity: Activity rows of one site and class (store table ``activity``).
        title: Figure title.
        windows: Alert windows to shade, ``(start, end, label)``; the first is highlighted.
        claims: Claim verdict rows to mark at the start of their tested windows.
        span: Date range to show (None: everything; always clipped to the data).

    Returns:
        The figure.
    """
    sensors = [s for s in ("sentinel-2-l2a", "sentinel-1-grd") if any(r["sensor"] == s for r in activity)]
    days = [_day(r["acquired"]).date() for r in activity] or [dt.date.today()]
    lo, hi = span if span else (min(days), max(days))
    span = (max(lo, min(days) - dt.timedelta(days=5)), min(hi, max(days) + dt.timedelta(days=5)))
    marks = [(dt.date.fromisoformat(str(c["window_start"])), str(c["claim_id"])) for c in claims if c["window_start"]]
    marks = [m for m in marks if span[0] <= m[0] <= span[1]]
    shown = [w for w in windows if w[1] >= span[0] and w[0] <= span[1]]
    fig, grid = plt.subplots(len(sensors) + 1, 1, figsize=(12.5, 2.6 * (len(sensors) + 1)), sharex=True, squeeze=False)
    axes = list(grid[:, 0])
    for ax, sensor in zip(axes, sensors, strict=False):
        _sensor_panel(ax, [r for r in activity if r["sensor"] == sensor], sensor)
    _excess_panel(axes[-1], activity, sensors)
    _marks(axes, shown, [m[0] for m in marks], [m[1] for m in marks])
    axes[-1].set_xlim(_x(span[0]), _x(span[1]))
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig
