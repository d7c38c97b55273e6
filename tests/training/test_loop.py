"""The training loop: a few steps run, are reproducible and resume exactly after an interruption."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from monitor.config.models import CLASSES
from monitor.training.loop import TrainConfig, train_sensor


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
