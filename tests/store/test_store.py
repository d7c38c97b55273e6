from __future__ import annotations

import sqlite3

import pytest

from monitor.detect.base import Detection
from monitor.errors import MonitorError
from monitor.store import SceneRecord, Store
from monitor.store.db import footprint_wkt
from tests.conftest import ACQ


def _det(cls="landing_ship", x=527_100.0, y=4_747_800.0, heading=90.0):
    return Detection(cls, 0.9, x, y, 132.33, 42.88, 112.0, 16.0, heading, 20.0, 10.0)


def _scene(sid="dunai_S2L2A_20241017T015000"):
    return SceneRecord(sid, "dunai", "sentinel-2-l2a", ACQ, "synthetic", "scenes/x.tif", "EPSG:32653", 0.1)


COUNTS = {"landing_ship": 1, "vessel": 0}


def test_record_is_idempotent(tmp_path):
    with Store(tmp_path / "m.sqlite") as st:
        run = st.start_run("run", "synthetic")
        assert st.record_scene(run, _scene(), "classical-1", [_det()], COUNTS, 0.9)
        assert not st.record_scene(run, _scene(), "classical-1", [_det(), _det()], {"landing_ship": 2}, 0.9)
        rows = st.counts()
        assert [(r.object_class, r.count) for r in rows] == [("landing_ship", 1), ("vessel", 0)]
        assert len(st.detections(_scene().scene_id)) == 1
        assert st.processed_ids("classical-1") == {_scene().scene_id}
        assert st.processed_ids("other-model") == set()
        assert st.last_acquired("dunai", "sentinel-2-l2a") == ACQ
        assert st.last_acquired("dunai", "sentinel-1-grd") is None


def test_a_second_model_adds_its_own_counts(tmp_path):
    with Store(tmp_path / "m.sqlite") as st:
        run = st.start_run("run", "synthetic")
        st.record_scene(run, _scene(), "classical-1", [_det()], COUNTS, 0.9)
        assert st.record_scene(run, _scene(), "cnn-1", [], {"landing_ship": 0, "vessel": 0}, 0.9)
        assert len(st.counts()) == 4


def test_json_rows_are_sorted_and_free_of_run_ids(tmp_path):
    with Store(tmp_path / "m.sqlite") as st:
        run = st.start_run("run", "synthetic")
        st.record_scene(run, _scene(), "classical-1", [_det()], COUNTS, 0.93)
        row = st.counts()[0].as_json()
        assert row == {
            "aoi": "dunai",
            "sensor": "sentinel-2-l2a",
            "acquired": "2024-10-17T01:50:00Z",
            "scene_id": "dunai_S2L2A_20241017T015000",
            "class": "landing_ship",
            "count": 1,
            "observed_fraction": 0.93,
            "model": "classical-1",
        }


def test_failed_transaction_leaves_nothing(tmp_path):
    with Store(tmp_path / "m.sqlite") as st:
        run = st.start_run("run", "synthetic")
        with pytest.raises(sqlite3.IntegrityError):
            st.record_scene(run, _scene(), "classical-1", [_det()], {"landing_ship": -1}, 0.9)
        assert st.counts() == []
        assert st.detections(_scene().scene_id) == []
        assert st.conn.execute("SELECT COUNT(*) FROM scenes").fetchone()[0] == 0


def test_wal_mode_schema_version_and_runs(tmp_path):
    path = tmp_path / "m.sqlite"
    with Store(path) as st:
        assert st.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        run = st.start_run("run", "synthetic")
        st.finish_run(run, "ok", 3)
        row = st.conn.execute("SELECT status, n_scenes, finished FROM runs WHERE id=?", (run,)).fetchone()
        assert row["status"] == "ok" and row["n_scenes"] == 3 and row["finished"].endswith("Z")
        st.conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(MonitorError, match="schema_version 99 is newer"):
        Store(path)


def test_not_a_database(tmp_path):
    bad = tmp_path / "m.sqlite"
    bad.write_bytes(b"garbage" * 100)
    with pytest.raises(MonitorError, match="not a usable monitor store"):
        Store(bad)


def test_footprint_is_an_oriented_rectangle():
    wkt = footprint_wkt(_det(x=0.0, y=0.0, heading=90.0))
    coords = [tuple(map(float, p.split())) for p in wkt[len("POLYGON ((") : -2].split(", ")]
    xs, ys = zip(*coords, strict=True)
    assert max(xs) - min(xs) == pytest.approx(112.0)
    assert max(ys) - min(ys) == pytest.approx(16.0)
    assert coords[0] == coords[-1]
