"""The embedded offline source ``synthetic``: Sentinel-2 and Sentinel-1 scenes rendered from a scenario.

A scenario places ships and aircraft on a site's layout over time (a quiet background plus dated events that
replay reported claims); the source renders each acquisition of the missions' schedule on the AOI's UTM grid and
writes it, with its ground truth, through the same ``discover``/``fetch`` interface as a real provider.

The names below load on first use, so the CNN's chip generator can import the object and noise modules of this
package without pulling in the GeoTIFF stack (it trains where only torch and numpy are installed).
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
    "CATALOGUE": "catalogue",
    "ObjectType": "catalogue",
    "PlacedObject": "catalogue",
    "Scenario": "scenario",
    "load_scenario": "scenario",
    "objects_at": "scenario",
    "SyntheticSource": "source",
    "truth_path": "source",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
