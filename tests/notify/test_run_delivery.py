"""Delivery wired into `monitor run`: a dead receiver never fails the run; the next run delivers."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store.db import Store
from tests.notify.conftest import free_port

WINDOW = ["--since", "2024-10-12", "--until", "2024-10-12"]


def test_run_delivers_new_alerts_and_survives_a_dead_receiver(alert_settings, http_receiver, monkeypatch):
    monkeypatch.setenv("MONITOR_DETECTOR", "classical")
    cfg = alert_settings.config_path
    base = cfg.read_text()
    cfg.write_text(base + yaml.safe_dump({"notify": {"webhook": {"url": f"http://127.0.0.1:{free_port()}/"}}}))
    res = CliRunner().invoke(cli, ["-q", "run", "--config", str(cfg), *WINDOW])
    assert res.exit_code == 0 and res.stdout == "", res.output
    with Store(alert_settings.data_dir / "monitor.sqlite") as st:
        row = st.conn.execute("SELECT status, attempts, error FROM notifications").fetchone()
    assert row["status"] == "pending" and row["attempts"] == 1 and "webhook" in row["error"]

    cfg.write_text(base + yaml.safe_dump({"notify": {"webhook": {"url": http_receiver.url}}}))
    res = CliRunner().invoke(cli, ["-q", "run", "--config", str(cfg), *WINDOW])
    assert res.exit_code == 0 and res.stdout == ""
    assert [body["alert"]["id"] for _, body in http_receiver.posts] == ["dunai-landing_ship-20241013"]
