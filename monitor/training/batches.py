"""Turning chips into training tensors, and the seeded streams of chips that training draws from.

Every chip a step uses is a pure function of (seed, step), so training reproduces exactly from a seed and a
resumed run continues as if it had never stopped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from monitor.config.models import CLASSES, SensorName
from monitor.detect.cnn.inputs import to_input
from monitor.training.chip import Chip
from monitor.training.targets import encode

__all__ = ("REAL_MARGIN", "Batch", "ChipStream", "StepBatches", "to_batch")

REAL_MARGIN = 32


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

    def to(self, device: torch.device) -> Batch:
        """The batch on another device.

        Args:
            device: Target device.

        Returns:
            A new batch.
        """
        return Batch(*(getattr(self, f.name).to(device, non_blocking=True) for f in dataclasses.fields(self)))


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

    Real chips are cut ``REAL_MARGIN`` pixels larger than ``size`` and re-cropped at random for every use.

    Args:
        sensor: Which sensor to imitate.
        seed: Master seed.
        size: Chip side in pixels.
        real_dir: Folder of the real development ports (sen2ships), or a pool file written by
            :func:`~monitor.training.real_chips.save_pool`; None trains on synthetic chips only.
        real_fraction: Share of each Sentinel-2 batch taken from real training ports.
        ports: Which real ports may be used (default: the four training ports).
        background: Chips per port at random places, besides one around every labelled ship; they teach the
            port's unlabelled clutter (marinas, cranes, small boats) as background.
        graft: Share of the real chips that get drawn aircraft on their dry land
            (:func:`~monitor.training.synth.graft.graft_aircraft`), so that real texture alone never means
            "no aircraft".
        hard: Per port, points (x, y in the port's CRS) where a detector reported a vessel that is not there
            (:func:`~monitor.training.mining.false_alarms`); each gets a chip of its own. Not used with a pool
            file, which holds its mined chips already.
    """

    def __init__(
        self,
        sensor: SensorName,
        seed: int,
        size: int = 96,
        real_dir: Path | None = None,
        real_fraction: float = 0.25,
        ports: Sequence[str] | None = None,
        background: int = 8,
        graft: float = 0.5,
        hard: Mapping[str, Sequence[tuple[float, float]]] | None = None,
    ) -> None:
        from monitor.training.real_chips import TRAIN_PORTS, load_pool, port_files, real_chips

        self.sensor = sensor
        self.seed = seed
        self.size = size
        self.real: list[Chip] = []
        self.real_ports: tuple[str, ...] = ()
        wanted = tuple(ports) if ports is not None else TRAIN_PORTS
        if sensor == "sentinel-2-l2a" and real_dir is not None and real_fraction > 0:
            if real_dir.is_file():
                self.real = load_pool(real_dir, wanted)
                self.real_ports = tuple(p for p in wanted if any(c.origin == p for c in self.real))
            else:
                rng = np.random.default_rng([seed, 7])
                files = [(p, port_files(real_dir, p)) for p in wanted]
                found = [(p, f) for p, f in files if f is not None]
                for port, (tif, labels) in found:
                    self.real += real_chips(
                        tif, labels, rng, size=size + REAL_MARGIN, n_random=background, hard=(hard or {}).get(port, ())
                    )
                self.real_ports = tuple(p for p, _ in found)
        self.real_fraction = real_fraction if self.real else 0.0
        self.graft = graft

    def chips(self, step: int, n: int) -> list[Chip]:
        """The chips of one training step.

        Args:
            step: Step number (the chips depend only on the seed and this).
            n: Batch size.

        Returns:
            ``n`` augmented chips.
        """
        from monitor.training.real_chips import augment, recrop
        from monitor.training.synth.chips import synthetic_chip
        from monitor.training.synth.graft import graft_aircraft

        rng = np.random.default_rng([self.seed, step])
        n_real = round(n * self.real_fraction)
        picks = rng.integers(0, len(self.real), n_real).tolist() if n_real else []
        out = []
        for i in picks:
            chip = recrop(self.real[i], self.size, rng)
            out.append(augment(graft_aircraft(chip, rng) if rng.uniform() < self.graft else chip, rng))
        out += [augment(synthetic_chip(rng, self.sensor, self.size), rng) for _ in range(n - n_real)]
        return out


class StepBatches(torch.utils.data.Dataset[Batch]):
    """The batches of a run's steps as a dataset, so a DataLoader's worker processes can make chips in parallel.

    Item ``i`` is the batch of step ``start + i``; it depends only on the seed and the step, so any number of
    workers gives exactly the batches of a single process.

    Args:
        stream: The chip stream.
        batch_size: Chips per step.
        start: First step.
        stop: One past the last step.
    """

    def __init__(self, stream: ChipStream, batch_size: int, start: int, stop: int) -> None:
        self.stream, self.batch_size, self.start, self.stop = stream, batch_size, start, stop

    def __len__(self) -> int:
        return max(self.stop - self.start, 0)

    def __getitem__(self, i: int) -> Batch:
        return to_batch(self.stream.chips(self.start + i, self.batch_size), self.stream.sensor)
