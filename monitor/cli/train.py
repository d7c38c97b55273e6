"""``monitor train``: train the CNN detector from a seed, resumable, and write a weights bundle + model card."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.options import config_option
from monitor.config.loader import load_settings
from monitor.config.models import SENSORS, SensorName
from monitor.errors import UsageError
from monitor.evaluate.runs import DEFAULT_REAL_DIR

__all__ = ("train_cmd",)


@click.command("train")
@config_option
@click.option(
    "--sensor", "sensors", multiple=True, type=click.Choice([*SENSORS, "all"]), default=("all",), show_default=True
)
@click.option("--steps", type=click.IntRange(1), default=2000, show_default=True, help="Optimiser steps per sensor.")
@click.option("--batch-size", type=click.IntRange(1), default=24, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=2e-3, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Makes training reproducible.")
@click.option("--real-fraction", type=click.FloatRange(0, 1), default=0.25, show_default=True)
@click.option(
    "--real-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Real Sentinel-2 ports (sen2ships); only the training ports are used. Default: ../shared/data/sen2ships.",
)
@click.option(
    "--real-ports",
    default=None,
    help="Comma-separated sen2ships ports to train on, or 'all' (default: the four training ports).",
)
@click.option(
    "--save-real-pool",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Only write the real chips of --real-ports to this .npz (usable as --real-dir where the ports are not).",
)
@click.option(
    "--mine-with",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Add a real chip around every false vessel this bundle reports on each real port used (hard negatives).",
)
@click.option("--arch", type=click.Choice(["resunet", "unet3"]), default="resunet", show_default=True)
@click.option(
    "--real-background", type=click.IntRange(0), default=8, show_default=True, help="Random real chips per port."
)
@click.option(
    "--init-from",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Fine-tune: start each sensor from this bundle's network.",
)
@click.option("--device", default="cpu", show_default=True, help="Torch device for the network (cpu, cuda).")
@click.option("--workers", type=click.IntRange(0), default=0, show_default=True, help="Chip-making processes.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Bundle to write.")
@click.option("--resume", is_flag=True, help="Continue from the last checkpoint.")
@click.option(
    "--calibrate-real", is_flag=True, help="Only re-choose the no-AOI operating point of --out on the training ports."
)
def train_cmd(
    config: Path | None,
    sensors: tuple[str, ...],
    steps: int,
    batch_size: int,
    lr: float,
    seed: int,
    real_fraction: float,
    real_dir: Path | None,
    real_ports: str | None,
    save_real_pool: Path | None,
    mine_with: Path | None,
    arch: str,
    real_background: int,
    init_from: Path | None,
    device: str,
    workers: int,
    out: Path | None,
    resume: bool,
    calibrate_real: bool,
) -> None:
    """Train the detector (default: both sensors) and write <data>/models/monitor-cnn.pt plus its model card."""
    from monitor.training.card import train_bundle
    from monitor.training.loop import TrainConfig
    from monitor.training.real_chips import ALL_PORTS, PARTIAL_PORTS

    settings = load_settings(config)
    chosen: list[SensorName] = list(SENSORS) if "all" in sensors else [s for s in SENSORS if s in sensors]
    models_dir = settings.data_dir / "models"
    out = out or models_dir / "monitor-cnn.pt"
    if real_dir is None and DEFAULT_REAL_DIR.is_dir():
        real_dir = DEFAULT_REAL_DIR
    ports = _ports(real_ports, ALL_PORTS + PARTIAL_PORTS)
    if mine_with is not None and (real_dir is None or not real_dir.is_dir()):
        raise UsageError("--mine-with needs --real-dir (the sen2ships folder)")
    if save_real_pool is not None:
        from monitor.training.batches import ChipStream
        from monitor.training.mining import mine_ports
        from monitor.training.real_chips import save_pool

        if real_dir is None:
            raise UsageError("--save-real-pool needs --real-dir (the sen2ships folder)")
        hard = mine_ports(mine_with, real_dir, ports) if mine_with is not None else None
        stream = ChipStream(
            "sentinel-2-l2a", seed, 96, real_dir, real_fraction or 0.25, ports, real_background, hard=hard
        )
        save_pool(save_real_pool, stream.real)
        click.echo(f"{save_real_pool}: {len(stream.real)} chips of {', '.join(stream.real_ports)}")
        return
    if calibrate_real:
        from monitor.training.card import calibrate_unsited

        if real_dir is None:
            raise UsageError("--calibrate-real needs --real-dir (the sen2ships folder)")
        click.echo(f"{out}: {calibrate_unsited(out, real_dir)}")
        return
    base = TrainConfig(
        sensor=chosen[0],
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        real_fraction=real_fraction,
        arch="resunet" if arch == "resunet" else "unet3",
        real_ports=ports,
        real_background=real_background,
        init_from=str(init_from) if init_from else None,
        mine_with=str(mine_with) if mine_with else None,
    )
    version, card = train_bundle(
        chosen, base, out, models_dir / "checkpoints", real_dir, resume, device=device, workers=workers
    )
    click.echo(f"{out}  {version}")
    for sensor in chosen:
        val = card["sensors"][sensor]["validation_synthetic"]
        line = "  ".join(f"{c} F1 {m['f1']:.2f} MAE {m['count_mae']:.2f}" for c, m in val.items())
        click.echo(f"  {sensor}: {line}")


def _ports(value: str | None, known: tuple[str, ...]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if value == "all":
        return known
    ports = tuple(p.strip() for p in value.split(",") if p.strip())
    unknown = [p for p in ports if p not in known]
    if unknown or not ports:
        raise UsageError(f"--real-ports: unknown port(s) {unknown or value!r}; known: {', '.join(known)}, or 'all'")
    return ports
