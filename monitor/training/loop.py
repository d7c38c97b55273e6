"""Training one sensor's network: seeded, resumable, with a progress bar and threshold calibration.

A checkpoint (network, optimiser, step) is written every ``checkpoint_every`` steps; ``resume=True`` picks it
up. After the last step the per-class score thresholds are chosen on held-out synthetic chips (a seed the
training never draws) to minimise the count error, as counting, not box quality, is what the monitor needs.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from monitor.config.models import CLASSES, SensorName
from monitor.detect.cnn.heatmap import decode
from monitor.detect.cnn.inputs import CHANNELS
from monitor.detect.cnn.net import RESUNET_WIDTHS, Arch, CenterNet, NetConfig
from monitor.detect.cnn.weights import SensorModel
from monitor.training.batches import ChipStream, StepBatches, to_batch
from monitor.training.targets import focal_loss, regression_loss

__all__ = ("TrainConfig", "TrainResult", "calibrate", "train_sensor")

log = logging.getLogger("monitor.train")
_VALIDATION_SEED_OFFSET = 1_000_003
_THRESHOLDS = tuple(round(float(t), 2) for t in np.arange(0.15, 0.8, 0.05))


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one training run (stored in the model card)."""

    sensor: SensorName
    steps: int = 2000
    batch_size: int = 24
    lr: float = 2e-3
    weight_decay: float = 1e-4
    seed: int = 0
    chip_size: int = 96
    real_fraction: float = 0.25
    checkpoint_every: int = 100
    validation_chips: int = 300
    arch: Arch = "resunet"
    warmup_steps: int = 100
    real_background: int = 8
    init_from: str | None = None
    real_ports: tuple[str, ...] | None = None
    graft: float = 0.5
    mine_with: str | None = None


@dataclass
class TrainResult:
    """The trained model and what was measured while training."""

    model: SensorModel
    losses: list[float] = field(default_factory=list)
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    real_ports: tuple[str, ...] = ()


def _save_checkpoint(path: Path, net: CenterNet, opt: torch.optim.Optimizer, step: int, losses: list[float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "step": step, "losses": losses}, tmp)
    os.replace(tmp, path)


def _network(cfg: TrainConfig) -> CenterNet:
    base = NetConfig(in_channels=len(CHANNELS[cfg.sensor]), num_classes=len(CLASSES))
    if cfg.arch == "resunet":
        base = dataclasses.replace(base, widths=RESUNET_WIDTHS, arch="resunet")
    return CenterNet(base)


def train_sensor(
    cfg: TrainConfig,
    checkpoint: Path,
    real_dir: Path | None = None,
    resume: bool = False,
    progress: bool | None = None,
    on_step: Callable[[int, float], None] | None = None,
    device: str = "cpu",
    workers: int = 0,
) -> TrainResult:
    """Train one sensor's network.

    Args:
        cfg: Hyper-parameters.
        checkpoint: Checkpoint file (written during training, read when resuming).
        real_dir: The real ports (sen2ships folder or chip pool file; Sentinel-2 only); None for synthetic only.
        resume: Continue from ``checkpoint`` if it exists.
        progress: Progress bar on stderr (None: only on a terminal).
        on_step: Called with (step, loss) after every step.
        device: Torch device for the network (``cpu``, ``cuda``); chips are always made on the CPU.
        workers: Worker processes making chips (0: in this process). The batches do not depend on it.

    Returns:
        The trained model with calibrated thresholds.
    """
    torch.manual_seed(cfg.seed)
    dev = torch.device(device)
    net = _network(cfg)
    if cfg.init_from:
        # Fine-tuning: start from a bundle's network for this sensor (its architecture wins over cfg.arch).
        from monitor.detect.cnn.weights import load_bundle, sensor_model

        net = sensor_model(load_bundle(Path(cfg.init_from)), cfg.sensor).net
        net = net.to(memory_format=torch.contiguous_format).train()
    net = net.to(dev)
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    start, losses = 0, []
    if resume and checkpoint.exists():
        state = torch.load(checkpoint, map_location=dev, weights_only=True)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        start, losses = int(state["step"]), list(state["losses"])
        log.info("resuming %s from step %d", cfg.sensor, start)
    hard = None
    if cfg.mine_with is not None and real_dir is not None and real_dir.is_dir() and cfg.sensor == "sentinel-2-l2a":
        from monitor.training.mining import mine_ports

        hard = mine_ports(Path(cfg.mine_with), real_dir, cfg.real_ports)
    stream = ChipStream(
        cfg.sensor,
        cfg.seed,
        cfg.chip_size,
        real_dir,
        cfg.real_fraction,
        cfg.real_ports,
        cfg.real_background,
        cfg.graft,
        hard,
    )
    loader = torch.utils.data.DataLoader(
        StepBatches(stream, cfg.batch_size, start, cfg.steps),
        batch_size=None,
        num_workers=workers,
        prefetch_factor=4 if workers else None,
        pin_memory=dev.type == "cuda",
    )
    net.train()
    bar = tqdm(
        zip(range(start, cfg.steps), loader, strict=True),
        initial=start,
        total=cfg.steps,
        desc=f"train {cfg.sensor}",
        disable=None if progress is None else not progress,
    )
    for step, batch in bar:
        # A short linear warm-up keeps the first steps of the deeper network from blowing up its batch norms.
        warm = min(1.0, (step + 1) / max(cfg.warmup_steps, 1))
        lr = warm * cfg.lr * 0.5 * (1 + math.cos(math.pi * step / max(cfg.steps, 1)))
        for group in opt.param_groups:
            group["lr"] = lr
        b = batch.to(dev)
        # bf16 autocast only on a GPU: it changes nothing of the CPU path that tests and users run.
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
            out = net(b.x)
        out = out.float()
        loss = focal_loss(out.heatmap, b.heatmap, weight=b.weight) + regression_loss(
            out, b.size, b.heading, b.offset, b.mask
        )
        opt.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
        opt.step()
        losses.append(float(loss.detach()))
        bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
        if (step + 1) % cfg.checkpoint_every == 0 or step + 1 == cfg.steps:
            _save_checkpoint(checkpoint, net, opt, step + 1, losses)
            log.info("%s step %d/%d loss %.3f", cfg.sensor, step + 1, cfg.steps, np.mean(losses[-50:]))
        if on_step is not None:
            on_step(step + 1, losses[-1])
    net = net.cpu().eval()
    thresholds, validation = calibrate(net, cfg)
    return TrainResult(SensorModel(net, thresholds), losses, validation, stream.real_ports)


def calibrate(net: CenterNet, cfg: TrainConfig) -> tuple[list[float], dict[str, dict[str, float]]]:
    """Pick per-class thresholds that minimise the count error on held-out synthetic chips.

    Args:
        net: The trained network (eval mode).
        cfg: The training configuration (sensor, seed, chip size).

    Returns:
        (thresholds per class, validation metrics per class at those thresholds).
    """
    from monitor.training.synth.chips import synthetic_chip

    rng = np.random.default_rng([cfg.seed + _VALIDATION_SEED_OFFSET])
    chips = [synthetic_chip(rng, cfg.sensor, cfg.chip_size) for _ in range(cfg.validation_chips)]
    with torch.inference_mode():
        outs = [net(to_batch(chips[i : i + 32], cfg.sensor).x) for i in range(0, len(chips), 32)]
    peaks = [p for out in outs for p in decode(out, [min(_THRESHOLDS)] * len(CLASSES))]
    thresholds: list[float] = []
    metrics: dict[str, dict[str, float]] = {}
    for k, cls in enumerate(CLASSES):
        best: tuple[float, float, dict[str, float]] | None = None
        for t in _THRESHOLDS:
            tp = fp = fn = 0
            err = 0
            for chip, found in zip(chips, peaks, strict=True):
                pred = [p for p in found if p.class_index == k and p.score >= t]
                truth = [o for o in chip.objects if o.class_index == k]
                hit = _match(pred, truth)
                tp, fp, fn = tp + hit, fp + len(pred) - hit, fn + len(truth) - hit
                err += abs(len(pred) - len(truth))
            mae = err / len(chips)
            f1 = 2 * tp / max(2 * tp + fp + fn, 1)
            if best is None or (mae, -f1) < (best[0], -best[2]["f1"]):
                best = (mae, t, {"threshold": t, "count_mae": mae, "f1": f1, "tp": tp, "fp": fp, "fn": fn})
        assert best is not None
        thresholds.append(best[1])
        metrics[cls] = best[2]
    return thresholds, metrics


def _match(pred: list, truth: list) -> int:  # type: ignore[type-arg]
    used: set[int] = set()
    for p in sorted(pred, key=lambda p: -p.score):
        for i, o in enumerate(truth):
            if i not in used and math.hypot(p.row - o.row, p.col - o.col) <= max(3.0, o.length_m / 20.0):
                used.add(i)
                break
    return len(used)
