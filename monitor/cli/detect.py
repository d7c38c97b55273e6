"""``monitor detect``: detect and count on one scene GeoTIFF, outside the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from monitor.cli.options import config_option
from monitor.config.loader import load_settings
from monitor.config.models import CLASSES
from monitor.detect.counting import count_by_class
from monitor.detect.tiling import detect_file_windows
from monitor.pipeline import make_detector
from monitor.tables import format_table

__all__ = ("detect_cmd", "detect_file")


def detect_file(image: Path, aoi_id: str | None, config: Path | None = None) -> dict[str, Any]:
    """Detect and count on one GeoTIFF of any size, returning the ``--json`` object of interfaces.md.

    Args:
        image: The scene GeoTIFF.
        aoi_id: Count only inside this AOI's polygons, with its size rules (None: whole image).
        config: Config file.

    Returns:
        The JSON-ready result.
    """
    settings = load_settings(config)
    aoi = settings.select([aoi_id])[0] if aoi_id else None
    detector = make_detector(settings)
    res = detect_file_windows(image, detector, aoi)
    counts, kept = count_by_class(res.detections, CLASSES)
    epsg = res.grid.crs.to_epsg()
    return {
        "image": str(image),
        "sensor": res.sensor,
        "crs": f"EPSG:{epsg}" if epsg else res.grid.crs.to_wkt(),
        "acquired": res.acquired.strftime("%Y-%m-%dT%H:%M:%SZ") if res.acquired else None,
        "pixel_size_m": round(res.pixel_size_m, 3),
        "observed_fraction": round(res.observed_fraction, 4),
        "model": detector.version,
        "counts": counts,
        "detections": [d.as_json() for d in kept],
    }


@click.command("detect")
@click.argument("image", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--aoi", "aoi", default=None, metavar="ID", help="Count only inside this site's polygons.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (interfaces.md).")
@config_option
def detect_cmd(image: Path, aoi: str | None, as_json: bool, config: Path | None) -> None:
    """Detect and count objects on one scene GeoTIFF."""
    result = detect_file(image, aoi, config)
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(
        f"{result['image']}  {result['sensor']}  {result['acquired'] or 'no date'}  "
        f"observed {result['observed_fraction']:.2f}"
    )
    click.echo(format_table(["class", "count"], [[c, n] for c, n in result["counts"].items()]))
