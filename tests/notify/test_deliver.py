"""Alert delivery against real servers on loopback: once per alert, retried after failures, time-bounded."""

from __future__ import annotations

import email
import email.policy
import time

import pytest

from monitor.notify.deliver import deliver_new_alerts
from monitor.store.db import Store
from tests.notify.conftest import free_port, with_notify

ALERT = "dunai-landing_ship-20241013"


def _deliver(settings, **kw):
    with Store(settings.data_dir / "monitor.sqlite") as store:
        return deliver_new_alerts(settings, store, env={}, **kw)


def _outbox(settings):
    with Store(settings.data_dir / "monitor.sqlite") as store:
        rows = store.conn.execute("SELECT * FROM notifications ORDER BY channel").fetchall()
    return {r["channel"]: dict(r) for r in rows}


def test_each_new_alert_is_sent_once_by_mail_and_webhook(alert_settings, smtp_server, http_receiver):
    s = with_notify(
        alert_settings,
        email={"host": "127.0.0.1", "port": smtp_server.port, "security": "none", "from": "m@x.org", "to": ["a@x.org"]},
        webhook={"url": http_receiver.url},
        report_base_url="https://reports.example.org/monitor",
    )
    first = _deliver(s)
    assert sorted(first.sent) == [(ALERT, "email"), (ALERT, "webhook")] and not first.failed
    again = _deliver(s)
    assert again.sent == [] and again.failed == []
    assert len(smtp_server.messages) == 1 and len(http_receiver.posts) == 1

    mail = email.message_from_bytes(smtp_server.messages[0], policy=email.policy.default)
    assert "dunai" in mail["Subject"] and "landing_ship" in mail["Subject"] and mail["X-Monitor-Alert"] == ALERT
    text = mail.get_content()
    assert "cns-2024-10-17-ship: supported" in text
    assert f"https://reports.example.org/monitor/alerts/{ALERT}/report.html" in text

    headers, body = http_receiver.posts[0]
    assert headers["Content-Type"] == "application/json" and headers["Idempotency-Key"] == ALERT
    assert body["event"] == "alert.new" and body["alert"]["id"] == ALERT
    assert {"id": "cns-2024-10-17-ship", "verdict": "supported"} in body["alert"]["claims"]
    assert body["report_url"].endswith(f"/alerts/{ALERT}/report.html") and "supported" in body["verdict"]
    assert {r["status"] for r in _outbox(s).values()} == {"sent"}


def test_failures_are_recorded_and_retried_next_run(alert_settings, smtp_server, http_receiver):
    dead_port = free_port()
    s = with_notify(
        alert_settings,
        email={"host": "127.0.0.1", "port": dead_port, "security": "none", "from": "m@x.org", "to": ["a@x.org"]},
        webhook={"url": http_receiver.url},
        timeout_s=2,
    )
    http_receiver.fail = 1
    first = _deliver(s)
    assert first.sent == [] and {c for _, c, _ in first.failed} == {"email", "webhook"}
    box = _outbox(s)
    assert box["webhook"]["status"] == "pending" and "HTTP 503" in box["webhook"]["error"]
    assert box["email"]["attempts"] == 1 and f"127.0.0.1:{dead_port}" in box["email"]["error"]

    smtp_server.refuse = 1
    s = with_notify(
        s,
        email={"host": "127.0.0.1", "port": smtp_server.port, "security": "none", "from": "m@x.org", "to": ["a@x.org"]},
        webhook={"url": http_receiver.url},
    )
    second = _deliver(s)
    assert second.sent == [(ALERT, "webhook")] and "451" in second.failed[0][2]
    third = _deliver(s)
    assert third.sent == [(ALERT, "email")]
    box = _outbox(s)
    assert box["email"]["attempts"] == 3 and box["email"]["status"] == "sent" and box["email"]["error"] is None
    assert len(smtp_server.messages) == 1 and len(http_receiver.posts) == 1


def test_delivery_gives_up_after_max_attempts(alert_settings):
    s = with_notify(alert_settings, webhook={"url": f"http://127.0.0.1:{free_port()}/x"}, max_attempts=2)
    _deliver(s)
    assert _outbox(s)["webhook"]["status"] == "pending"
    _deliver(s)
    assert _outbox(s)["webhook"]["status"] == "failed"
    assert _deliver(s).failed == []


def test_a_stalled_receiver_cannot_hold_the_run(alert_settings, http_receiver):
    http_receiver.stall_s = 5
    s = with_notify(alert_settings, webhook={"url": http_receiver.url}, timeout_s=0.5, budget_s=1)
    t0 = time.monotonic()
    out = _deliver(s)
    assert time.monotonic() - t0 < 3
    assert "timed out" in out.failed[0][2]


def test_deliveries_beyond_the_budget_wait_for_the_next_run(alert_settings, http_receiver):
    ticks = iter(range(0, 10_000, 100))
    s = with_notify(alert_settings, webhook={"url": http_receiver.url}, budget_s=50)
    out = _deliver(s, clock=lambda: float(next(ticks)))
    assert out.deferred == 1 and out.sent == []
    assert _deliver(s).sent == [(ALERT, "webhook")]


def test_nothing_configured_sends_nothing(alert_settings):
    assert _deliver(alert_settings).sent == []
    assert _outbox(alert_settings) == {}


@pytest.mark.parametrize(
    ("notify", "message"),
    [
        ({"webhook": {"url": "http://hooks.example.org/x"}}, "use https"),
        (
            {"email": {"host": "smtp.example.org", "security": "none", "from": "a@b.c", "to": ["d@e.f"]}},
            "relay on this machine",
        ),
        ({"email": {"host": "smtp.example.org", "from": "nobody", "to": ["d@e.f"]}}, "from"),
        ({"webhook": {"url": "https://x.org"}, "budget_s": 0}, "budget_s"),
    ],
)
def test_bad_notify_config_exits_78(config_path, notify, message):
    import yaml
    from click.testing import CliRunner

    from monitor.cli import cli

    config_path.write_text(config_path.read_text() + yaml.safe_dump({"notify": notify}))
    res = CliRunner().invoke(cli, ["counts", "--config", str(config_path)])
    assert res.exit_code == 78 and message in res.output and "notify" in res.output
