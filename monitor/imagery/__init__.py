"""Imagery: the scene format, grids, masks and resampling."""

from monitor.imagery.grid import Grid, SiteMasks, aoi_grid, site_masks
from monitor.imagery.scene import Scene, read_scene, write_scene

__all__ = ("Grid", "Scene", "SiteMasks", "aoi_grid", "read_scene", "site_masks", "write_scene")
