"""Training data and training options added for the GPU recipe: real-chip pools, re-cropping, parallel chip
making, fine-tuning, the label size floor, and legacy bundles."""

from __future__ import annotations

import numpy as np
import torch

from monitor.config.models import CLASSES
from monitor.detect.cnn.batches import ChipStream, StepBatches
from monitor.detect.cnn.chip import CLASS_INDEX, Chip
from monitor.detect.cnn.detector import unsited_keeps
from monitor.detect.cnn.heatmap import Peak, TargetObject
from monitor.detect.cnn.net import RESUNET_WIDTHS, CenterNet, NetConfig
from monitor.detect.cnn.real_chips import load_pool, recrop, save_pool
from monitor.detect.cnn.synth_chips import MIN_AIRCRAFT_M, MIN_SHIP_M, synthetic_chip
from monitor.detect.cnn.train import TrainConfig, train_sensor
from monitor.detect.cnn.weights import SensorModel, load_bundle, save_bundle

S2 = "sentinel-2-l2a"


def _real_chip(origin: str, seed: int, size: int = 40) -> Chip:
    rng = np.random.default_rng(seed)
    bands = {n: rng.uniform(0.0, 0.4, (size, size)).astype(np.float32) for n in ("B02", "B03", "B04", "B08")}
    obj = TargetObject(10.5, 20.5, CLASS_INDEX["vessel"], 90.0, 20.0, 0.0)
    return Chip(S2, bands, np.ones((size, size), bool), [obj], None, False, origin)


def test_real_pool_roundtrip_keeps_bands_labels_and_filters_ports(tmp_path):
    chips = [_real_chip("genoa", 1), _real_chip("athens", 2), _real_chip("genoa", 3)]
    pool = tmp_path / "pool.npz"
    save_pool(pool, chips)
    back = load_pool(pool, ("genoa",))
    assert [c.origin for c in back] == ["genoa", "genoa"]
    for got, want in zip(back, (chips[0], chips[2]), strict=True):
        assert set(got.bands) == {"B02", "B03", "B04", "B08"} and not got.size_known
        for name, band in want.bands.items():
            np.testing.assert_allclose(got.bands[name], band, atol=1.0 / 65535)
        assert got.objects == want.objects
    assert not list(tmp_path.glob(".*tmp*")), "the pool is written atomically"


def test_recrop_moves_labels_and_drops_those_outside():
    chip = _real_chip("genoa", 4, size=64)
    chip.objects.append(TargetObject(50.0, 30.0, CLASS_INDEX["vessel"], 50.0, 10.0, 90.0))
    rng = np.random.default_rng(0)
    seen_both = seen_one = False
    for _ in range(30):
        out = recrop(chip, 48, rng)
        assert out.valid.shape == (48, 48) and all(b.shape == (48, 48) for b in out.bands.values())
        for o in out.objects:
            assert 0 <= o.row < 48 and 0 <= o.col < 48
        seen_both |= len(out.objects) == 2
        seen_one |= len(out.objects) == 1
        # The first ship keeps its offset from the crop corner: its centre pixel is the same pixel of the source.
        first = [o for o in out.objects if o.length_m == 90.0]
        if first:
            r0, c0 = round(10.5 - first[0].row), round(20.5 - first[0].col)
            ratio = out.bands["B08"][5, 5] / chip.bands["B08"][r0 + 5, c0 + 5]
            assert 0.87 <= ratio <= 1.13
    assert seen_both and seen_one


def test_parallel_chip_making_gives_the_same_batches():
    stream = ChipStream("sentinel-1-grd", seed=3, size=32)
    serial = [StepBatches(stream, 2, 5, 8)[i] for i in range(3)]
    loader = torch.utils.data.DataLoader(StepBatches(stream, 2, 5, 8), batch_size=None, num_workers=2)
    for a, b in zip(serial, loader, strict=True):
        torch.testing.assert_close(a.x, b.x)
        torch.testing.assert_close(a.heatmap, b.heatmap)


def test_synthetic_labels_respect_the_size_floor():
    rng = np.random.default_rng(11)
    ships = aircraft = 0
    for _ in range(25):
        chip = synthetic_chip(rng, S2, 64)
        for o in chip.objects:
            if CLASSES[o.class_index] in ("landing_ship", "vessel"):
                ships += 1
                assert o.length_m >= MIN_SHIP_M
            else:
                aircraft += 1
                assert max(o.length_m, o.width_m) >= MIN_AIRCRAFT_M
    assert ships and aircraft


def test_fine_tuning_starts_from_a_bundle(tmp_path):
    net = CenterNet(NetConfig(in_channels=2, widths=RESUNET_WIDTHS, arch="resunet"))
    bundle = tmp_path / "start.pt"
    save_bundle(bundle, {"sentinel-1-grd": SensorModel(net, [0.3] * 4)}, {"name": "t"})
    cfg = TrainConfig(
        sensor="sentinel-1-grd",
        steps=1,
        batch_size=2,
        lr=1e-9,
        chip_size=32,
        real_fraction=0.0,
        validation_chips=2,
        init_from=str(bundle),
        arch="unet3",
    )
    res = train_sensor(cfg, tmp_path / "ck.pt", progress=False)
    assert res.model.net.cfg.arch == "resunet", "the bundle's architecture wins"
    start = load_bundle(bundle).models["sentinel-1-grd"].net.state_dict()
    moved = [k for k, v in res.model.net.state_dict().items() if v.is_floating_point() and "running" not in k]
    assert all(torch.allclose(res.model.net.state_dict()[k], start[k], atol=1e-5) for k in moved)


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
