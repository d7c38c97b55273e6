"""QGIS-ready outputs: per-scene COG overlays with QML styles, a styled GeoPackage and a project per site."""

from monitor.export.refresh import export_sites, refresh_after_run
from monitor.export.site import SiteExport, export_site

__all__ = ("SiteExport", "export_site", "export_sites", "refresh_after_run")
