"""The embedded offline source ``synthetic``: Sentinel-2 and Sentinel-1 scenes rendered from a scenario.

A scenario places ships and aircraft on a site's layout over time (a quiet background plus dated events that
replay reported claims); the source renders each acquisition of the missions' schedule on the AOI's UTM grid and
writes it, with its ground truth, through the same ``discover``/``fetch`` interface as a real provider.

The names below load on first use, so the CNN's chip generator can import the object and noise modules of this
package without pulling in the GeoTIFF stack (it trains where only torch and numpy are installed). The object
catalogue itself lives in :mod:`monitor.world.objects`, shared with the chip generator.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = (
    "CATALOGUE",
    "ObjectType",
    "PlacedObject",
    "Scenario",
    "SyntheticSource",
    "load_scenario",
    "objects_at",
    "truth_path",
)

_HOME = {
    "CATALOGUE": "monitor.world.objects",
    "ObjectType": "monitor.world.objects",
    "PlacedObject": "monitor.world.objects",
    "Scenario": f"{__name__}.scenario",
    "load_scenario": f"{__name__}.scenario",
    "objects_at": f"{__name__}.scenario",
    "SyntheticSource": f"{__name__}.source",
    "truth_path": f"{__name__}.source",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
