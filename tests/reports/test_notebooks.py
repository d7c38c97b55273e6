"""The report notebooks really execute (papermill, a kernel of this Python) on a tiny store, and export HTML."""

from __future__ import annotations

import json

import nbformat
import pytest

from monitor.alerts.records import get_alert
from monitor.alerts.update import load_ledger, update_alerts
from monitor.config.loader import load_settings
from monitor.reports.render import execute, render_alert
from monitor.store.db import Store
from tests.series_helpers import tiny_store

pytestmark = pytest.mark.slow


@pytest.fixture
def rendered(config_path):
    settings = load_settings(config_path, env={})
    settings.data_dir.mkdir()
    tiny_store(settings.data_dir, source="sentinelhub")
    with Store(settings.data_dir / "monitor.sqlite") as store:
        up = update_alerts(settings, store, "test-model", load_ledger(settings))
    return settings, up


def test_alert_review_renders_code_free_html_with_figures_verdicts_and_credit(rendered):
    settings, up = rendered
    assert up.reports == {"dunai-landing_ship-20241013": None}
    folder = settings.data_dir / "alerts" / "dunai-landing_ship-20241013"
    html = (folder / "review-r1.html").read_text()
    assert "load_alert_report" not in html and "import matplotlib" not in html
    assert html.count("<img") >= 2
    assert "Contains modified Copernicus Sentinel data 2024." in html
    assert "cns-2024-10-17-ship" in html and "supported" in html
    assert "dunai_S2L2A_20241013T020000" in html
    nb = nbformat.read(folder / "review-r1.ipynb", as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert ["parameters"] in tags and ["injected-parameters"] in tags
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    with Store(settings.data_dir / "monitor.sqlite") as store:
        alert = get_alert(store, "dunai-landing_ship-20241013")
    assert alert.report_status == "ok"
    assert alert.as_json(settings.data_dir)["report"] == str((folder / "review-r1.html").resolve())


def test_a_failing_notebook_marks_the_alert_and_keeps_the_partial_output(rendered):
    settings, _ = rendered
    for tif in (settings.data_dir / "scenes").rglob("*.tif"):
        tif.unlink()
    with Store(settings.data_dir / "monitor.sqlite") as store:
        error = render_alert(settings, store, "dunai-landing_ship-20241013")
        alert = get_alert(store, "dunai-landing_ship-20241013")
    assert error is not None and "InputDataError" in error
    assert alert.report_status == "failed" and alert.report_error == error
    assert alert.as_json(settings.data_dir)["report"] is None
    partial = settings.data_dir / alert.report_path
    cells = json.loads(partial.read_text())["cells"]
    assert any(o.get("output_type") == "error" for c in cells for o in c.get("outputs", []))
    assert partial.with_suffix(".html").exists()


def test_site_overview_executes(rendered):
    settings, _ = rendered
    out = settings.data_dir / "overview" / "dunai.ipynb"
    template = settings.analysis.notebooks / "site_overview.ipynb"
    assert execute(template, out, {"aoi": "dunai", "data_dir": str(settings.data_dir)}, 120) is None
    html = out.with_suffix(".html").read_text()
    assert "dunai-landing_ship-20241013" in html and html.count("<img") >= 2
