"""Write the report notebook templates (outputs stripped). Run after editing: python notebooks/build_templates.py.

The notebooks only call monitor.reports; all logic lives (typed and tested) in the package.
"""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf

HERE = Path(__file__).resolve().parent
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}

LEGEND = (
    "Dots are the counts of each look (hollow: cloudy or partial view, not used as evidence). The grey line and "
    "band are each sensor's own baseline and its 90% range for a quiet look with the same view. Red shading is "
    "this alert, orange other alerts of the class; dotted purple lines mark the windows in which claims were "
    "tested. The bottom panel fuses both sensors: each clear look's count scaled to the whole site minus its "
    "sensor's baseline, with one standard deviation."
)


def _nb(cells: list[nbf.NotebookNode]) -> nbf.NotebookNode:
    nb = nbf.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _params(src: str) -> nbf.NotebookNode:
    cell = nbf.v4.new_code_cell(src)
    cell.metadata["tags"] = ["parameters"]
    return cell


def alert_review() -> nbf.NotebookNode:
    code, md = nbf.v4.new_code_cell, nbf.v4.new_markdown_cell
    return _nb(
        [
            md("# Alert review\nWritten by `monitor` for one alert: everything below is read from the store by id."),
            _params('alert_id = ""\ndata_dir = ""'),
            code(
                "from pathlib import Path\n\nimport matplotlib.pyplot as plt\nfrom IPython.display import HTML, "
                "Markdown, display\n\nfrom monitor.reports import data, figures, tables\n\n"
                "report = data.load_alert_report(Path(data_dir), alert_id)\n"
                "display(Markdown(tables.alert_summary(report.alert)))"
            ),
            md("## Before and after"),
            code("figures.plot_chips(report)\nplt.show()"),
            md("## Count series\n" + LEGEND),
            code(
                "import datetime as dt\n\na = report.alert\npad = dt.timedelta(days=120)\n"
                "windows = [(a.start, a.end, a.id)] + [(o.start, o.end, o.id) for o in report.alerts if o.id != a.id]\n"
                "claims = [v for v in report.verdicts if v['aoi'] == a.aoi and v['class'] == a.object_class]\n"
                "figures.plot_series(report.activity, f'{a.object_class} at {a.aoi}', windows, claims,"
                " (a.start - pad, a.end + pad))\nplt.show()"
            ),
            md("## Claims\nEvery claim about this site, tested against the fused series (see the README)."),
            code(
                "display(HTML(tables.html_table(['claim', 'date', 'signal', 'verdict', 'p', 'effect', 'reasons'],"
                " tables.verdict_rows(report.verdicts))))"
            ),
            md("## Provenance"),
            code(
                "display(Markdown(tables.model_line(report)))\n"
                "display(HTML(tables.html_table(['role', 'sensor', 'acquired', 'scene', 'source', 'count',"
                " 'expected', 'score', 'file'], tables.provenance_rows(report))))\n"
                "display(Markdown(tables.attribution(report)))"
            ),
        ]
    )


def site_overview() -> nbf.NotebookNode:
    code, md = nbf.v4.new_code_cell, nbf.v4.new_markdown_cell
    return _nb(
        [
            md("# Site overview\nA site's whole analysed history: counts, baselines, alerts and claim verdicts."),
            _params('aoi = "dunai"\ndata_dir = ""\nmodel = ""'),
            code(
                "from pathlib import Path\n\nimport matplotlib.pyplot as plt\nfrom IPython.display import HTML, "
                "Markdown, display\n\nfrom monitor.reports import data, figures, tables\n\n"
                "site = data.load_site_report(Path(data_dir), aoi, model)\n"
                "display(Markdown(f'**{site.aoi}**: {site.n_scenes} scenes stored, model `{site.model}`,"
                " {len(site.alerts)} alert(s).'))"
            ),
            md("## Series per class\n" + LEGEND),
            code(
                "for cls in sorted({str(r['class']) for r in site.activity}):\n"
                "    rows = [r for r in site.activity if r['class'] == cls]\n"
                "    windows = [(a.start, a.end, a.id) for a in site.alerts if a.object_class == cls]\n"
                "    claims = [v for v in site.verdicts if v['aoi'] == aoi and v['class'] == cls]\n"
                "    figures.plot_series(rows, f'{cls} at {aoi}', windows, claims)\n"
                "    plt.show()"
            ),
            md("## Alerts"),
            code(
                "display(HTML(tables.html_table(['id', 'class', 'start', 'end', 'score', 'excess', 'status',"
                " 'report'], [[a.id, a.object_class, a.start, a.end, a.score, a.excess, a.status,"
                " a.report_status] for a in site.alerts])))"
            ),
            md("## Claims"),
            code(
                "display(HTML(tables.html_table(['claim', 'date', 'signal', 'verdict', 'p', 'effect', 'reasons'],"
                " tables.verdict_rows(site.verdicts))))"
            ),
        ]
    )


if __name__ == "__main__":
    nbf.write(alert_review(), HERE / "alert_review.ipynb")
    nbf.write(site_overview(), HERE / "site_overview.ipynb")
