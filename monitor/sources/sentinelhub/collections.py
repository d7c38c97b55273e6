"""Data collections bound to the configured service URL, and what each sensor asks the Process API for.

Stock ``DataCollection.SENTINEL2_L2A`` carries ``services.sentinel-hub.com`` as its service URL, and the
client sends Process requests there whatever ``sh_base_url`` says. Every collection used here is therefore
derived with ``define_from(..., service_url=<configured base URL>)``; names are derived from the URL because
sentinelhub-py registers them globally and refuses a name reused with another definition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sentinelhub.data_collections import DataCollection

from monitor.config.models import SensorName

__all__ = ("SENSOR_SPECS", "SensorSpec", "collection_for")

_S2_EVALSCRIPT = """//VERSION=3
function setup() {
  return {
    input: [{bands: ["B02", "B03", "B04", "B08", "B11", "SCL", "dataMask"], units: "DN"}],
    output: [
      {id: "bands", bands: 5, sampleType: "UINT16"},
      {id: "SCL", bands: 1, sampleType: "UINT8"},
      {id: "dataMask", bands: 1, sampleType: "UINT8"}
    ]
  };
}
function updateOutputMetadata(scenes, inputMetadata, outputMetadata) {
  outputMetadata.userData = {norm_factor: inputMetadata.normalizationFactor};
}
function evaluatePixel(s) {
  return {bands: [s.B02, s.B03, s.B04, s.B08, s.B11], SCL: [s.SCL], dataMask: [s.dataMask]};
}
"""

_S1_EVALSCRIPT = """//VERSION=3
function setup() {
  return {
    input: [{bands: ["VV", "VH", "dataMask"], units: "LINEAR_POWER"}],
    output: [{id: "default", bands: 3, sampleType: "FLOAT32"}]
  };
}
function evaluatePixel(s) {
  return [s.VV, s.VH, s.dataMask];
}
"""


@dataclass(frozen=True)
class SensorSpec:
    """One sensor's Process request: evalscript, responses, and how the answer maps to scene bands.

    Attributes:
        sensor: Sensor name.
        evalscript: The evalscript sent.
        responses: Response identifiers, in request order (``userdata`` is JSON, the others TIFF).
        layout: Response identifier -> the scene band names its TIFF holds, in band order.
        charged_bands: Input bands the service charges for (``dataMask`` is free).
        float32: Output is FLOAT32 (charged x2).
        orthorectify: Sentinel-1 orthorectification (charged x2).
        dtype: Data type of the scene GeoTIFF written.
        processing: Extra ``processing`` options of the input.
    """

    sensor: SensorName
    evalscript: str
    responses: tuple[str, ...]
    layout: dict[str, tuple[str, ...]]
    charged_bands: int
    float32: bool
    orthorectify: bool
    dtype: str
    processing: dict[str, Any] | None = None


SENSOR_SPECS: dict[SensorName, SensorSpec] = {
    "sentinel-2-l2a": SensorSpec(
        sensor="sentinel-2-l2a",
        evalscript=_S2_EVALSCRIPT,
        responses=("bands", "SCL", "dataMask", "userdata"),
        layout={"bands": ("B02", "B03", "B04", "B08", "B11"), "SCL": ("SCL",), "dataMask": ("dataMask",)},
        charged_bands=6,
        float32=False,
        orthorectify=False,
        dtype="uint16",
    ),
    "sentinel-1-grd": SensorSpec(
        sensor="sentinel-1-grd",
        evalscript=_S1_EVALSCRIPT,
        responses=("default",),
        layout={"default": ("VV", "VH", "dataMask")},
        charged_bands=2,
        float32=True,
        orthorectify=True,
        dtype="float32",
        processing={"backCoeff": "SIGMA0_ELLIPSOID", "orthorectify": True, "demInstance": "COPERNICUS"},
    ),
}

_STOCK: dict[SensorName, DataCollection] = {
    "sentinel-2-l2a": DataCollection.SENTINEL2_L2A,
    "sentinel-1-grd": DataCollection.SENTINEL1_IW,
}
_DEFINED: dict[tuple[SensorName, str], DataCollection] = {}


def collection_for(sensor: SensorName, base_url: str) -> DataCollection:
    """The collection of ``sensor`` whose requests go to ``base_url`` (defined once per process).

    Args:
        sensor: Sensor name.
        base_url: The configured API base URL.

    Returns:
        A collection with ``service_url == base_url``.
    """
    key = (sensor, base_url)
    if key not in _DEFINED:
        digest = hashlib.sha1(base_url.encode()).hexdigest()[:10]
        name = f"MONITOR_{'S2L2A' if sensor == 'sentinel-2-l2a' else 'S1IW'}_{digest}"
        _DEFINED[key] = _STOCK[sensor].define_from(name, service_url=base_url)
    collection = _DEFINED[key]
    assert collection.service_url == base_url
    return collection
