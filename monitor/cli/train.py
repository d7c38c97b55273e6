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
    out: Path | None,
    resume: bool,
    calibrate_real: bool,
) -> None:
    """Train the detector (default: both sensors) and write <data>/models/monitor-cnn.pt plus its model card."""
    from monitor.detect.cnn.card import train_bundle
    from monitor.detect.cnn.train import TrainConfig

    settings = load_settings(config)
    chosen: list[SensorName] = list(SENSORS) if "all" in sensors else [s for s in SENSORS if s in sensors]
    models_dir = settings.data_dir / "models"
    out = out or models_dir / "monitor-cnn.pt"
    if real_dir is None and DEFAULT_REAL_DIR.is_dir():
        real_dir = DEFAULT_REAL_DIR
    if calibrate_real:
        from monitor.detect.cnn.card import calibrate_unsited

        if real_dir is None:
            raise UsageError("--calibrate-real needs --real-dir (the sen2ships folder)")
        click.echo(f"{out}: {calibrate_unsited(out, real_dir)}")
        return
    base = TrainConfig(
        sensor=chosen[0], steps=steps, batch_size=batch_size, lr=lr, seed=seed, real_fraction=real_fraction
    )
    version, card = train_bundle(chosen, base, out, models_dir / "checkpoints", real_dir, resume)
    click.echo(f"{out}  {version}")
    for sensor in chosen:
        val = card["sensors"][sensor]["validation_synthetic"]
        line = "  ".join(f"{c} F1 {m['f1']:.2f} MAE {m['count_mae']:.2f}" for c, m in val.items())
        click.echo(f"  {sensor}: {line}")
