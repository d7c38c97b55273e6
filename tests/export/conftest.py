"""A tiny Dunai data folder made in code: five scene GeoTIFFs on a 20 m grid and a store with their detections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from monitor.config import AOIConfig, Settings, load_settings
from monitor.detect.base import Detection
from monitor.imagery.grid import Grid, aoi_grid
from monitor.imagery.scene import write_scene
from monitor.pipeline import archive_path
from monitor.sources.base import SceneRef, make_scene_id
from monitor.store import SceneRecord, Store
from tests.conftest import write_config

MODEL = "test-model-1"
UTC = dt.UTC


@dataclass
class SiteData:
    settings: Settings
    config: Path
    aoi: AOIConfig
    grid: Grid
    scene_ids: list[str]

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def db(self) -> Path:
        return self.settings.data_dir / "monitor.sqlite"

    def store_count(self) -> int:
        with Store(self.db) as st:
            return int(
                st.conn.execute(
                    "SELECT COUNT(*) FROM detections d JOIN scenes s USING (scene_id) WHERE s.aoi=?", (self.aoi.id,)
                ).fetchone()[0]
            )


def _det(grid: Grid, lon: float, lat: float, cls: str, score: float, length: float, width: float, heading: float):
    to_utm = Transformer.from_crs("EPSG:4326", grid.crs.to_wkt(), always_xy=True)
    x, y = to_utm.transform(lon, lat)
    col, row = ~grid.transform * (x, y)
    return Detection(cls, score, x, y, lon, lat, length, width, heading, row - 0.5, col - 0.5)


def _s2_bands(grid: Grid, cloud: bool, rng: np.random.Generator) -> dict[str, np.ndarray]:
    h, w = grid.shape
    land = np.zeros((h, w), bool)
    land[: h // 2] = True
    base = np.where(land, 0.12, 0.04).astype(np.float32)
    bands = {
        "B02": base * 0.9 + rng.normal(0, 0.004, (h, w)).astype(np.float32),
        "B03": base + rng.normal(0, 0.004, (h, w)).astype(np.float32),
        "B04": base * np.where(land, 1.1, 0.7).astype(np.float32),
    }
    scl = np.where(land, 4, 6).astype(np.float32)
    mask = np.ones((h, w), np.float32)
    mask[:, :12] = 0  # a no-data strip at the swath edge
    if cloud:
        for b in ("B02", "B03", "B04"):
            bands[b][200:260, 200:260] = 0.6
        scl[200:260, 200:260] = 9
    bands["SCL"] = scl
    bands["dataMask"] = mask
    return bands


def _s1_bands(grid: Grid, both: bool, rng: np.random.Generator) -> dict[str, np.ndarray]:
    h, w = grid.shape
    land = np.zeros((h, w), bool)
    land[: h // 2] = True
    vv = np.where(land, 0.08, 0.004) * rng.gamma(4.0, 0.25, (h, w))
    bands = {"VV": vv.astype(np.float32)}
    if both:
        bands["VH"] = (vv * 0.2).astype(np.float32)
    return bands


LS, VS = "landing_ship", "vessel"
# (sensor, acquired, cloud / both polarisations, detections as (lon, lat, class, score, length, width, heading))
SCENES = [
    ("sentinel-2-l2a", dt.datetime(2024, 10, 12, 1, 50, 44, tzinfo=UTC), False,
     [(132.3250, 42.8795, LS, 0.93, 112.0, 16.0, 0.0), (132.3400, 42.8650, VS, 0.81, 60.0, 12.0, 80.0)]),
    ("sentinel-1-grd", dt.datetime(2024, 10, 14, 9, 13, 14, tzinfo=UTC), True,
     [(132.3250, 42.8795, LS, 0.71, 120.0, 20.0, 5.0)]),
    ("sentinel-2-l2a", dt.datetime(2024, 10, 17, 1, 50, 39, tzinfo=UTC), True,
     [(132.3203, 42.8800, LS, 0.95, 113.0, 15.0, 2.0), (132.3300, 42.8790, LS, 0.62, 100.0, 16.0, 0.0),
      (132.3500, 42.8620, VS, 0.55, 40.0, 10.0, 120.0)]),
    ("sentinel-1-grd", dt.datetime(2024, 10, 18, 9, 13, 14, tzinfo=UTC), False,
     [(132.3450, 42.8700, VS, 0.9, 70.0, 14.0, 45.0)]),
    ("sentinel-2-l2a", dt.datetime(2024, 10, 22, 1, 50, 30, tzinfo=UTC), False, []),
]  # fmt: skip


def build_site(tmp_path: Path, scenes=SCENES) -> SiteData:
    """Write the scenes into the archive and store their detections, as a real run would."""
    cfg = write_config(tmp_path, aois=("dunai",))
    settings = load_settings(cfg, env={})
    aoi = settings.aois["dunai"]
    grid = aoi_grid(aoi, resolution=20.0)
    rng = np.random.default_rng(6)
    ids = []
    with Store(settings.data_dir / "monitor.sqlite") as st:
        run = st.start_run("run", "synthetic")
        for sensor, acquired, flag, dets in scenes:
            sid = make_scene_id(aoi.id, sensor, acquired)
            path = archive_path(settings.data_dir, SceneRef(aoi.id, sensor, acquired, sid))
            tags = {"SENSOR": sensor, "ACQUISITION_TIME": acquired.strftime("%Y-%m-%dT%H:%M:%SZ"), "SCENE_ID": sid}
            bands = _s2_bands(grid, flag, rng) if sensor == "sentinel-2-l2a" else _s1_bands(grid, flag, rng)
            write_scene(path, grid, bands, tags, "float32")
            detections = [_det(grid, *d) for d in dets]
            counts = {c: sum(1 for d in detections if d.object_class == c) for c in aoi.classes}
            rec = SceneRecord(sid, aoi.id, sensor, acquired, "synthetic", str(path.relative_to(settings.data_dir)),
                              grid.crs.to_string(), 0.1)  # fmt: skip
            st.record_scene(run, rec, MODEL, detections, counts, 0.9)
            ids.append(sid)
        st.finish_run(run, "ok", len(ids))
    return SiteData(settings, cfg, aoi, grid, ids)


def recount_with(data: SiteData, scene_id: str, model: str) -> None:
    """Store a newer model's (empty) result for one scene, as a re-run with new weights would."""
    with Store(data.db) as st:
        row = st.conn.execute("SELECT * FROM scenes WHERE scene_id=?", (scene_id,)).fetchone()
        acquired = dt.datetime.fromisoformat(row["acquired"].replace("Z", "+00:00"))
        rec = SceneRecord(scene_id, row["aoi"], row["sensor"], acquired, "synthetic", row["path"], row["crs"], 0.1)
        run = st.start_run("run", "synthetic")
        st.record_scene(run, rec, model, [], {c: 0 for c in data.aoi.classes}, 0.9)
        st.finish_run(run, "ok", 1)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SiteData:
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "MONITOR_SOURCE", "MONITOR_DETECTOR"):
        monkeypatch.delenv(var, raising=False)
    return build_site(tmp_path)
