"""The emulator's Process API: validate the request, pick the acquisition, render, encode, charge PU."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tarfile
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from rasterio.crs import CRS
from rasterio.io import MemoryFile
from rasterio.transform import from_bounds

from monitor.config.models import SensorName
from monitor.sources.sentinelhub.emulator.catalog import COLLECTIONS, ApiError
from monitor.sources.sentinelhub.emulator.evalscript import Evalscript, EvalscriptError, parse_evalscript
from monitor.sources.sentinelhub.emulator.library import Acquisition, SceneLibrary

__all__ = ("MAX_PX", "ProcessReply", "charge", "process")

MAX_PX = 2500
_BANDS = {
    "sentinel-2-l2a": ("B02", "B03", "B04", "B08", "B11", "SCL", "dataMask"),
    "sentinel-1-grd": ("VV", "VH", "dataMask"),
}
_FREE = ("dataMask",)
_BACK_COEFF = ("BETA0", "SIGMA0_ELLIPSOID", "GAMMA0_ELLIPSOID", "GAMMA0_TERRAIN")
_DTYPES = {"UINT8": "uint8", "UINT16": "uint16", "FLOAT32": "float32", "AUTO": "uint8"}


@dataclass(frozen=True)
class ProcessReply:
    """A successful answer: body, content type and the PU charged."""

    body: bytes
    content_type: str
    pu: float


def _bad(message: str, code: str = "COMMON_BAD_PAYLOAD") -> ApiError:
    return ApiError(400, code, message)


def charge(width: int, height: int, script: Evalscript, orthorectify: bool) -> float:
    """Processing units of one request, by the published rules.

    Args:
        width: Output width.
        height: Output height.
        script: The parsed evalscript (input bands, output sample types).
        orthorectify: Sentinel-1 orthorectification requested.

    Returns:
        The charge (area x bands/3 x 2 for FLOAT32 x 2 for orthorectification; at least 0.005).
    """
    bands = len([b for b in script.inputs if b not in _FREE])
    pu = max(width * height / 262144.0, 0.01) * bands / 3.0
    if any(o.sample_type == "FLOAT32" for o in script.outputs):
        pu *= 2.0
    if orthorectify:
        pu *= 2.0
    return round(max(pu, 0.005), 6)


def _grid(body: dict[str, Any]) -> tuple[CRS, tuple[float, float, float, float], int, int]:
    bounds = body.get("input", {}).get("bounds", {})
    bbox = bounds.get("bbox")
    if not (isinstance(bbox, list) and len(bbox) == 4):
        raise _bad("input.bounds.bbox: expected [minx, miny, maxx, maxy] (geometry-only bounds are not emulated)")
    url = bounds.get("properties", {}).get("crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
    m = re.search(r"EPSG/0/(\d+)$", url)
    crs = CRS.from_epsg(int(m.group(1))) if m else CRS.from_epsg(4326)
    box = (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
    out = body.get("output", {})
    if "width" in out and "height" in out:
        width, height = int(out["width"]), int(out["height"])
    elif "resx" in out and "resy" in out:
        width = round((box[2] - box[0]) / float(out["resx"]))
        height = round((box[3] - box[1]) / float(out["resy"]))
    else:
        raise _bad("output: width and height (or resx and resy) are required")
    if not (1 <= width <= MAX_PX and 1 <= height <= MAX_PX):
        raise _bad(f"output: width and height must be integers between 1 and {MAX_PX} (got {width} x {height})")
    return crs, box, width, height


def _pick(library: SceneLibrary, sensor: str, data: dict[str, Any], crs: CRS, box: Any) -> Acquisition | None:
    flt = data.get("dataFilter", {})
    rng = flt.get("timeRange", {})
    try:
        start = dt.datetime.fromisoformat(rng["from"].replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(rng["to"].replace("Z", "+00:00"))
    except (KeyError, AttributeError, ValueError):
        raise _bad("dataFilter.timeRange: from and to (ISO 8601) are required") from None
    aoi = library.aoi_at(crs, box)
    if aoi is None:
        return None
    found = [a for a in library.passes(cast(SensorName, sensor), aoi.bbox, start, end) if a.aoi.id == aoi.id]
    if sensor == "sentinel-2-l2a" and "maxCloudCoverage" in flt:
        found = [a for a in found if a.cloud_cover * 100.0 <= float(flt["maxCloudCoverage"])]
    if sensor == "sentinel-1-grd":
        wanted = {"acquisitionMode": "IW", "polarization": "DV", "resolution": "HIGH", "orbitDirection": "ASCENDING"}
        if any(k in flt and str(flt[k]).upper() != v for k, v in wanted.items()):
            return None
    if not found:
        return None
    order = flt.get("mosaickingOrder", "mostRecent")
    if order == "leastRecent":
        return found[0]
    if order == "leastCC":
        return min(found, key=lambda a: a.cloud_cover)
    return found[-1]


def _values(bands: dict[str, NDArray[np.number]], name: str, units: str, sensor: str) -> NDArray[np.float64]:
    arr = bands[name].astype(np.float64)
    if sensor == "sentinel-2-l2a" and name not in ("SCL", "dataMask") and units in ("REFLECTANCE", "DEFAULT"):
        return arr / 10000.0
    return arr


def _encode(arr: NDArray[np.number], crs: CRS, box: Any) -> bytes:
    count, height, width = arr.shape
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": arr.dtype.name,
        "crs": crs,
        "transform": from_bounds(*box, width, height),
        "interleave": "pixel",
    }
    with MemoryFile() as mem:
        with mem.open(**profile) as ds:
            ds.write(arr)
        return bytes(mem.read())


def _cast(stack: NDArray[np.float64], sample_type: str) -> NDArray[np.number]:
    if sample_type == "FLOAT32":
        return stack.astype(np.float32)
    if sample_type == "AUTO":
        stack = stack * 255.0
    top = 255 if sample_type in ("UINT8", "AUTO") else 65535
    return np.clip(np.rint(stack), 0, top).astype(_DTYPES[sample_type])


def process(body: dict[str, Any], accept: str, library: SceneLibrary) -> ProcessReply:
    """Answer ``POST /api/v1/process``.

    Args:
        body: The JSON request.
        accept: The ``Accept`` header.
        library: The scenes served.

    Returns:
        A TIFF, or a tar of ``<identifier>.tif`` and ``userdata.json`` when several responses are requested.

    Raises:
        ApiError: A malformed request or an evalscript the emulator cannot run (400).
    """
    crs, box, width, height = _grid(body)
    inputs = body.get("input", {}).get("data") or []
    if len(inputs) != 1 or inputs[0].get("type") not in COLLECTIONS:
        raise _bad(f"input.data: exactly one input of type {list(COLLECTIONS)} is emulated")
    data, sensor = inputs[0], inputs[0]["type"]
    processing = data.get("processing", {})
    if processing.get("backCoeff", "GAMMA0_ELLIPSOID") not in _BACK_COEFF:
        raise _bad(f"processing.backCoeff: one of {list(_BACK_COEFF)} expected")
    try:
        script = parse_evalscript(str(body.get("evalscript", "")))
    except EvalscriptError as exc:
        raise _bad(f"Failed to evaluate script! {exc}", "RENDERER_EXCEPTION") from None
    unknown = [b for b in script.inputs if b not in _BANDS[sensor]]
    if unknown or script.mosaicking != "SIMPLE":
        what = f"bands {unknown} are not emulated for {sensor}" if unknown else "only SIMPLE mosaicking is emulated"
        raise _bad(f"Failed to evaluate script! {what}", "RENDERER_EXCEPTION")
    outputs = {o.id: o for o in script.outputs}
    responses = [r.get("identifier", "default") for r in body.get("output", {}).get("responses") or [{}]]
    for ident in responses:
        if ident != "userdata" and ident not in outputs:
            raise _bad(f"output.responses: {ident!r} is not an output of the evalscript")
    if len(responses) > 1 and "application/x-tar" not in accept:
        raise _bad("several responses need Accept: application/x-tar")

    acq = _pick(library, sensor, data, crs, box)
    bands = library.sample(acq, crs, box, width, height) if acq else None
    members: dict[str, bytes] = {}
    for ident in responses:
        if ident == "userdata":
            norm = 1.0 / 10000.0 if sensor == "sentinel-2-l2a" and script.units == "DN" else 1.0
            members["userdata.json"] = json.dumps({"norm_factor": norm}).encode()
            continue
        out = outputs[ident]
        if bands is None:
            stack = np.zeros((out.n_bands, height, width), dtype=np.float64)
        else:
            stack = np.stack([_values(bands, b, script.units, sensor) for b in out.sources])
        members[f"{ident}.tif"] = _encode(_cast(stack, out.sample_type), crs, box)
    pu = charge(width, height, script, bool(processing.get("orthorectify", False)))
    if len(responses) == 1:
        name, payload = next(iter(members.items()))
        return ProcessReply(payload, "application/json" if name.endswith(".json") else "image/tiff", pu)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return ProcessReply(buf.getvalue(), "application/x-tar", pu)
