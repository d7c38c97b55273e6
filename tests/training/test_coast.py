"""Surf and sand-bar hard negatives: drawn on water only, and only surf beside sandy shores."""

from __future__ import annotations

import numpy as np

from monitor.training.synth.coast import paint_coast


def _coast(n: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    water = np.zeros((n, n), np.float32)
    water[:, n // 2 :] = 1.0
    sand = np.zeros((n, n), np.float32)
    sand[:, n // 2 - 4 : n // 2] = 1.0
    refl = np.full((5, n, n), 0.03, np.float32)
    return refl, water, sand


def test_surf_brightens_water_near_the_beach_and_nothing_on_land():
    changed_near = changed_far = 0.0
    for seed in range(20):
        refl, water, sand = _coast()
        before = refl.copy()
        paint_coast(np.random.default_rng(seed), refl, water, sand, True)
        diff = (refl - before)[1]
        assert np.all(diff[:, :32] == 0)  # land and beach untouched
        assert np.all(diff >= 0)
        changed_near += float(diff[:, 32:40].sum())
        changed_far += float(diff[:, 56:].sum())
    # Surf lies within a few pixels of the beach; sand bars fall anywhere on the water.
    assert changed_near > 0 and changed_near > 2 * changed_far


def test_no_surf_without_sand_but_sand_bars_stay_on_water():
    refl, water, sand = _coast()
    before = refl.copy()
    for seed in range(10):
        paint_coast(np.random.default_rng(seed), refl, water, np.zeros_like(sand), True)
    diff = (refl - before)[1]
    assert np.all(diff[:, :32] == 0) and diff[:, 32:].max() > 0
