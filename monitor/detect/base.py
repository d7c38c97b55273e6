"""Detector interface and the detection record every stage (store, counts, JSON, export) shares."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from monitor.config.models import AOIConfig
from monitor.imagery.grid import SiteMasks
from monitor.imagery.scene import Scene

__all__ = ("Detection", "Detector")


@dataclass(frozen=True)
class Detection:
    """One counted object, with its evidence (where, how big, how sure).

    ``x``/``y`` are in the scene CRS, ``lon``/``lat`` in WGS84, ``row``/``col`` fractional pixel indices on the
    scene grid (the top-left pixel centre is (0, 0)), sizes in ground metres, heading in degrees
    clockwise from north (0-180, the long axis has no direction at 10 m).
    """

    object_class: str
    score: float
    x: float
    y: float
    lon: float
    lat: float
    length_m: float
    width_m: float
    heading_deg: float
    row: float
    col: float

    def as_json(self) -> dict[str, Any]:
        """The object as in ``monitor detect --json``.

        Returns:
            A JSON-ready dict (``class`` key, rounded floats).
        """
        d = asdict(self)
        out: dict[str, Any] = {"class": d.pop("object_class")}
        for k in ("score", "x", "y", "lon", "lat", "length_m", "width_m", "heading_deg"):
            digits = 6 if k in ("lon", "lat") else (3 if k == "score" else 2)
            out[k] = round(float(d[k]), digits)
        return out


class Detector(Protocol):
    """Finds and classifies objects in one scene.

    ``masks`` is the AOI layout on the scene grid (None for ``monitor detect`` without ``--aoi``, where the
    detector must find water or airside surfaces itself). Returned detections are final: thresholds, size
    rules and merging are applied, and objects on invalid (cloudy, no-data) pixels are dropped.
    """

    name: str
    version: str

    def detect(self, scene: Scene, aoi: AOIConfig | None, masks: SiteMasks | None) -> list[Detection]:
        """Detect objects in ``scene``."""
        ...
