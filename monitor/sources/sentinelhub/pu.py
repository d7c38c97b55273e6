"""Processing-unit (PU) estimates for Process requests, from the published PU rules.

1 PU is a 512 x 512 px output of 3 input bands at up to 16 bits. The charge multiplies an area factor
(pixels / 262144, at least 0.01), a band factor (charged input bands / 3; ``dataMask`` is free), x2 for a
FLOAT32 output and x2 for Sentinel-1 orthorectification, with a floor of 0.005 PU per request. The service
reports what it really charged in the ``x-processingunits-spent`` header; the estimate is what the budget
check uses before a request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping

from monitor.sources.sentinelhub.collections import SensorSpec

__all__ = ("MIN_PU", "PU_HEADER", "estimate_pu", "pu_from_headers")

PU_HEADER = "x-processingunits-spent"
MIN_PU = 0.005
_PX_PER_PU = 512 * 512


def estimate_pu(width: int, height: int, spec: SensorSpec) -> float:
    """The PU one Process request of ``width`` x ``height`` px should cost.

    Args:
        width: Output width in pixels.
        height: Output height in pixels.
        spec: The sensor's request spec (bands, sample type, orthorectification).

    Returns:
        Estimated processing units.
    """
    area = max(width * height / _PX_PER_PU, 0.01)
    pu = area * spec.charged_bands / 3.0
    if spec.float32:
        pu *= 2.0
    if spec.orthorectify:
        pu *= 2.0
    return max(pu, MIN_PU)


def pu_from_headers(headers: Mapping[str, str]) -> float | None:
    """The PU the service charged, from the response headers (case-insensitive).

    Args:
        headers: Response headers.

    Returns:
        The charge, or None when the header is missing or not a number.
    """
    for key, value in headers.items():
        if key.lower() == PU_HEADER:
            try:
                return float(value)
            except ValueError:
                return None
    return None
