"""The trained detector: shipped weights and bundles, windowing seams, hull merging, folded norms, no-AOI floor."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from monitor.config.models import CLASSES
from monitor.detect.cnn.detector import unsited_keeps, unsited_thresholds
from monitor.detect.cnn.heatmap import Peak
from monitor.detect.cnn.net import RESUNET_WIDTHS, CenterNet, NetConfig
from monitor.detect.cnn.tiles import predict, tile_origins
from monitor.detect.cnn.weights import DEFAULT_WEIGHTS, SensorModel, load_bundle, save_bundle
from monitor.errors import UnavailableError


def test_tile_origins_cover_with_overlap():
    assert tile_origins(300, 512, 64) == [0]
    starts = tile_origins(1200, 512, 64)
    assert starts[0] == 0 and starts[-1] == 1200 - 512
    assert all(b - a <= 512 - 64 for a, b in itertools.pairwise(starts))


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


def test_bundles_from_before_the_body_module_still_load(tmp_path):
    net = CenterNet(NetConfig(in_channels=2))
    legacy = {k.removeprefix("body."): v for k, v in net.state_dict().items()}
    payload = {
        "format": 1,
        "card": {"name": "old"},
        "models": {"sentinel-1-grd": {"config": {"in_channels": 2, "num_classes": 4, "widths": [32, 48, 64],
                                                 "head_width": 32}, "state": legacy, "thresholds": [0.3] * 4}},
    }  # fmt: skip
    torch.save(payload, tmp_path / "old.pt")
    b = load_bundle(tmp_path / "old.pt")
    for k, v in b.models["sentinel-1-grd"].net.state_dict().items():
        torch.testing.assert_close(v, net.state_dict()[k])


def test_the_no_aoi_floor_applies_to_ships_only():
    unsited = {"min_score": 0.4, "min_length_m": 60.0}

    def peak(cls: str, score: float, length: float) -> Peak:
        return Peak(1.0, 1.0, CLASSES.index(cls), score, length, 10.0, 0.0)  # type: ignore[arg-type]

    assert unsited_keeps(peak("vessel", 0.5, 80.0), "vessel", unsited)
    assert not unsited_keeps(peak("vessel", 0.5, 40.0), "vessel", unsited)
    assert not unsited_keeps(peak("vessel", 0.3, 80.0), "vessel", unsited)
    assert unsited_keeps(peak("transport_aircraft", 0.3, 46.0), "transport_aircraft", unsited)
    assert unsited_keeps(peak("aircraft", 0.35, 25.0), "aircraft", unsited)


def test_the_no_aoi_floors_are_the_decoding_thresholds_of_their_families():
    model = [0.2, 0.35, 0.35, 0.45]  # landing_ship, vessel, transport_aircraft, aircraft
    # A ship floor under the vessel threshold is decoded from, not only checked after decoding at 0.35.
    assert unsited_thresholds(model, {"min_score": 0.25, "aircraft_min_score": 0.5}) == [0.25, 0.25, 0.5, 0.5]
    assert unsited_thresholds(model, {"min_length_m": 30.0}) == model
    assert unsited_thresholds(model, {"aircraft_min_score": 0.4}) == [0.2, 0.35, 0.4, 0.4]


def test_folding_batch_norms_keeps_the_outputs():
    from monitor.detect.cnn.fast import fold_batch_norms

    torch.manual_seed(0)
    for cfg in (NetConfig(in_channels=5, widths=RESUNET_WIDTHS, arch="resunet"), NetConfig(in_channels=2)):
        net = CenterNet(cfg)
        for m in net.modules():  # give the batch norms non-trivial statistics
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
        net.eval()
        x = torch.randn(2, cfg.in_channels, 64, 64)
        with torch.inference_mode():
            before = net(x)
            fold_batch_norms(net)
            after = net(x)
        assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in net.modules())
        torch.testing.assert_close(after.heatmap, before.heatmap, atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(after.size, before.size, atol=1e-4, rtol=1e-4)


def test_a_bundle_saved_back_from_a_detector_still_loads(tmp_path):
    from monitor.detect.cnn.detector import CnnDetector

    det = CnnDetector()
    path = tmp_path / "again.pt"
    save_bundle(path, det.bundle.models, det.bundle.card)
    again = load_bundle(path)
    for sensor, model in det.bundle.models.items():
        assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.net.modules()), "the bundle keeps its norms"
        for k, v in again.models[sensor].net.state_dict().items():
            torch.testing.assert_close(v, model.net.state_dict()[k], atol=2e-3, rtol=2e-3)
