"""Turning chips into training tensors, and the seeded streams of chips that training draws from.

Every chip a step uses is a pure function of (seed, step), so training reproduces exactly from a seed and a
resumed run continues as if it had never stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from monitor.config.models import CLASSES, SensorName
from monitor.detect.cnn.chip import Chip
from monitor.detect.cnn.heatmap import encode
from monitor.detect.cnn.inputs import to_input

__all__ = ("Batch", "ChipStream", "to_batch")


@dataclass
class Batch:
    """Stacked inputs and targets of several chips."""

    x: Tensor
    heatmap: Tensor
    size: Tensor
    heading: Tensor
    offset: Tensor
    mask: Tensor
    weight: Tensor


def to_batch(chips: Sequence[Chip], sensor: SensorName) -> Batch:
    """Encode chips into network inputs and dense targets.

    Args:
        chips: Chips of one sensor and one size.
        sensor: The sensor.

    Returns:
        The batch; ``weight`` (N, 1, h, w) is 0 where the heatmap loss must not be taken (``ignore``).
    """
    xs, heats, sizes, heads, offs, masks, weights = [], [], [], [], [], [], []
    for chip in chips:
        shape = chip.valid.shape
        xs.append(to_input(sensor, chip.bands))
        t = encode(chip.objects, shape, len(CLASSES))
        heats.append(t.heatmap)
        sizes.append(t.size)
        heads.append(t.heading)
        offs.append(t.offset)
        masks.append(t.mask if chip.size_known else t.mask * 0.0)
        w = np.ones((1, shape[0] // 2, shape[1] // 2), np.float32)
        if chip.ignore is not None:
            w[0] = 1.0 - chip.ignore[::2, ::2].astype(np.float32)
        weights.append(w)

    def stack(a: list[np.ndarray]) -> Tensor:
        return torch.from_numpy(np.stack(a))

    return Batch(stack(xs), stack(heats), stack(sizes), stack(heads), stack(offs), stack(masks), stack(weights))


class ChipStream:
    """Seeded chips for training: fresh synthetic chips per step, mixed with real chips for Sentinel-2.

    Args:
        sensor: Which sensor to imitate.
        seed: Master seed.
        size: Chip side in pixels.
        real_dir: Folder of the real development ports (sen2ships); None trains on synthetic chips only.
        real_fraction: Share of each Sentinel-2 batch taken from real training ports.
    """

    def __init__(
        self, sensor: SensorName, seed: int, size: int = 96, real_dir: Path | None = None, real_fraction: float = 0.25
    ) -> None:
        from monitor.detect.cnn.real_chips import TRAIN_PORTS, real_chips

        self.sensor = sensor
        self.seed = seed
        self.size = size
        self.real: list[Chip] = []
        self.real_ports: tuple[str, ...] = ()
        if sensor == "sentinel-2-l2a" and real_dir is not None and real_fraction > 0:
            rng = np.random.default_rng([seed, 7])
            ports = [p for p in TRAIN_PORTS if (real_dir / f"{p}.tif").exists()]
            for port in ports:
                self.real += real_chips(real_dir / f"{port}.tif", real_dir / f"{port}.geojson", rng, size=size)
            self.real_ports = tuple(ports)
        self.real_fraction = real_fraction if self.real else 0.0

    def chips(self, step: int, n: int) -> list[Chip]:
        """The chips of one training step.

        Args:
            step: Step number (the chips depend only on the seed and this).
            n: Batch size.

        Returns:
            ``n`` augmented chips.
        """
        from monitor.detect.cnn.real_chips import augment
        from monitor.detect.cnn.synth_chips import synthetic_chip

        rng = np.random.default_rng([self.seed, step])
        n_real = round(n * self.real_fraction)
        out = [augment(self.real[int(i)], rng) for i in rng.integers(0, len(self.real), n_real)] if n_real else []
        out += [augment(synthetic_chip(rng, self.sensor, self.size), rng) for _ in range(n - n_real)]
        return out
