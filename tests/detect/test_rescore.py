"""The second look: D4-averaged scores of doubtful peaks."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from monitor.config.loader import load_settings
from monitor.detect.cnn.detector import CnnDetector
from monitor.detect.cnn.heatmap import Peak
from monitor.detect.cnn.rescore import D4, _orient, _unorient, rescore
from monitor.detect.cnn.weights import load_bundle
from monitor.imagery.scene import read_scene
from monitor.pipeline import make_detector
from tests.conftest import PORT_HULLS, write_labelled_port


def _net() -> torch.nn.Module:
    return load_bundle().models["sentinel-2-l2a"].net.eval()


def _input(seed: int = 5, side: int = 128) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 0.3, (5, side, side)).astype(np.float32)
    x[:, 40:55, 60:64] += 2.5  # a bright hull, not symmetric under any flip or turn
    x[:, 90:93, 20:35] += 1.5
    return x


def test_every_orientation_is_undone():
    t = torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).reshape(2, 3, 4, 4)
    assert len(set(D4)) == 8
    for k, flip in D4:
        assert torch.equal(_unorient(_orient(t, k, flip), k, flip), t)


@pytest.mark.parametrize("mirror", ["transpose", "flip", "turn"])
def test_the_second_look_does_not_depend_on_the_image_orientation(mirror):
    # Averaged over the whole group, a window's score is the same whichever way up the image lies: a check that
    # every orientation's heatmap is turned back onto the right cell.
    net, x, side = _net(), _input(), 128
    peak = Peak(47.0, 61.0, 1, 0.5, 100.0, 20.0, 0.0)
    if mirror == "transpose":
        y, moved = x.transpose(0, 2, 1), Peak(61.0, 47.0, 1, 0.5, 100.0, 20.0, 0.0)
    elif mirror == "flip":
        y, moved = x[:, :, ::-1], Peak(47.0, side - 1 - 61.0, 1, 0.5, 100.0, 20.0, 0.0)
    else:
        y, moved = np.rot90(x, 2, axes=(1, 2)), Peak(side - 1 - 47.0, side - 1 - 61.0, 1, 0.5, 100.0, 20.0, 0.0)
    (a,) = rescore(net, x, [peak], (0.0, 1.0), window=side)
    (b,) = rescore(net, np.ascontiguousarray(y), [moved], (0.0, 1.0), window=side)
    assert a.score == pytest.approx(b.score, abs=1e-4)
    assert a.class_index == b.class_index


def test_peaks_outside_the_band_keep_their_score():
    net, x = _net(), _input()
    sure = Peak(47.0, 61.0, 1, 0.9, 100.0, 20.0, 0.0)
    faint = Peak(91.0, 27.0, 1, 0.1, 100.0, 20.0, 0.0)
    doubtful = Peak(47.0, 61.0, 1, 0.5, 100.0, 20.0, 0.0)
    out = rescore(net, x, [sure, faint, doubtful], (0.25, 0.75), window=96)
    assert out[0] == sure and out[1] == faint
    assert out[2].score != doubtful.score and (out[2].row, out[2].col) == (doubtful.row, doubtful.col)


def test_small_images_are_padded_to_one_window():
    net, x = _net(), _input(side=48)
    (p,) = rescore(net, x, [Peak(20.0, 20.0, 1, 0.5, 80.0, 15.0, 0.0)], (0.0, 1.0), window=96)
    assert 0.0 <= p.score <= 1.0


def test_the_detector_looks_again_at_doubtful_hulls(tmp_path):
    scene = read_scene(write_labelled_port(tmp_path)[0])
    looked, once = CnnDetector(), CnnDetector(second_look=False)
    assert looked.version.endswith("+hull+d4") and once.version.endswith("+hull")
    first = once.detect(scene, None, None)
    second = looked.detect(scene, None, None)
    assert len(first) == len(PORT_HULLS) and all(0.25 <= d.score < 0.75 for d in first)
    assert len(second) == len(first)
    for d in first:
        (e,) = [e for e in second if abs(e.row - d.row) < 1 and abs(e.col - d.col) < 1]
        assert e.score != d.score  # re-scored in place


def test_the_setting_reaches_the_detector(config_path):
    settings = load_settings(config_path, env={})
    assert make_detector(settings).version.endswith("+d4")  # on by default
    off = replace(settings, detector=settings.detector.model_copy(update={"second_look": False}))
    assert not make_detector(off).version.endswith("+d4")
