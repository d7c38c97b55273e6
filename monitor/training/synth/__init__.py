"""Synthetic training chips: harbour, airport and open-water layouts painted as Sentinel-2 or Sentinel-1 images."""
