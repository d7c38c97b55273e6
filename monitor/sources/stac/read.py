"""Windowed reads of COG assets onto the AOI's own grid, with retries, re-signing and byte estimates.

Each asset is opened over HTTP by GDAL (``/vsicurl/``, range requests) and warped onto the AOI grid with
nearest-neighbour resampling through a ``WarpedVRT``: only the COG blocks under the AOI are fetched. When
the asset shares the grid's CRS and 10 m pixel edges this is an exact cut; an item in a neighbouring UTM
zone (or a 20 m band) is resampled onto the grid.

A failed read is retried up to ``source.max_attempts`` times with back-off (GDAL also retries 5xx itself);
a 403 from a signed href drops the token first, so the retry is signed afresh. A 404 and everything else
that outlasts the retries is a :class:`~monitor.errors.TransientError` (exit 75).
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

import numpy as np
import rasterio
from numpy.typing import NDArray
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds
from rasterio.windows import from_bounds

from monitor.config.models import SourceConfig
from monitor.errors import TransientError
from monitor.imagery.grid import Grid
from monitor.sources.stac.assets import AssetBand, unsigned
from monitor.sources.stac.settings import gdal_options, guard_href
from monitor.sources.stac.signing import TokenSigner

__all__ = ("BandRead", "ReadEstimate", "estimate_read", "read_band")

log = logging.getLogger("monitor.sources.stac")

T = TypeVar("T")

_STATUS = re.compile(r"HTTP (?:response )?code:? *(\d{3})|\b(\d{3}) (?:Forbidden|Not Found|Service Unavailable)")


@dataclass(frozen=True)
class BandRead:
    """One band of one item on the AOI grid: raw values and which pixels hold data."""

    values: NDArray[np.number]
    valid: NDArray[np.bool_]


@dataclass(frozen=True)
class ReadEstimate:
    """What reading one asset over the AOI should cost."""

    bytes: int
    requests: int


def _status(message: str) -> int | None:
    found = _STATUS.search(message)
    if not found:
        return None
    return int(found.group(1) or found.group(2))


# Hrefs whose last read failed in this process: GDAL remembers a 404 or a broken answer per URL for the life of
# the process, so these are opened with its cache bypassed until a read succeeds again.
_FAILED: set[str] = set()


def _env(src: SourceConfig, href: str) -> rasterio.Env:
    options = gdal_options(src)
    if href in _FAILED:
        parts = urlsplit(href)
        options["CPL_VSIL_CURL_NON_CACHED"] = f"/vsicurl/{parts.scheme}://{parts.netloc}{parts.path}"
    return rasterio.Env(**options)


def _with_retries(ab: AssetBand, what: str, src: SourceConfig, signer: TokenSigner | None, op: Callable[[str], T]) -> T:
    last = ""
    for attempt in range(src.max_attempts):
        href = guard_href(signer.sign(ab.href) if signer else ab.href, what)
        try:
            with _env(src, ab.href):
                done = op(href)
            _FAILED.discard(ab.href)
            return done
        except RasterioError as exc:
            _FAILED.add(ab.href)
            last = " ".join(str(exc).replace(href, unsigned(href)).split())[:200]
            status = _status(str(exc))
            if status == 404:
                raise TransientError(f"{what}: {unsigned(ab.href)} answered 404 (not found); try later") from None
            if status == 403 and signer is not None:
                log.info("%s: signature refused (403), asking for a fresh token", what)
                signer.drop()
                continue
            log.info("%s: read failed (%s), attempt %d of %d", what, last, attempt + 1, src.max_attempts)
            if attempt + 1 < src.max_attempts:
                time.sleep(src.retry_sleep_s * (3**attempt))
    raise TransientError(f"{what}: {unsigned(ab.href)} unreadable after source.max_attempts tries ({last}); try later")


def read_band(ab: AssetBand, grid: Grid, src: SourceConfig, signer: TokenSigner | None, what: str) -> BandRead:
    """Read one asset onto the grid.

    Args:
        ab: The asset.
        grid: The AOI grid.
        src: Source config (timeouts, retries).
        signer: Signs the href (Planetary Computer), or None.
        what: The asset, for messages.

    Returns:
        Raw values (the asset's data type) and the mask of pixels with data.

    Raises:
        TransientError: The asset could not be read.
    """

    def op(href: str) -> BandRead:
        with rasterio.open(href) as ds:
            nodata = ab.nodata if ab.nodata is not None else ds.nodata
            fill = nodata if nodata is not None else 0
            with WarpedVRT(
                ds,
                crs=grid.crs,
                transform=grid.transform,
                width=grid.width,
                height=grid.height,
                resampling=Resampling.nearest,
                src_nodata=nodata,
                nodata=fill,
            ) as vrt:
                values = vrt.read(1)
                if nodata is None:
                    valid = vrt.read_masks(1) > 0
                elif isinstance(nodata, float) and math.isnan(nodata):
                    valid = ~np.isnan(values)
                else:
                    valid = values != nodata
        if values.dtype.kind == "f":
            valid &= np.isfinite(values)
        return BandRead(values, valid)

    return _with_retries(ab, what, src, signer, op)


def estimate_read(ab: AssetBand, grid: Grid, src: SourceConfig, signer: TokenSigner | None, what: str) -> ReadEstimate:
    """What reading the asset over the grid should transfer, from its header alone (the dry run).

    The header is read (one request of ``GDAL_INGESTED_BYTES_AT_OPEN`` bytes); the blocks under the grid are
    summed from the TIFF's block sizes, and each row of adjacent blocks counts as one range request.

    Args:
        ab: The asset.
        grid: The AOI grid.
        src: Source config.
        signer: Signs the href, or None.
        what: The asset, for messages.

    Returns:
        Bytes and requests.
    """
    header = int(gdal_options(src)["GDAL_INGESTED_BYTES_AT_OPEN"])

    def op(href: str) -> ReadEstimate:
        with rasterio.open(href) as ds:
            bounds = transform_bounds(grid.crs, ds.crs, *grid.bounds)
            win = from_bounds(*bounds, transform=ds.transform).round_offsets().round_lengths()
            bh, bw = ds.block_shapes[0]
            r0, c0 = max(int(win.row_off) // bh, 0), max(int(win.col_off) // bw, 0)
            r1 = min((int(win.row_off + win.height) - 1) // bh, math.ceil(ds.height / bh) - 1)
            c1 = min((int(win.col_off + win.width) - 1) // bw, math.ceil(ds.width / bw) - 1)
            total, rows = header, 0
            for r in range(r0, r1 + 1):
                rows += 1
                for c in range(c0, c1 + 1):
                    total += int(ds.get_tag_item(f"BLOCK_SIZE_{c}_{r}", "TIFF", bidx=1) or 0)
        return ReadEstimate(total, 1 + rows)

    return _with_retries(ab, what, src, signer, op)
