"""The trained detector: heatmap coding, training steps, resuming, shipped weights, windowing seams."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from monitor.config.models import CLASSES
from monitor.detect.cnn.heatmap import TargetObject, decode, encode
from monitor.detect.cnn.net import CenterNet, NetConfig, NetOutput
from monitor.detect.cnn.tiles import predict, tile_origins
from monitor.detect.cnn.train import TrainConfig, train_sensor
from monitor.detect.cnn.weights import DEFAULT_WEIGHTS, SensorModel, load_bundle, save_bundle
from monitor.errors import UnavailableError


def test_targets_decode_back_to_the_objects():
    objs = [TargetObject(20.3, 31.7, 0, 112.0, 15.0, 35.0), TargetObject(50.0, 10.0, 2, 46.6, 50.5, 120.0)]
    t = encode(objs, (64, 64), len(CLASSES))
    logits = torch.logit(torch.from_numpy(t.heatmap).clamp(1e-4, 1 - 1e-4))[None]
    out = NetOutput(logits, *(torch.from_numpy(a)[None] for a in (t.size, t.heading, t.offset)))
    (peaks,) = decode(out, [0.5] * len(CLASSES))
    got = sorted(
        (p.class_index, round(p.row, 1), round(p.col, 1), round(p.length_m), round(p.heading_deg)) for p in peaks
    )
    assert got == [(0, 20.3, 31.7, 112, 35), (2, 50.0, 10.0, 47, 120)]


def test_tile_origins_cover_with_overlap():
    assert tile_origins(300, 512, 64) == [0]
    starts = tile_origins(1200, 512, 64)
    assert starts[0] == 0 and starts[-1] == 1200 - 512
    assert all(b - a <= 512 - 64 for a, b in itertools.pairwise(starts))


def _tiny(tmp_path, resume=False, interrupt_at=None):
    cfg = TrainConfig(
        sensor="sentinel-1-grd",
        steps=3,
        batch_size=3,
        seed=5,
        chip_size=64,
        real_fraction=0.0,
        checkpoint_every=1,
        validation_chips=6,
    )

    def stop(step, loss):
        if step == interrupt_at:
            raise KeyboardInterrupt

    return train_sensor(cfg, tmp_path / "ck.pt", resume=resume, progress=False, on_step=stop)


def test_training_runs_is_reproducible_and_resumes_exactly(tmp_path):
    straight = _tiny(tmp_path / "a")
    assert len(straight.losses) == 3 and all(np.isfinite(straight.losses))
    assert len(straight.model.thresholds) == len(CLASSES)
    assert (tmp_path / "a" / "ck.pt").exists()
    with pytest.raises(KeyboardInterrupt):
        _tiny(tmp_path / "b", interrupt_at=2)
    resumed = _tiny(tmp_path / "b", resume=True)
    assert resumed.losses == straight.losses
    for k, v in straight.model.net.state_dict().items():
        torch.testing.assert_close(v, resumed.model.net.state_dict()[k], msg=k)


def test_bundle_roundtrip_and_bad_files(tmp_path):
    net = CenterNet(NetConfig(in_channels=2))
    path = tmp_path / "b.pt"
    version = save_bundle(path, {"sentinel-1-grd": SensorModel(net, [0.3, 0.3, 0.4, 0.4])}, {"name": "t"})
    b = load_bundle(path)
    assert b.version == version and version.startswith("cnn-")
    assert b.models["sentinel-1-grd"].thresholds == [0.3, 0.3, 0.4, 0.4]
    with pytest.raises(UnavailableError, match="model weights not found"):
        load_bundle(tmp_path / "none.pt")
    (tmp_path / "bad.pt").write_bytes(b"not torch")
    with pytest.raises(UnavailableError, match="not a usable monitor weights bundle") as info:
        load_bundle(tmp_path / "bad.pt")
    assert info.value.exit_code == 69


def test_shipped_weights_load_without_network():
    b = load_bundle()
    assert DEFAULT_WEIGHTS.stat().st_size < 8 * 2**20
    assert set(b.models) == {"sentinel-2-l2a", "sentinel-1-grd"}
    assert b.card["classes"] == list(CLASSES)
    for sensor, card in b.card["sensors"].items():
        assert card["channels"] and card["normalisation"] and "code_revision" in card, sensor


def test_tiled_inference_matches_one_big_tile_and_counts_seam_objects_once():
    model = load_bundle().models["sentinel-1-grd"]
    rng = np.random.default_rng(3)
    x = rng.normal(-1.0, 0.15, (2, 600, 600)).astype(np.float32)
    for r, c in [(100, 100), (255, 300), (300, 256), (447, 448), (480, 60), (520, 520)]:
        x[:, r - 1 : r + 2, c - 4 : c + 5] = 3.0  # bright hull-like returns, some on tile seams
    whole = predict(model.net, x, model.thresholds, tile=608, overlap=64)
    tiled = predict(model.net, x, model.thresholds, tile=256, overlap=64, batch=3)
    key = sorted((round(p.row), round(p.col), p.class_index) for p in whole)
    assert len(whole) == len(tiled)
    for p in tiled:
        assert any(abs(p.row - q.row) <= 1.5 and abs(p.col - q.col) <= 1.5 for q in whole), (p, key)


def test_merge_hulls_keeps_one_peak_per_long_hull_but_separate_neighbours():
    from monitor.detect.cnn.heatmap import Peak
    from monitor.detect.cnn.tiles import merge_hulls

    bow_stern = [Peak(50.0, 50.0, 1, 0.9, 150.0, 20.0, 0.0), Peak(56.0, 50.0, 1, 0.5, 60.0, 12.0, 0.0)]
    side_by_side = [Peak(20.0, 20.0, 1, 0.8, 110.0, 15.0, 0.0), Peak(20.0, 24.0, 1, 0.7, 110.0, 15.0, 0.0)]
    kept = merge_hulls(bow_stern + side_by_side)
    assert [(p.row, p.col) for p in kept] == [(50.0, 50.0), (20.0, 20.0), (20.0, 24.0)]
