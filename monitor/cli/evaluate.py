"""``monitor evaluate``: accuracy on held-out synthetic scenes and real held-out ports, detectors side by side."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from monitor.cli.options import config_option
from monitor.config.loader import load_settings
from monitor.evaluate.runs import DEFAULT_REAL_DIR
from monitor.pipeline import make_detector
from monitor.tables import format_table

__all__ = ("evaluate_all", "evaluate_cmd")


def evaluate_all(
    config: Path | None, detectors: list[str], every: int, real_dir: Path | None, weights: Path | None = None
) -> dict[str, Any]:
    """Evaluate each detector on synthetic held-out scenes and real held-out ports.

    The CNN is scored on the ports its model card lists as held out (none for a bundle trained on every port);
    the classical baseline, which learns nothing, on the default held-out four.

    Args:
        config: Config file.
        detectors: Detector kinds (``cnn``, ``classical``).
        every: Use every Nth synthetic acquisition.
        real_dir: The sen2ships folder, or None to skip real ports.
        weights: CNN bundle to evaluate instead of the configured one.

    Returns:
        ``{"synthetic": [...rows], "ports": [...rows]}``.
    """
    from monitor.evaluate.runs import evaluate_ports, evaluate_synthetic
    from monitor.training.real_chips import held_out_ports

    settings = load_settings(config)
    if weights is not None:
        settings = replace(settings, detector=settings.detector.model_copy(update={"weights": weights}))
    synthetic: list[dict[str, Any]] = []
    ports: list[dict[str, Any]] = []
    for kind in detectors:
        det_settings = replace(settings, detector=settings.detector.model_copy(update={"kind": kind}))
        det = make_detector(det_settings)
        for (aoi, sensor, cls), s in evaluate_synthetic(det_settings, det, every).items():
            synthetic.append(
                {
                    "model": det.version,
                    "aoi": aoi,
                    "sensor": sensor,
                    "class": cls,
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "count_mae": s.count_mae,
                }
            )
        if real_dir is not None:
            for p in evaluate_ports(real_dir, held_out_ports(det), det):
                ports.append(
                    {"model": det.version, "port": p.port, "boxes": p.boxes, "tp": p.tp, "fp": p.fp, "fn": p.fn}
                )
    return {"synthetic": synthetic, "ports": ports}


@click.command("evaluate")
@config_option
@click.option(
    "--detector",
    "detectors",
    multiple=True,
    type=click.Choice(["cnn", "classical"]),
    default=("cnn", "classical"),
    show_default=True,
)
@click.option("--every", type=click.IntRange(1), default=1, show_default=True, help="Every Nth synthetic scene.")
@click.option(
    "--real-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="sen2ships folder (default ../shared/data/sen2ships when present).",
)
@click.option(
    "--weights",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="CNN bundle to evaluate (default: the configured one).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def evaluate_cmd(
    config: Path | None,
    detectors: tuple[str, ...],
    every: int,
    real_dir: Path | None,
    weights: Path | None,
    fmt: str,
) -> None:
    """Precision, recall, F1 and count error per class; vessel scores per held-out real port."""
    real_dir = real_dir or (DEFAULT_REAL_DIR if DEFAULT_REAL_DIR.is_dir() else None)
    res = evaluate_all(config, list(detectors), every, real_dir, weights)
    if fmt == "json":
        click.echo(json.dumps(res, indent=1))
        return
    cols = ["model", "aoi", "sensor", "class", "tp", "fp", "fn", "precision", "recall", "f1", "count_mae"]
    click.echo(format_table(cols, [[r[c] for c in cols] for r in res["synthetic"]]))
    if res["ports"]:
        click.echo("")
        rows = []
        for r in res["ports"]:
            p = r["tp"] / max(r["tp"] + r["fp"], 1)
            rc = r["tp"] / max(r["boxes"], 1)
            rows.append(
                [r["model"], r["port"], r["boxes"], r["tp"], r["fp"], r["fn"], p, rc, 2 * p * rc / max(p + rc, 1e-9)]
            )
        click.echo(format_table(["model", "port", "boxes", "tp", "fp", "fn", "precision", "recall", "f1"], rows))
