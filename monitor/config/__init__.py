"""Configuration: frozen models and the loader that applies precedence rules."""

from monitor.config.loader import Settings, load_settings, load_yaml_model
from monitor.config.models import CLASSES, SENSORS, AOIConfig, MonitorConfig, SitePolygon, SizeRule

__all__ = (
    "CLASSES",
    "SENSORS",
    "AOIConfig",
    "MonitorConfig",
    "Settings",
    "SitePolygon",
    "SizeRule",
    "load_settings",
    "load_yaml_model",
)
