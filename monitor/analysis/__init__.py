"""From counts to change: activity series, count-model baselines and change-point episodes per site and class."""

from monitor.analysis.site import ANALYSIS_VERSION, ClassAnalysis, analyse_class, analyse_site

__all__ = ("ANALYSIS_VERSION", "ClassAnalysis", "analyse_class", "analyse_site")
