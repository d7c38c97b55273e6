"""Builders shared by the analysis, alerts, claims and report tests: look series and a tiny real store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from affine import Affine
from rasterio.crs import CRS

from monitor.analysis.series import Look
from monitor.detect.base import Detection
from monitor.imagery.grid import Grid
from monitor.imagery.scene import write_scene
from monitor.store.db import SceneRecord, Store

T0 = dt.datetime(2024, 9, 1, 2, 0, tzinfo=dt.UTC)
S1, S2 = "sentinel-1-grd", "sentinel-2-l2a"
GRID = Grid(CRS.from_epsg(32653), Affine(10.0, 0.0, 527_000.0, 0.0, -10.0, 4_748_000.0), 64, 64)


def look(day: float, sensor: str, count: int, f: float = 1.0, clear_from: float = 0.5) -> Look:
    """One look ``day`` days after T0."""
    t = T0 + dt.timedelta(days=day, hours=7 if sensor == S1 else 0)
    return Look(f"{sensor[:11]}-{day:g}", sensor, t, count, f, f >= clear_from and f > 0)


def quiet_series(days: int = 150, seed: int = 0, rate: float = 0.1) -> list[Look]:
    """S2 every 5 days and S1 every 6 days with Poisson(rate) counts."""
    rng = np.random.default_rng(seed)
    looks = [look(d, S2, int(rng.poisson(rate))) for d in range(0, days, 5)]
    looks += [look(d + 0.5, S1, int(rng.poisson(rate))) for d in range(0, days, 6)]
    return sorted(looks, key=lambda lk: lk.acquired)


def fleet_series(days: int = 180, seed: int = 0, base: int = 3, fleet: int = 2) -> list[Look]:
    """A resident fleet: ``base`` objects always there and ``fleet`` more each there half the time (var < mean)."""
    rng = np.random.default_rng(seed)
    looks = [look(d, S2, base + int(rng.binomial(fleet, 0.5))) for d in range(0, days, 5)]
    looks += [look(d + 0.5, S1, base + int(rng.binomial(fleet, 0.5))) for d in range(0, days, 6)]
    return sorted(looks, key=lambda lk: lk.acquired)


def with_event(
    looks: list[Look], first: float, last: float, extra: int, sensors: tuple[str, ...] = (S1, S2)
) -> list[Look]:
    """Add ``extra`` objects to the looks of ``sensors`` between two days (inclusive)."""
    out = []
    for lk in looks:
        day = (lk.acquired - T0).total_seconds() / 86400
        if first <= day <= last + 0.5 and lk.sensor in sensors and lk.clear:
            lk = Look(lk.scene_id, lk.sensor, lk.acquired, lk.count + extra, lk.observed_fraction, lk.clear)
        out.append(lk)
    return out


def _image(sensor: str, ships: list[tuple[int, int]]) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(len(ships))
    if sensor == S2:
        base = {b: (0.03 + 0.005 * rng.standard_normal((64, 64))).astype("float32") for b in ("B02", "B03", "B04")}
        for r, c in ships:
            for b in base.values():
                b[r - 1 : r + 2, c - 5 : c + 6] = 0.25
        return base
    vv = (0.01 * rng.gamma(4.0, 0.25, (64, 64))).astype("float32")
    for r, c in ships:
        vv[r - 1 : r + 2, c - 5 : c + 6] = 1.0
    return {"VV": vv, "VH": vv * 0.3}


def tiny_store(data_dir: Path, source: str = "sentinelhub", model: str = "test-model") -> list[str]:
    """A real store with 25 Dunai looks (both sensors): no landing ships, except two in mid-October 2024.

    Scene GeoTIFFs (64 x 64 px) are written to the archive so report chips can be drawn. Returns scene ids.
    """
    ids = []
    with Store(data_dir / "monitor.sqlite") as store:
        run_id = store.start_run("test", source)
        for n in range(25):
            sensor = S2 if n % 3 else S1
            when = T0 + dt.timedelta(days=3 * n, hours=7 if sensor == S1 else 0)
            ships = [(30, 20), (36, 40)] if dt.date(2024, 10, 12) <= when.date() <= dt.date(2024, 10, 24) else []
            sid = f"dunai_{'S2L2A' if sensor == S2 else 'S1GRD'}_{when:%Y%m%dT%H%M%S}"
            rel = Path("scenes") / "dunai" / sensor / f"{sid}.tif"
            tags = {"SENSOR": sensor, "ACQUISITION_TIME": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "SCENE_ID": sid}
            write_scene(data_dir / rel, GRID, _image(sensor, ships), tags, "float32")
            dets = [
                Detection(
                    "landing_ship",
                    0.9,
                    527_000.0 + 10 * c + 5,
                    4_748_000.0 - 10 * r - 5,
                    132.3,
                    42.88,
                    112.0,
                    16.0,
                    90.0,
                    float(r),
                    float(c),
                )
                for r, c in ships
            ]
            record = SceneRecord(sid, "dunai", sensor, when, source, str(rel), "EPSG:32653", 0.0)
            counts = {"landing_ship": len(ships), "vessel": 1}
            store.record_scene(run_id, record, model, dets, counts, 1.0 if n != 7 else 0.2)
            ids.append(sid)
        store.finish_run(run_id, "ok", len(ids))
    return ids
