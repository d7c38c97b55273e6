"""Reading a site from the store: whole-day periods per sensor, the latest model per scene, alert ids."""

from __future__ import annotations

import datetime as dt

from monitor.export.records import LAST_SECOND, alert_lookup, site_detections, site_scenes
from monitor.store import Store
from tests.export.conftest import MODEL, SCENES, build_site, recount_with

UTC = dt.UTC


def _day(y, m, d):
    return dt.datetime(y, m, d, tzinfo=UTC)


def test_each_scene_is_current_in_whole_days_until_the_next_one_of_its_sensor(site):
    with Store(site.db) as st:
        scenes = site_scenes(st.conn, "dunai", site.data_dir)
    periods = {(s.sensor[:11], s.valid_from.date().isoformat()): (s.valid_to + LAST_SECOND) for s in scenes}
    assert periods == {
        ("sentinel-2-", "2024-10-12"): _day(2024, 10, 17),
        ("sentinel-2-", "2024-10-17"): _day(2024, 10, 22),
        ("sentinel-2-", "2024-10-22"): _day(2024, 10, 27),  # the newest lasts the median gap (5 days)
        ("sentinel-1-", "2024-10-14"): _day(2024, 10, 18),
        ("sentinel-1-", "2024-10-18"): _day(2024, 10, 22),
    }
    assert [s.acquired for s in scenes] == sorted(s.acquired for s in scenes)
    assert all(s.path.exists() and s.model == MODEL and s.crs == "EPSG:32653" for s in scenes)


def test_a_newer_model_replaces_the_older_ones_detections(site):
    with Store(site.db) as st:
        before = site_detections(st.conn, site_scenes(st.conn, "dunai", site.data_dir))
    recount_with(site, site.scene_ids[0], "newer-model")
    with Store(site.db) as st:
        scenes = site_scenes(st.conn, "dunai", site.data_dir)
        after = site_detections(st.conn, scenes)
    assert scenes[0].model == "newer-model"
    assert len(after) == len(before) - 2  # the first scene's two detections are gone with the old model
    assert all(d.alert_id is None for d in after)


def test_two_scenes_of_one_sensor_on_one_day_both_show_that_day(tmp_path):
    twice = [SCENES[0], (SCENES[0][0], SCENES[0][1] + dt.timedelta(hours=9), False, [])]
    data = build_site(tmp_path, twice)
    with Store(data.db) as st:
        scenes = site_scenes(st.conn, "dunai", data.data_dir)
    assert [(s.valid_from, s.valid_to + LAST_SECOND) for s in scenes] == [(_day(2024, 10, 12), _day(2024, 10, 13))] * 2


def test_alert_ids_come_from_the_alerts_table(site):
    with Store(site.db) as st:
        assert alert_lookup(st.conn, "dunai")("landing_ship", _day(2024, 10, 17)) is None
        insert = (
            "INSERT INTO alerts (id, aoi, class, start_date, end_date, score, excess, n_looks, n_elevated, model,"
            " method, created, updated) VALUES (?, ?, ?, ?, ?, 9.0, 2.0, 3, 2, 'm', 'llr', 'now', 'now')"
        )
        st.conn.execute(insert, ("7", "dunai", "landing_ship", "2024-10-15", "2024-10-18"))
        st.conn.execute(insert, ("8", "sunan", "transport_aircraft", "2024-10-01", "2024-10-30"))
        lookup = alert_lookup(st.conn, "dunai")
        dets = site_detections(st.conn, site_scenes(st.conn, "dunai", site.data_dir))
    assert lookup("landing_ship", _day(2024, 10, 17) + dt.timedelta(hours=2)) == "7"
    assert lookup("landing_ship", _day(2024, 10, 18)) == "7"  # end date inclusive
    assert lookup("vessel", _day(2024, 10, 17)) is None
    assert lookup("landing_ship", _day(2024, 10, 12)) is None
    tagged = {(d.scene.acquired.date().isoformat(), d.object_class) for d in dets if d.alert_id == "7"}
    assert tagged == {("2024-10-17", "landing_ship")}
