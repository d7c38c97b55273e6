"""Training data and training options added for the GPU recipe: real-chip pools, re-cropping, parallel chip
making, fine-tuning and the label size floor."""

from __future__ import annotations

import numpy as np
import torch

from monitor.config.models import CLASSES
from monitor.detect.cnn.net import RESUNET_WIDTHS, CenterNet, NetConfig
from monitor.detect.cnn.weights import SensorModel, load_bundle, save_bundle
from monitor.training.batches import ChipStream, StepBatches
from monitor.training.chip import CLASS_INDEX, Chip
from monitor.training.loop import TrainConfig, train_sensor
from monitor.training.real_chips import load_pool, recrop, save_pool
from monitor.training.synth.chips import MIN_AIRCRAFT_M, MIN_SHIP_M, synthetic_chip
from monitor.training.targets import TargetObject

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
