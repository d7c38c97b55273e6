"""Text and HTML blocks of the report notebooks: the alert summary, the claims verdict table, provenance."""

from __future__ import annotations

import html
from collections.abc import Sequence

from monitor.alerts.records import AlertRecord
from monitor.analysis.site import ANALYSIS_VERSION
from monitor.reports.data import AlertReport

__all__ = ("alert_summary", "attribution", "html_table", "model_line", "provenance_rows", "verdict_rows")


def html_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain HTML table with every cell escaped.

    Args:
        header: Column names.
        rows: Cell values.

    Returns:
        The HTML.
    """
    head = "".join(f"<th style='text-align:left'>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(_cell(v))}</td>" for v in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def alert_summary(alert: AlertRecord) -> str:
    """A Markdown paragraph that says what the alert is.

    Args:
        alert: The alert.

    Returns:
        Markdown text.
    """
    hi = "open" if alert.excess_high is None else f"{alert.excess_high:.1f}"
    lo = "?" if alert.excess_low is None else f"{alert.excess_low:.1f}"
    return (
        f"**{alert.id}**: more `{alert.object_class}` than usual at **{alert.aoi}** from **{alert.start}** to "
        f"**{alert.end}**: about {alert.excess:.1f} extra (90% interval {lo} to {hi}) over {alert.n_looks} clear "
        f"looks, {alert.n_elevated} of them favouring the rise on their own; segment log-likelihood ratio "
        f"{alert.score:.1f}. Status **{alert.status}**, revision {alert.revision}, model `{alert.model}`, "
        f"analysis `{alert.method}`."
    )


def verdict_rows(verdicts: Sequence[dict[str, object]]) -> list[list[object]]:
    """Rows of the claims table: one per claim (composite parts indented under it).

    Args:
        verdicts: ``claim_verdicts`` rows.

    Returns:
        Rows of claim, date, signal, verdict, p-value, effect and reasons.
    """
    parts = {(v["claim_id"], str(v["part"])) for v in verdicts if v["part"]}
    out: list[list[object]] = []
    for v in verdicts:
        part = str(v["part"])
        reasons = [str(r) for r in (v["reasons"] if isinstance(v["reasons"], list) else [v["reasons"]])]
        if not part:
            mine = [p for c, p in parts if c == v["claim_id"]]
            reasons = [r for r in reasons if not any(r.startswith(f"{p}:") for p in mine)] or ["see its parts below"]
        name = f"  - {part}" if part else str(v["claim_id"])
        date = "" if part else f"{v['claim_date']} ({v['precision']})"
        effect = None if v["effect"] is None else f"{float(str(v['effect'])):+.2f}"
        out.append([name, date, v["signal"] or "", v["verdict"], v["p_value"], effect, " | ".join(reasons)])
    return out


def attribution(report: AlertReport) -> str:
    """The data credit for the scenes shown.

    Args:
        report: The alert report.

    Returns:
        "Contains modified Copernicus Sentinel data <years>" for real scenes; a note for synthetic ones.
    """
    real = sorted({str(s["acquired"])[:4] for s in report.scenes.values() if s["source"] != "synthetic"})
    lines = []
    if real:
        lines.append(f"Contains modified Copernicus Sentinel data {', '.join(real)}.")
    if any(s["source"] == "synthetic" for s in report.scenes.values()):
        lines.append("Synthetic scenes rendered by monitor's offline source (no Copernicus data in them).")
    return " ".join(lines) or "No scenes."


def provenance_rows(report: AlertReport) -> list[list[object]]:
    """One row per evidence scene: role, sensor, time, scene id, source, count, expected, score, file.

    Args:
        report: The alert report.

    Returns:
        The rows.
    """
    rows: list[list[object]] = []
    for e in report.evidence:
        s = report.scenes.get(str(e["scene_id"]), {})
        rows.append(
            [
                e["role"],
                e["sensor"],
                e["acquired"],
                e["scene_id"],
                s.get("source"),
                e["count"],
                e["expected"],
                e["z"],
                s.get("path"),
            ]
        )
    return rows


def model_line(report: AlertReport) -> str:
    """Which detector and analysis produced the alert, and which runs stored its scenes.

    Args:
        report: The alert report.

    Returns:
        Markdown text.
    """
    runs = ", ".join(f"#{r['id']} ({r['command']}, {r['started']}, {r['status']})" for r in report.runs) or "none"
    return f"Detector model `{report.alert.model}`; analysis `{ANALYSIS_VERSION}`; scenes stored by runs {runs}."
