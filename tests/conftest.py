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


#: Grid of :func:`write_labelled_port`: 160 x 160 px of 10 m, UTM 33N.
PORT_GRID = Grid(CRS.from_epsg(32633), Affine(10.0, 0.0, 400_000.0, 0.0, -10.0, 5_000_000.0), 160, 160)
#: Centres (row, col) of its two 15 x 4 px hulls on open water: the first is labelled, the second is not.
PORT_HULLS = ((40, 40), (120, 40))


def write_labelled_port(folder: Path, name: str = "port") -> tuple[Path, Path]:
    """A tiny sen2ships-style port: five uint16 bands at value/65535 and one labelled box, as GeoTIFF + GeoJSON.

    Args:
        folder: Where to write ``<name>.tif`` and ``<name>.geojson``.
        name: File stem (a port name where a command checks it).

    Returns:
        (tif, geojson).
    """
    import json

    from monitor.imagery.scene import write_scene

    rng = np.random.default_rng(3)
    water = {"B02": 0.05, "B03": 0.04, "B04": 0.025, "B08": 0.015, "B11": 0.01}
    hull = {"B02": 0.20, "B03": 0.21, "B04": 0.22, "B08": 0.30, "B11": 0.25}
    bands = {}
    for band_name, level in water.items():
        band = level + rng.normal(0.0, 0.002, PORT_GRID.shape)
        for r, c in PORT_HULLS:
            band[r - 7 : r + 8, c - 2 : c + 2] = hull[band_name]
        bands[band_name] = np.round(np.clip(band, 0, 1) * 65535)
    tif = write_scene(folder / f"{name}.tif", PORT_GRID, bands, {"REFLECTANCE_SCALE": str(1 / 65535)}, "uint16")
    r, c = PORT_HULLS[0]
    x0, y0 = PORT_GRID.transform * (c - 3, r - 8)
    x1, y1 = PORT_GRID.transform * (c + 3, r + 8)
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": {}}
    labels = folder / f"{name}.geojson"
    labels.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return tif, labels
