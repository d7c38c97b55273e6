"""The embedded offline source ``synthetic``: Sentinel-2 and Sentinel-1 scenes rendered from a scenario.

A scenario places ships and aircraft on a site's layout over time (a quiet background plus dated events that
replay reported claims); the source renders each acquisition of the missions' schedule on the AOI's UTM grid and
writes it, with its ground truth, through the same ``discover``/``fetch`` interface as a real provider.
"""

from monitor.sources.synthetic.catalogue import CATALOGUE, ObjectType, PlacedObject
from monitor.sources.synthetic.scenario import Scenario, load_scenario, objects_at
from monitor.sources.synthetic.source import SyntheticSource, truth_path

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
