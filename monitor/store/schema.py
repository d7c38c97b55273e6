"""The SQLite schema of the store, versioned; every unit of work has a unique key so re-runs add nothing."""

from __future__ import annotations

__all__ = ("SCHEMA", "SCHEMA_VERSION")

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    started   TEXT NOT NULL,
    finished  TEXT,
    status    TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    command   TEXT NOT NULL,
    source    TEXT NOT NULL,
    n_scenes  INTEGER NOT NULL DEFAULT 0,
    error     TEXT
);
CREATE TABLE IF NOT EXISTS scenes (
    scene_id          TEXT PRIMARY KEY,
    aoi               TEXT NOT NULL,
    sensor            TEXT NOT NULL,
    acquired          TEXT NOT NULL,
    source            TEXT NOT NULL,
    path              TEXT NOT NULL,
    crs               TEXT NOT NULL,
    cloud_cover       REAL,
    run_id            INTEGER REFERENCES runs(id),
    UNIQUE (aoi, sensor, acquired)
);
CREATE TABLE IF NOT EXISTS detections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    scene_id     TEXT NOT NULL REFERENCES scenes(scene_id),
    model        TEXT NOT NULL,
    idx          INTEGER NOT NULL,
    class        TEXT NOT NULL,
    score        REAL NOT NULL,
    x            REAL NOT NULL,
    y            REAL NOT NULL,
    lon          REAL NOT NULL,
    lat          REAL NOT NULL,
    length_m     REAL NOT NULL,
    width_m      REAL NOT NULL,
    heading_deg  REAL NOT NULL,
    footprint    TEXT NOT NULL,
    UNIQUE (scene_id, model, idx)
);
CREATE TABLE IF NOT EXISTS counts (
    aoi               TEXT NOT NULL,
    sensor            TEXT NOT NULL,
    acquired          TEXT NOT NULL,
    scene_id          TEXT NOT NULL REFERENCES scenes(scene_id),
    class             TEXT NOT NULL,
    model             TEXT NOT NULL,
    count             INTEGER NOT NULL CHECK (count >= 0),
    observed_fraction REAL NOT NULL CHECK (observed_fraction BETWEEN 0 AND 1),
    run_id            INTEGER REFERENCES runs(id),
    PRIMARY KEY (aoi, sensor, acquired, class, model)
);
CREATE TABLE IF NOT EXISTS requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      INTEGER REFERENCES runs(id),
    requested   TEXT NOT NULL,
    month       TEXT NOT NULL,
    source      TEXT NOT NULL,
    service     TEXT NOT NULL,
    scene_id    TEXT NOT NULL,
    part        TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    pu_estimate REAL NOT NULL CHECK (pu_estimate >= 0),
    pu_spent    REAL CHECK (pu_spent >= 0),
    status      TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'failed')),
    error       TEXT
);
CREATE TABLE IF NOT EXISTS skipped_scenes (
    scene_id  TEXT PRIMARY KEY,
    aoi       TEXT NOT NULL,
    sensor    TEXT NOT NULL,
    acquired  TEXT NOT NULL,
    reason    TEXT NOT NULL,
    run_id    INTEGER REFERENCES runs(id)
);
CREATE TABLE IF NOT EXISTS run_sites (
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    aoi         TEXT NOT NULL,
    sensor      TEXT NOT NULL,
    since       TEXT NOT NULL,
    until       TEXT NOT NULL,
    discovered  INTEGER NOT NULL DEFAULT 0,
    processed   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, aoi, sensor)
);
CREATE TABLE IF NOT EXISTS pending_exports (
    aoi     TEXT PRIMARY KEY,
    run_id  INTEGER REFERENCES runs(id)
);
CREATE TABLE IF NOT EXISTS notifications (
    alert_id      TEXT NOT NULL,
    channel       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    first_seen    TEXT NOT NULL,
    last_attempt  TEXT,
    sent          TEXT,
    error         TEXT,
    PRIMARY KEY (alert_id, channel)
);
CREATE INDEX IF NOT EXISTS requests_month ON requests(month, status);
CREATE INDEX IF NOT EXISTS counts_scene ON counts(scene_id, model);
CREATE INDEX IF NOT EXISTS detections_scene ON detections(scene_id, model);

-- Issue 5: the analysed series, alerts with their evidence and lifecycle, and claim verdicts (kept together).
CREATE TABLE IF NOT EXISTS activity (
    aoi               TEXT NOT NULL,
    class             TEXT NOT NULL,
    model             TEXT NOT NULL,
    scene_id          TEXT NOT NULL REFERENCES scenes(scene_id),
    sensor            TEXT NOT NULL,
    acquired          TEXT NOT NULL,
    count             INTEGER NOT NULL,
    observed_fraction REAL NOT NULL,
    clear             INTEGER NOT NULL,
    rate              REAL,
    expected          REAL,
    band_low          REAL,
    band_high         REAL,
    z                 REAL,
    excess            REAL,
    excess_sd         REAL,
    baseline_looks    INTEGER,
    filled            INTEGER,
    alert_id          TEXT,
    PRIMARY KEY (aoi, class, model, scene_id)
);
CREATE TABLE IF NOT EXISTS alerts (
    id            TEXT PRIMARY KEY,
    aoi           TEXT NOT NULL,
    class         TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    score         REAL NOT NULL,
    excess        REAL NOT NULL,
    excess_low    REAL,
    excess_high   REAL,
    n_looks       INTEGER NOT NULL,
    n_elevated    INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'reviewed', 'dismissed')),
    model         TEXT NOT NULL,
    method        TEXT NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 1,
    created       TEXT NOT NULL,
    updated       TEXT NOT NULL,
    run_id        INTEGER REFERENCES runs(id),
    report_status TEXT NOT NULL DEFAULT 'pending' CHECK (report_status IN ('pending', 'ok', 'failed', 'off')),
    report_path   TEXT,
    report_error  TEXT
);
CREATE TABLE IF NOT EXISTS alert_evidence (
    alert_id  TEXT NOT NULL REFERENCES alerts(id),
    scene_id  TEXT NOT NULL REFERENCES scenes(scene_id),
    model     TEXT NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('before', 'during')),
    sensor    TEXT NOT NULL,
    acquired  TEXT NOT NULL,
    count     INTEGER NOT NULL,
    expected  REAL,
    z         REAL,
    PRIMARY KEY (alert_id, scene_id, model)
);
CREATE TABLE IF NOT EXISTS alert_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id  TEXT NOT NULL REFERENCES alerts(id),
    at        TEXT NOT NULL,
    event     TEXT NOT NULL,
    detail    TEXT
);
CREATE TABLE IF NOT EXISTS claim_verdicts (
    claim_id     TEXT NOT NULL,
    model        TEXT NOT NULL,
    part         TEXT NOT NULL,
    verdict      TEXT NOT NULL CHECK (verdict IN ('supported', 'contradicted', 'inconclusive')),
    claim_date   TEXT NOT NULL,
    precision    TEXT NOT NULL,
    site         TEXT,
    statement    TEXT NOT NULL,
    signal       TEXT,
    aoi          TEXT,
    class        TEXT,
    window_start TEXT,
    window_end   TEXT,
    n_window     INTEGER NOT NULL,
    n_reference  INTEGER NOT NULL,
    effect       REAL,
    effect_low   REAL,
    effect_high  REAL,
    p_value      REAL,
    reasons      TEXT NOT NULL,
    PRIMARY KEY (claim_id, model, part)
);
CREATE TABLE IF NOT EXISTS alert_claims (
    alert_id  TEXT NOT NULL REFERENCES alerts(id),
    claim_id  TEXT NOT NULL,
    PRIMARY KEY (alert_id, claim_id)
);
CREATE INDEX IF NOT EXISTS alerts_site ON alerts(aoi, class, start_date);
"""
