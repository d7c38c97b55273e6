"""The ``stac`` source: real Sentinel-2 and Sentinel-1 scenes from public STAC APIs, with no account."""

from monitor.sources.stac.source import StacSource

__all__ = ("StacSource",)
