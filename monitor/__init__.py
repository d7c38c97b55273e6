"""monitor: count landing ships and transport aircraft in Sentinel-1/-2 scenes and test reported deployments.

The package follows the data:

- :mod:`monitor.config`: frozen pydantic models for the app config, AOIs and scenarios; precedence rules.
- :mod:`monitor.sources`: scene providers behind one interface (the embedded ``synthetic`` renderer first).
- :mod:`monitor.imagery`: the scene GeoTIFF format (bands by description, scales, masks), grids, resampling.
- :mod:`monitor.detect`: detectors (classical baselines now) and counting inside site polygons.
- :mod:`monitor.store`: the SQLite store of runs, scenes, detections and counts.
- :mod:`monitor.pipeline`: plan, fetch, detect and store; :mod:`monitor.cli` is a thin click shell on top.
"""

__version__ = "0.1.0"
