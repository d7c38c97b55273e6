"""Measuring detectors: matching rules, synthetic scenario scoring and real-port scoring."""

from monitor.evaluate.matching import ClassScore, TruthObject, load_truth, match, score_scenes

__all__ = ("ClassScore", "TruthObject", "load_truth", "match", "score_scenes")
