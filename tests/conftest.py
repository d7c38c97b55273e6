"""Shared fixtures: a throw-away project config whose data folder lives in tmp_path."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from pathlib import Path

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from monitor.imagery.grid import Grid

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def write_config(tmp_path: Path, extra: str = "", aois: tuple[str, ...] = ("dunai", "sunan")) -> Path:
    """A monitor.yaml in tmp_path pointing at the project's AOIs and scenario, data in tmp_path/data."""
    lines = ["data_dir: data", "aois:"]
    lines += [f"  - {ROOT / 'configs' / 'aois' / (a + '.yaml')}" for a in aois]
    lines += ["source:", "  kind: synthetic", f"  scenario: {ROOT / 'configs' / 'scenarios' / 'default.yaml'}"]
    path = tmp_path / "monitor.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def _is_local(host: object) -> bool:
    if host in (None, "", b"", "localhost", socket.gethostname()):
        return True
    try:
        addr = ipaddress.ip_address(str(host.decode() if isinstance(host, bytes) else host).split("%")[0])
    except ValueError:
        return False
    return addr.is_loopback or addr.is_unspecified


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach beyond this machine: name lookups and connections are limited to loopback."""
    real_connect, real_connect_ex, real_lookup = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):  # type: ignore[index]
            raise AssertionError(f"a test tried to connect to {address!r}: only 127.0.0.1 is allowed")

    def connect(sock: socket.socket, address: object) -> None:
        check(sock, address)
        real_connect(sock, address)  # type: ignore[arg-type]

    def connect_ex(sock: socket.socket, address: object) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if not _is_local(host):
            raise AssertionError(f"a test tried to look up {host!r}: only loopback is allowed")
        return real_lookup(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR", "MONITOR_SOURCE"):
        monkeypatch.delenv(var, raising=False)
    return write_config(tmp_path)


@pytest.fixture
def utm_grid() -> Grid:
    """A 64 x 64 px, 10 m UTM 53N grid near Dunai."""
    return Grid(CRS.from_epsg(32653), Affine(10.0, 0.0, 527_000.0, 0.0, -10.0, 4_748_000.0), 64, 64)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


ACQ = dt.datetime(2024, 10, 17, 1, 50, 0, tzinfo=dt.UTC)
