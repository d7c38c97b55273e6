"""A whole site export from the store: valid COGs with sidecars, the GeoPackage, the project; re-runs change nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
import xml.etree.ElementTree as ET
import zipfile

import pyogrio
import rasterio
from rio_cogeo.cogeo import cog_validate

from monitor.config import load_settings
from monitor.export import export_site
from monitor.export.files import SiteLayout
from monitor.export.gpkg import LAYERS
from tests.conftest import write_config
from tests.export.conftest import SCENES, build_site, recount_with


def _snapshot(site):
    files = sorted((site.data_dir / "overlays").rglob("*")) + sorted((site.data_dir / "qgis").glob("*"))
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files if p.is_file()}


def test_every_scene_gets_two_valid_cogs_with_sidecars(site):
    result = export_site(site.data_dir, site.aoi)
    cogs = sorted(SiteLayout(site.data_dir, "dunai").overlays.rglob("*.tif"))
    assert (result.scenes, result.cogs_written, result.failed) == (5, 10, [])
    assert result.detections == site.store_count() == 7
    assert len(cogs) == 10
    for cog in cogs:
        valid, errors, warnings = cog_validate(cog, quiet=True)
        assert valid and not errors and not warnings, (cog, errors, warnings)
        assert cog.with_suffix(".qml").exists()
        with rasterio.open(cog) as ds:
            assert ds.crs == site.grid.crs and ds.transform == site.grid.transform
            assert ds.overviews(1) == [2]  # 285 px on 256 px tiles
            kind = "quicklook" if cog.stem.endswith("_quicklook") else "detections"
            assert ds.count == (4 if kind == "quicklook" else 1)
            assert ds.tags()["SCENE_ID"] in site.scene_ids
    assert not list(site.data_dir.rglob("*.tmp*"))


def test_detection_cogs_hold_the_class_and_score_codes_of_their_scene(site):
    export_site(site.data_dir, site.aoi)
    layout = SiteLayout(site.data_dir, "dunai")
    sid = site.scene_ids[2]  # 17 October: landing ships 0.95 and 0.62, a vessel 0.55
    with rasterio.open(layout.detections("sentinel-2-l2a", sid)) as ds:
        values = set(ds.read(1).ravel().tolist())
        assert ds.tags()["N_DETECTIONS"] == "3" and ds.tags()["MODEL"] == "test-model-1"
    assert values == {0, 19, 16, 25}
    with rasterio.open(layout.detections("sentinel-2-l2a", site.scene_ids[4])) as ds:
        assert not ds.read(1).any()  # a scene without detections still gets its (empty) raster


def test_geopackage_layers_counts_crs_and_embedded_default_styles(site):
    export_site(site.data_dir, site.aoi)
    gpkg = SiteLayout(site.data_dir, "dunai").gpkg
    layers = {name: kind for name, kind in pyogrio.list_layers(gpkg)}
    assert {k: layers[k] for k in LAYERS} == {
        "detections": "Point", "footprints": "Polygon", "claims": "Point", "aoi": "Polygon", "site": "Polygon",
    }  # fmt: skip
    info = pyogrio.read_info(gpkg, layer="detections")
    assert info["crs"] == "EPSG:32653" and info["features"] == site.store_count()
    assert set(info["fields"]) >= {
        *("detection_id", "scene_id", "sensor", "acquired", "valid_from", "valid_to", "class", "score"),
        *("length_m", "width_m", "heading_deg", "model", "alert_id"),
    }
    assert pyogrio.read_info(gpkg, layer="footprints")["features"] == site.store_count()
    assert pyogrio.read_info(gpkg, layer="site")["features"] == len(site.aoi.layout)
    assert pyogrio.read_info(gpkg, layer="claims")["features"] == 5
    conn = sqlite3.connect(gpkg)
    try:
        styles = conn.execute("SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles")
        by_layer = {r[0]: r for r in styles}
        assert set(by_layer) == set(LAYERS)
        assert all(r[1] == "geom" and r[2] == 1 and r[3].startswith("<!DOCTYPE qgis") for r in by_layer.values())
        assert 'attr="class"' in by_layer["detections"][3] and 'startField="valid_from"' in by_layer["detections"][3]
        assert conn.execute("SELECT data_type FROM gpkg_contents WHERE table_name='layer_styles'").fetchone() == (
            "attributes",
        )
        row = conn.execute(
            "SELECT acquired, valid_from, valid_to, alert_id FROM detections WHERE scene_id=? LIMIT 1",
            (site.scene_ids[0],),
        ).fetchone()
        assert row == ("2024-10-12T01:50:44.000Z", "2024-10-12T00:00:00.000Z", "2024-10-16T23:59:59.000Z", None)
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
    finally:
        conn.close()


def test_project_sources_are_relative_and_resolve_to_the_outputs(site):
    export_site(site.data_dir, site.aoi)
    layout = SiteLayout(site.data_dir, "dunai")
    with zipfile.ZipFile(layout.project) as zf:
        assert zf.namelist() == ["dunai.qgs"]
        xml = zf.read("dunai.qgs").decode()
    root = ET.fromstring(xml)
    sources = [el.text for el in root.iter("datasource")]
    assert len(sources) == 3 + 2 * 2 + 5 * 2  # claims, aoi, site; points and footprints per sensor; 2 per scene
    for src in sources:
        assert src.startswith("./") and not src.startswith("./" + str(site.data_dir))
        assert (layout.qgis_dir / src.split("|")[0]).resolve().exists()
    ids = [el.text for el in root.iter("id")]
    assert len(set(ids)) == len(ids) and all(len(i) > 10 for i in ids)
    assert root.find("properties/Paths/Absolute").text == "false"


def test_a_second_export_changes_nothing_and_a_run_refresh_writes_no_cog(site):
    export_site(site.data_dir, site.aoi)
    first = _snapshot(site)
    again = export_site(site.data_dir, site.aoi, force=False)
    assert again.cogs_written == 0
    assert _snapshot(site) == first
    forced = export_site(site.data_dir, site.aoi, force=True)
    assert forced.cogs_written == 10
    assert _snapshot(site) == first  # rebuilt byte for byte, so no file was even replaced


def test_a_date_window_rewrites_only_its_scenes_cogs(site):
    export_site(site.data_dir, site.aoi)
    result = export_site(site.data_dir, site.aoi, dt.date(2024, 10, 17), dt.date(2024, 10, 18))
    assert result.cogs_written == 4


def test_a_new_model_makes_the_detection_cog_stale(site):
    export_site(site.data_dir, site.aoi)
    recount_with(site, site.scene_ids[0], "newer-model")
    result = export_site(site.data_dir, site.aoi, force=False)
    assert result.cogs_written == 1  # only that scene's detection COG; its quicklook is still current
    assert result.detections == site.store_count() - 2  # the old model's two are no longer shown


def test_an_unreadable_scene_is_reported_and_left_out_the_rest_is_written(site):
    broken = next((site.data_dir / "scenes").rglob(f"{site.scene_ids[1]}.tif"))
    broken.write_bytes(b"not a tiff")
    result = export_site(site.data_dir, site.aoi)
    assert result.failed == [str(broken)]
    assert result.cogs_written == 8
    with zipfile.ZipFile(SiteLayout(site.data_dir, "dunai").project) as zf:
        assert site.scene_ids[1] not in zf.read("dunai.qgs").decode()


def test_an_empty_store_still_gives_a_project_with_the_site_and_claims(tmp_path, monkeypatch):
    monkeypatch.delenv("MONITOR_DATA_DIR", raising=False)
    settings = load_settings(write_config(tmp_path, aois=("sunan",)), env={})
    result = export_site(settings.data_dir, settings.aois["sunan"])
    assert (result.scenes, result.detections, result.claims) == (0, 0, 1)
    assert pyogrio.read_info(result.gpkg, layer="detections")["features"] == 0
    assert result.project is not None and result.project.exists()


def test_a_missing_claims_ledger_gives_an_empty_claims_layer(site, tmp_path):
    result = export_site(site.data_dir, site.aoi, claims_path=tmp_path / "nowhere" / "claims.yaml")
    assert result.claims == 0
    assert pyogrio.read_info(result.gpkg, layer="claims")["features"] == 0


def test_the_first_sensor_group_is_on_even_when_a_site_has_only_radar(tmp_path, monkeypatch):
    monkeypatch.delenv("MONITOR_DATA_DIR", raising=False)
    radar = build_site(tmp_path, [s for s in SCENES if s[0] == "sentinel-1-grd"])
    export_site(radar.data_dir, radar.aoi)
    with zipfile.ZipFile(SiteLayout(radar.data_dir, "dunai").project) as zf:
        root = ET.fromstring(zf.read("dunai.qgs"))
    groups = {g.get("name"): g.get("checked") for g in root.iter("layer-tree-group") if g.get("name")}
    assert groups["Sentinel-1 GRD"] == "Qt::Checked" and "Sentinel-2 L2A" not in groups
