"""The outputs open in real QGIS (Debian's PyQGIS 3.22, headless): valid layers, CRS, styles, time, counts, renders.

PyQGIS only imports in the system Python, so each test runs tests/export/qgis_check.py there in a subprocess and
reads its JSON report. `make test` installs QGIS first (.ci/install-qgis); where that is impossible, a developer
sets MONITOR_SKIP_QGIS=1 and these tests skip, saying so. Without QGIS and without that variable they fail.
Set MONITOR_QGIS_RENDER_DIR to keep the rendered PNGs (one per layer, one composite per date) in a folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyproj import Transformer

from monitor.cli import cli
from monitor.export.files import SiteLayout
from monitor.export.palette import CLASS_COLOURS, hex_colour
from monitor.store import Store
from tests.export.conftest import SiteData

SYSTEM_PYTHON = "/usr/bin/python3"
CHECK = Path(__file__).with_name("qgis_check.py")
DAYS = 4  # QgsUnitTypes.TemporalDays


def _qgis_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime))
    return env


@pytest.fixture(scope="session")
def qgis_available() -> None:
    if os.environ.get("MONITOR_SKIP_QGIS") == "1":
        pytest.skip("MONITOR_SKIP_QGIS=1: the real-QGIS checks are skipped on this machine")
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.fail(
            f"PyQGIS does not import in {SYSTEM_PYTHON} ({probe.stderr.strip()[-200:]}): run `make qgis` as root "
            "(.ci/install-qgis), or set MONITOR_SKIP_QGIS=1 to skip these checks on this machine",
            pytrace=False,
        )


def run_qgis(project: Path, out: Path, dates: list[str], tmp_path: Path, keep_as: str, zoom: str = "") -> dict:
    """Run the check in the system Python; keep the PNGs in MONITOR_QGIS_RENDER_DIR/<keep_as> when set."""
    proc = subprocess.run(
        [SYSTEM_PYTHON, str(CHECK), str(project), str(out), *dates, *([f"--zoom={zoom}"] if zoom else [])],
        env=_qgis_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    keep = os.environ.get("MONITOR_QGIS_RENDER_DIR")
    if keep:
        dest = Path(keep) / keep_as
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(out, dest)
        (dest / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def _store_counts(site: SiteData) -> dict[str, int]:
    with Store(site.db) as st:
        rows = st.conn.execute(
            "SELECT s.sensor, COUNT(d.id) FROM scenes s LEFT JOIN detections d USING (scene_id)"
            " WHERE s.aoi=? GROUP BY s.sensor",
            (site.aoi.id,),
        )
        return {r[0]: r[1] for r in rows}


@pytest.fixture
def exported(site: SiteData) -> SiteData:
    res = CliRunner().invoke(cli, ["-q", "export", "--config", str(site.config)])
    assert res.exit_code == 0, res.output
    return site


def test_the_site_project_opens_in_qgis_with_styles_time_and_the_stores_counts(qgis_available, exported, tmp_path):
    site = exported
    dates = ["2024-10-13", "2024-10-17", "2024-10-18"]
    report = run_qgis(SiteLayout(site.data_dir, "dunai").project, tmp_path / "png", dates, tmp_path, "fixture")
    project = report["project"]
    assert report["read"] and project["crs"] == "EPSG:32653" and project["absolute_paths"] is False
    assert project["time_step"] == [1.0, DAYS]
    assert project["time_range"] == ["2024-10-01T00:00:00Z", "2025-06-01T00:00:00Z"]  # scenes and Dunai's claims
    layers = {lyr["name"]: lyr for lyr in report["layers"]}
    assert all(lyr["valid"] and lyr["crs"] == "EPSG:32653" for lyr in layers.values())
    assert len(layers) == 3 + 2 * 2 + 2 * 5

    # Styles: categories in the class colours, paletted and RGBA rasters shown as designed.
    for name in ("S2 detections", "S2 footprints", "S1 detections", "S1 footprints"):
        lyr = layers[name]
        assert lyr["renderer"] == "categorizedSymbol" and lyr["attr"] == "class"
        key = "stroke" if "footprints" in name else "colour"  # footprints are outlines only
        assert {c["value"]: c[key] for c in lyr["categories"]} == {
            c: hex_colour(CLASS_COLOURS[c]) for c in ("landing_ship", "vessel")
        }
    assert layers["claims"]["renderer"] == "categorizedSymbol" and layers["claims"]["labels"]
    assert layers["AOI outline"]["renderer"] == "singleSymbol"
    assert {c["value"] for c in layers["site layout"]["categories"]} == {p.kind for p in site.aoi.layout}
    rasters = [lyr for lyr in report["layers"] if lyr["type"] == "raster"]
    for lyr in rasters:
        if lyr["name"].endswith("quicklook"):
            assert lyr["renderer"] == "multibandcolor" and lyr["bands"] == [1, 2, 3, 4]
            assert lyr["enhancement"] == [0, 0, 0]  # shown as stored, no stretch on top of ours
        else:
            assert lyr["renderer"] == "paletted" and len(lyr["classes"]) == 20
            assert lyr["classes"][-1]["label"] == "vessel, score 0.9-1.0"

    # Time: vectors by their fields, rasters by fixed ranges, one scene per sensor on any day.
    for lyr in report["layers"]:
        if lyr["type"] == "vector" and lyr["name"] not in ("AOI outline", "site layout"):
            assert lyr["temporal"] == {"active": True, "mode": 2, "start_field": "valid_from", "end_field": "valid_to"}
        elif lyr["type"] == "raster":
            assert lyr["temporal"]["active"] and lyr["temporal"]["mode"] == 0
    assert layers["2024-10-17 01:50 S2 quicklook"]["temporal"]["fixed_range"] == [
        "2024-10-17T00:00:01Z",
        "2024-10-21T23:59:59Z",
    ]
    expected = {  # detections of the scene current that day, per sensor (see tests/export/conftest.py)
        "2024-10-13": {"S2": 2, "S1": 0},
        "2024-10-17": {"S2": 3, "S1": 1},
        "2024-10-18": {"S2": 3, "S1": 1},
    }
    for day, per_sensor in expected.items():
        for short, n in per_sensor.items():
            assert layers[f"{short} detections"]["on_dates"][day] == n, (day, short)
            assert layers[f"{short} footprints"]["on_dates"][day] == n, (day, short)
        shown = [lyr["name"] for lyr in rasters if lyr["on_dates"][day] and "S2 quicklook" in lyr["name"]]
        assert len(shown) == 1, (day, shown)
    assert layers["claims"]["on_dates"]["2024-10-17"] == 3  # the October month, the 17th, the fourth quarter

    # Counts: what QGIS reads is what the store holds.
    counts = _store_counts(site)
    for short, sensor in (("S2", "sentinel-2-l2a"), ("S1", "sentinel-1-grd")):
        assert layers[f"{short} detections"]["feature_count"] == counts[sensor]
        assert layers[f"{short} footprints"]["feature_count"] == counts[sensor]
    assert layers["claims"]["feature_count"] == 5 and layers["AOI outline"]["feature_count"] == 1

    # Renders: every layer with content draws something, without errors.
    for lyr in report["layers"]:
        empty = lyr["name"].endswith("2024-10-22 01:50 S2 detections")  # that scene has none
        assert lyr["render"]["errors"] == [] and (lyr["render"]["painted_samples"] == 0) == empty, lyr["name"]
        assert Path(lyr["render"]["png"]).stat().st_size > 0
    assert all(c["painted_samples"] > 1000 for c in report["composites"].values())

    # Opened on their own (no project), the files bring their default styles.
    direct = {Path(d["source"].split("|")[0]).name + d["source"].partition("|")[2]: d for d in report["direct"]}
    assert direct["dunai.gpkglayername=detections"]["renderer"] == "categorizedSymbol"
    assert direct["dunai.gpkglayername=detections"]["feature_count"] == sum(counts.values())
    assert direct["dunai.gpkglayername=claims"]["labels"]
    for name, d in direct.items():
        assert d["valid"] and d["crs"] == "EPSG:32653", name
        if name.endswith("_quicklook.tif"):
            assert d["renderer"] == "multibandcolor" and d["bands"] == [1, 2, 3, 4]
        elif name.endswith("_detections.tif"):
            assert d["renderer"] == "paletted" and d["opacity"] == pytest.approx(0.85)


@pytest.mark.slow
def test_a_real_run_keeps_a_project_that_qgis_opens_with_the_runs_detections(
    qgis_available, tmp_path, config_path, monkeypatch
):
    """`monitor run` (synthetic Dunai, the October 2024 transfer) refreshes the outputs; QGIS renders them.

    The Sentinel-1 detail of 18 October is the README's screenshot (docs/qgis-dunai.png), copied from
    MONITOR_QGIS_RENDER_DIR/run/detail_2024-10-18_S1.png.
    """
    monkeypatch.setenv("MONITOR_DETECTOR", "cnn")
    res = CliRunner().invoke(
        cli,
        ["-q", "run", "--config", str(config_path), "--aoi", "dunai", "--since", "2024-10-12", "--until", "2024-10-21"],
    )
    assert res.exit_code == 0, res.output
    data = config_path.parent / "data"
    layout = SiteLayout(data, "dunai")
    assert layout.project.exists() and layout.gpkg.exists()
    berths = Transformer.from_crs("EPSG:4326", "EPSG:32653", always_xy=True)
    (x0, x1), (y0, y1) = berths.transform([132.314, 132.360], [42.868, 42.892])
    zoom = f"{x0},{y0},{x1},{y1}"  # the piers, the naval berths and part of the bay
    report = run_qgis(layout.project, tmp_path / "png", ["2024-10-17", "2024-10-18"], tmp_path, "run", zoom)
    with Store(data / "monitor.sqlite") as st:
        stored = st.conn.execute("SELECT COUNT(*) FROM detections").fetchone()[0]
        scenes = st.conn.execute("SELECT COUNT(*) FROM scenes WHERE aoi='dunai'").fetchone()[0]
    layers = report["layers"]
    assert all(lyr["valid"] for lyr in layers)
    assert (
        sum(lyr["feature_count"] for lyr in layers if lyr["name"].endswith(" detections") and lyr["type"] == "vector")
        == stored
    )
    assert sum(1 for lyr in layers if lyr["name"].endswith("quicklook")) == scenes
    assert all(not c["errors"] for c in report["composites"].values())
    shots = report["composites"]
    assert all(shots[k]["painted_samples"] > 1000 for k in ("2024-10-17", "2024-10-18 S1", "2024-10-18 S1 detail"))
    assert shots["2024-10-17 S1"]["painted_samples"] < 2000  # no Sentinel-1 scene yet: only the site and claims
