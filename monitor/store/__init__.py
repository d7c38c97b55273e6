"""The SQLite store of runs, scenes, detections and counts."""

from monitor.store.db import CountRow, SceneRecord, Store

__all__ = ("CountRow", "SceneRecord", "Store")
