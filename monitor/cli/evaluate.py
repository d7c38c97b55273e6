"""``monitor evaluate``: accuracy on real airports and held-out real ports first, then held-out synthetic scenes."""

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
    config: Path | None,
    detectors: list[str],
    every: int,
    real_dir: Path | None,
    weights: Path | None = None,
    aircraft_dir: Path | None = None,
) -> dict[str, Any]:
    """Evaluate each detector on real airports, real held-out ports and synthetic held-out scenes.

    The CNN is scored on the ports its model card lists as held out (none for a bundle trained on every port);
    the classical baseline, which learns nothing, on the default held-out four. Airports are never trained on,
    so every airport counts for every detector.

    Args:
        config: Config file.
        detectors: Detector kinds (``cnn``, ``classical``).
        every: Use every Nth synthetic acquisition (0: skip the synthetic scenes).
        real_dir: The sen2ships folder, or None to skip real ports.
        weights: CNN bundle to evaluate instead of the configured one.
        aircraft_dir: The real airports folder (aircraft-dev), or None to skip them.

    Returns:
        ``{"airports": [...rows], "ports": [...rows], "synthetic": [...rows]}``; a real row holds the image, its
        scored boxes, predictions, tp, fp and fn.
    """
    from monitor.evaluate.real import evaluate_images, real_images
    from monitor.evaluate.runs import evaluate_synthetic
    from monitor.training.real_chips import held_out_ports

    settings = load_settings(config)
    if weights is not None:
        settings = replace(settings, detector=settings.detector.model_copy(update={"weights": weights}))
    synthetic: list[dict[str, Any]] = []
    ports: list[dict[str, Any]] = []
    airports: list[dict[str, Any]] = []
    for kind in detectors:
        det_settings = replace(settings, detector=settings.detector.model_copy(update={"kind": kind}))
        det = make_detector(det_settings)
        if aircraft_dir is not None:
            for a in evaluate_images(aircraft_dir, real_images(aircraft_dir), det, "aircraft"):
                airports.append(_row(det.version, "airport", a))
        if real_dir is not None:
            for p in evaluate_images(real_dir, held_out_ports(det), det, "ships"):
                ports.append(_row(det.version, "port", p))
        if not every:
            continue
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
    return {"airports": airports, "ports": ports, "synthetic": synthetic}


def _row(model: str, key: str, s: Any) -> dict[str, Any]:
    return {"model": model, key: s.image, "boxes": s.boxes, "predictions": s.predictions, "tp": s.tp, "fp": s.fp,
            "fn": s.fn}  # fmt: skip


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
@click.option(
    "--every",
    type=click.IntRange(0),
    default=1,
    show_default=True,
    help="Every Nth synthetic scene (0: real images only).",
)
@click.option(
    "--real-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="sen2ships folder (default ../shared/data/sen2ships when present).",
)
@click.option(
    "--aircraft-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Real airports folder (default ../shared/data/aircraft-dev when present).",
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
    aircraft_dir: Path | None,
    weights: Path | None,
    fmt: str,
) -> None:
    """Accuracy on real airports and held-out real ports first, then on held-out synthetic scenes.

    Real images run without an AOI, as the blind tests run them: aircraft per airport, vessels per port.
    """
    from monitor.evaluate.real import AIRCRAFT_DIR, RealScore, totals

    real_dir = real_dir or (DEFAULT_REAL_DIR if DEFAULT_REAL_DIR.is_dir() else None)
    aircraft_dir = aircraft_dir or (AIRCRAFT_DIR if AIRCRAFT_DIR.is_dir() else None)
    res = evaluate_all(config, list(detectors), every, real_dir, weights, aircraft_dir)
    if fmt == "json":
        click.echo(json.dumps(res, indent=1))
        return
    for key, title in (("airport", "Real airports (aircraft)"), ("port", "Held-out real ports (vessels)")):
        rows = res[key + "s"]
        if not rows:
            continue
        click.echo(f"{title}:")
        cols = ["model", key, "boxes", "predictions", "tp", "fp", "fn", "precision", "recall", "f1"]
        scores = [(r["model"], RealScore(r[key], r["boxes"], r["predictions"], r["tp"])) for r in rows]
        for model in dict.fromkeys(m for m, _ in scores):
            scores.append((model, totals([s for m, s in scores if m == model])))
        table = [[m, s.image, s.boxes, s.predictions, s.tp, s.fp, s.fn, s.precision, s.recall, s.f1] for m, s in scores]
        click.echo(format_table(cols, table))
        click.echo("")
    if res["synthetic"]:
        click.echo("Held-out synthetic scenes:")
        cols = ["model", "aoi", "sensor", "class", "tp", "fp", "fn", "precision", "recall", "f1", "count_mae"]
        click.echo(format_table(cols, [[r[c] for c in cols] for r in res["synthetic"]]))
