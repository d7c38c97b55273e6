"""Train the shipped CNN bundles on one machine in a fixed wall-clock budget (how default.pt was made).

Runs trainings side by side, each through :func:`monitor.training.card.train_bundle` exactly as
``monitor train`` does, but needs only torch, numpy, scipy and pydantic (no GeoTIFF stack), so it runs on a
GPU box with the real chips carried as a pool file (``monitor train --save-real-pool``):

- ``s2-all``: Sentinel-2 on all eight sen2ships ports and the two sen2ships-partial ports (the shipped model);
- ``s2-fold``: the same recipe on the four training ports and the two partial ports only, so genoa, hedland,
  marseille and valencia stay a held-out test of the recipe;
- ``s1``: Sentinel-1 (synthetic only).

With ``--fine-tune`` a job starts from the bundle it replaces instead of afresh: ``s2-all`` and ``s1`` from the
shipped ``monitor/detect/cnn/weights/default.pt``, ``s2-fold`` from ``benchmarks/models/cnn-fold4.pt``; the output
bundle starts as a copy of that file, so the sensors a job does not train are carried over unchanged.

Chips are made on the CPU by DataLoader workers and are the bottleneck, so each job first measures how many
steps per second its workers deliver and then sets its step count to fill the budget; the count is recorded
in the model card, and a run with that ``--steps`` reproduces from the seed.

Usage: python scripts/train_weights.py --pool real_pool.npz --out DIR [--device cuda] [--minutes 6] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.training.loop import TrainConfig

JOBS = {
    "s2-all": ("sentinel-2-l2a", "all"),
    "s2-fold": ("sentinel-2-l2a", "train"),
    "s1": ("sentinel-1-grd", None),
}


def _probe(cfg: TrainConfig, pool: Path | None, workers: int, seconds: float) -> float:
    import torch

    from monitor.training.batches import ChipStream, StepBatches

    stream = ChipStream(
        cfg.sensor, cfg.seed + 99, cfg.chip_size, pool, cfg.real_fraction, cfg.real_ports, graft=cfg.graft
    )
    loader = torch.utils.data.DataLoader(
        StepBatches(stream, cfg.batch_size, 0, 10_000), batch_size=None, num_workers=workers, prefetch_factor=2
    )
    it = iter(loader)
    next(it)
    t0, n = time.monotonic(), 0
    while time.monotonic() - t0 < seconds:
        next(it)
        n += 1
    return n / (time.monotonic() - t0)


def _job(name: str, args: argparse.Namespace) -> None:
    import torch

    from monitor.training.card import train_bundle
    from monitor.training.loop import TrainConfig
    from monitor.training.real_chips import ALL_PORTS, PARTIAL_PORTS, TRAIN_PORTS

    torch.set_num_threads(args.threads)
    sensor, ports = JOBS[name]
    real_ports = (ALL_PORTS if ports == "all" else TRAIN_PORTS) + PARTIAL_PORTS
    init = None
    if args.init_dir is not None:
        init = args.init_dir / f"{name}.pt"
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(init, args.out / f"{name}.pt")
    elif args.fine_tune:
        root = Path(__file__).resolve().parents[1]
        shipped = "monitor/detect/cnn/weights/default.pt"
        init = root / ("benchmarks/models/cnn-fold4.pt" if name == "s2-fold" else shipped)
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(init, args.out / f"{name}.pt")
    cfg = TrainConfig(
        sensor=sensor,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        real_ports=real_ports,
        init_from=str(init) if init else None,
    )
    pool = args.pool if sensor == "sentinel-2-l2a" else None
    if args.smoke:
        steps = 6
    elif args.steps:
        steps = args.steps
    else:
        rate = _probe(cfg, pool, args.workers[name], args.probe_seconds)
        steps = int(rate * args.minutes * 60 * 0.92)
        print(f"{name}: {rate:.2f} steps/s -> {steps} steps", flush=True)
    cfg = replace(cfg, steps=steps, checkpoint_every=max(steps // 4, 1), warmup_steps=min(args.warmup, steps))
    out = args.out / f"{name}.pt"
    t0 = time.monotonic()
    version, card = train_bundle(
        [sensor],
        cfg,
        out,
        args.checkpoints / name,
        pool,
        device=args.device,
        workers=args.workers[name],
        progress=False,
    )
    val = card["sensors"][sensor]["validation_synthetic"]
    summary = {c: (round(m["f1"], 3), round(m["count_mae"], 3)) for c, m in val.items()}
    print(
        f"{name}: {version} {steps} steps in {time.monotonic() - t0:.0f} s; synthetic val F1/MAE {summary}", flush=True
    )


def main() -> None:
    """Parse the command line and run the three jobs in parallel (or one job, in a child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--checkpoints", type=Path, default=Path("/tmp/monitor-train-checkpoints"))
    parser.add_argument("--minutes", type=float, default=6.0)
    parser.add_argument("--probe-seconds", type=float, default=20.0)
    parser.add_argument("--steps", type=int, default=0, help="Fixed steps per job instead of filling --minutes.")
    parser.add_argument("--threads", type=int, default=2, help="Torch threads per job.")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=json.loads, default={"s2-all": 6, "s2-fold": 5, "s1": 4})
    parser.add_argument("--fine-tune", action="store_true", help="Start from the bundles each job replaces.")
    parser.add_argument("--init-dir", type=Path, default=None, help="Continue from DIR/<job>.pt (a second round).")
    parser.add_argument("--warmup", type=int, default=100, help="Linear warm-up steps.")
    parser.add_argument("--jobs", default=",".join(JOBS), help="Comma-separated jobs to run.")
    parser.add_argument("--smoke", action="store_true", help="A few steps of each job, to check the set-up.")
    parser.add_argument("--job", choices=sorted(JOBS), default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        _job(args.job, args)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    names = [n for n in args.jobs.split(",") if n]
    procs = {name: subprocess.Popen([sys.executable, *sys.argv, "--job", name], env=env) for name in names}
    failed = [name for name, p in procs.items() if p.wait() != 0]
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
