"""Real receivers on loopback: an SMTP server (aiosmtpd) and an HTTP server that records JSON POSTs."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from monitor.alerts.records import record_report
from monitor.alerts.update import load_ledger, update_alerts
from monitor.config.loader import load_settings
from monitor.notify.config import NotifyConfig
from monitor.store.db import Store
from tests.series_helpers import tiny_store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """aiosmtpd handler: keeps what it accepts; answers 451 to the first ``refuse`` messages."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server():
    box = Mailbox()
    ctl = Controller(box, hostname="127.0.0.1", port=free_port())
    ctl.start()
    box.port = ctl.port
    yield box
    ctl.stop()


class Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list[tuple[dict, dict]] = []
        self.fail = 0
        self.stall_s = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        srv = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if srv.stall_s:
            time.sleep(srv.stall_s)
        if srv.fail > 0:
            srv.fail -= 1
            self.send_response(503)
            self.end_headers()
            return
        srv.posts.append((dict(self.headers), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_receiver():
    srv = Receiver()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def with_notify(settings, **notify):
    return dataclasses.replace(settings, notify=NotifyConfig.model_validate(notify))


@pytest.fixture
def alert_settings(config_path):
    """Settings over a real store holding one new alert (Dunai landing ships) with a rendered report file."""
    s = load_settings(config_path, env={})
    s = dataclasses.replace(s, analysis=s.analysis.model_copy(update={"reports": False}))
    s.data_dir.mkdir()
    tiny_store(s.data_dir)
    with Store(s.data_dir / "monitor.sqlite") as store:
        up = update_alerts(s, store, "test-model", load_ledger(s))
        alert_id = up.new[0]
        report = s.data_dir / "alerts" / alert_id / "report.html"
        report.parent.mkdir(parents=True)
        report.write_text("<html>report</html>")
        record_report(store, alert_id, "ok", f"alerts/{alert_id}/report.html", None)
    return s
