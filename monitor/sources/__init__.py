"""Scene sources: the embedded synthetic renderer and real providers, behind one interface."""

from monitor.sources.base import SceneRef, Source, make_scene_id

__all__ = ("SceneRef", "Source", "make_scene_id")
