"""The ``sentinelhub`` source: Sentinel Hub or Copernicus Data Space pulls through sentinelhub-py.

The package also holds a local emulator of the API (:mod:`monitor.sources.sentinelhub.emulator`) that serves
synthetic scenes over the real HTTP contract, so the real client can be tested without network access.
"""

from monitor.sources.sentinelhub.settings import PRESETS, Credentials, Endpoints
from monitor.sources.sentinelhub.source import SentinelHubSource

__all__ = ("PRESETS", "Credentials", "Endpoints", "SentinelHubSource")
