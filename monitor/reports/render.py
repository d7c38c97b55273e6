"""Execute the report notebooks with papermill and export code-free HTML with nbconvert.

The kernel is always the Python running ``monitor`` (the project's virtual environment): a kernel spec is made
on the fly from ``sys.executable`` instead of looking one up by name, so a stray user-level ``python3`` kernel
elsewhere on the machine can never run the report. A notebook that fails still leaves its partial output (and
its HTML, error shown) in the alert's folder; the alert is marked ``report_status = failed``.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter

from monitor.alerts.records import get_alert, record_report
from monitor.config.loader import Settings
from monitor.store.db import Store

__all__ = ("NotebookOutcome", "execute", "render_alert", "render_pending", "to_html")

log = logging.getLogger("monitor.reports")
KERNEL_NAME = "monitor-python"
# nbconvert warns about figures without alt text on every export; cron mails any output, so keep it to errors.
_QUIET = logging.getLogger("monitor.reports.nbconvert")
_QUIET.setLevel(logging.ERROR)


class _ThisPython(KernelSpecManager):
    """Kernel specs that always point at the interpreter running monitor."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """The spec of the one kernel we run.

        Args:
            kernel_name: Ignored: every name maps to this interpreter.

        Returns:
            A spec launching ``sys.executable -m ipykernel_launcher``.
        """
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--log-level=ERROR"],
            display_name="monitor (this Python)",
            language="python",
            resource_dir="",
        )


NotebookOutcome = tuple[Path, str | None]


def to_html(notebook: Path, html_path: Path) -> None:
    """Export a notebook to HTML without its input cells, atomically.

    Args:
        notebook: The executed notebook.
        html_path: Where to write the HTML.
    """
    nb = nbformat.read(str(notebook), as_version=4)  # type: ignore[no-untyped-call]
    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, log=_QUIET
    )
    body, _ = exporter.from_notebook_node(nb)
    tmp = html_path.with_name(html_path.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, html_path)


def execute(template: Path, out: Path, parameters: dict[str, Any], timeout_s: int) -> str | None:
    """Execute a notebook template into ``out`` (kept, even partial) and write ``out`` with ``.html`` beside it.

    Args:
        template: The notebook with a cell tagged ``parameters``.
        out: The executed notebook to write (its folder is created).
        parameters: Values injected after the parameters cell.
        timeout_s: Per-cell time limit.

    Returns:
        None on success, else a one-line error.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=_ThisPython())
    error: str | None = None
    try:
        pm.execute_notebook(
            str(template),
            str(out),
            parameters=parameters,
            km=km,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            execution_timeout=timeout_s,
            cwd=str(out.parent),
        )
    except pm.PapermillExecutionError as exc:
        error = f"cell {exc.exec_count}: {exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}"
    except Exception as exc:  # kernel start-up, timeouts, missing template: the alert is marked, the run goes on
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if out.exists():
        try:
            to_html(out, out.with_suffix(".html"))
        except Exception as exc:
            error = error or f"HTML export: {type(exc).__name__}: {exc}"
    return error


def render_alert(settings: Settings, store: Store, alert_id: str) -> str | None:
    """Execute the alert review notebook for one alert and record the outcome in the store.

    Args:
        settings: Resolved settings (data folder, notebook templates, time limit).
        store: The store.
        alert_id: The alert.

    Returns:
        None on success, else the one-line error (also stored on the alert).
    """
    alert = get_alert(store, alert_id)
    assert settings.analysis.notebooks is not None
    folder = settings.data_dir / "alerts" / alert.id
    out = folder / f"review-r{alert.revision}.ipynb"
    params = {"alert_id": alert.id, "data_dir": str(settings.data_dir)}
    error = execute(settings.analysis.notebooks / "alert_review.ipynb", out, params, settings.analysis.report_timeout_s)
    rel = out.relative_to(settings.data_dir)
    if error is None:
        record_report(store, alert.id, "ok", str(rel.with_suffix(".html")), None)
    else:
        log.warning("alert %s: report notebook failed (%s); partial output kept in %s", alert.id, error, out)
        record_report(store, alert.id, "failed", str(rel) if out.exists() else None, error)
    return error


def render_pending(settings: Settings, store: Store) -> dict[str, str | None]:
    """Render the report of every alert that waits for one (new, changed or raised while reports were off).

    Args:
        settings: Resolved settings.
        store: The store.

    Returns:
        Alert id to error (None when the report rendered).
    """
    rows = store.conn.execute(
        "SELECT id FROM alerts WHERE report_status IN ('pending', 'off') AND status != 'dismissed'"
        " ORDER BY aoi, start_date"
    ).fetchall()
    return {r["id"]: render_alert(settings, store, r["id"]) for r in rows}
