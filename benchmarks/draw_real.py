"""Draw a detector's no-AOI detections over real labelled images, to look at what it does (PNG per image).

Labelled boxes are drawn thin (red: scored, yellow: dontcare), detections as crosses: green when they hit a scored
box, magenta when they hit nothing. The airports are Airbus DS Pleiades imagery (CC BY-NC-SA 4.0) and the ports
contain modified Copernicus Sentinel data 2023 (sen2ships, MIT): the pictures carry that credit in their caption
line and stay out of the repository (write them under data/ or /tmp).

Usage: python benchmarks/draw_real.py OUT_DIR [--weights FILE] [--images ac000,genoa,...] [--scale 4]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from monitor.config.models import AIRCRAFT_CLASSES, SHIP_CLASSES
from monitor.detect.cnn.detector import CnnDetector
from monitor.evaluate.real import AIRCRAFT_DIR, PARTIAL_DIR
from monitor.evaluate.runs import DEFAULT_REAL_DIR
from monitor.imagery.scene import read_scene

CREDIT = {
    "aircraft": "Airbus DS, Pleiades imagery, CC BY-NC-SA 4.0 (10 m average)",
    "ships": "contains modified Copernicus Sentinel data 2023 (sen2ships, MIT)",
}


def _find(name: str) -> tuple[Path, str]:
    for folder, family in ((AIRCRAFT_DIR, "aircraft"), (DEFAULT_REAL_DIR, "ships"), (PARTIAL_DIR, "ships")):
        if (folder / f"{name}.tif").exists():
            return folder / name, family
    raise SystemExit(f"{name}: not found in {AIRCRAFT_DIR}, {DEFAULT_REAL_DIR} or {PARTIAL_DIR}")


def draw(stem: Path, family: str, det: CnnDetector, out: Path, scale: int) -> None:
    """Write ``out`` with the image, its labels and the detections."""
    scene = read_scene(stem.with_suffix(".tif"))
    bands = scene.bands
    rgb = np.stack([np.nan_to_num(bands[b]) for b in ("B04", "B03", "B02") if b in bands])
    if rgb.shape[0] < 3:
        rgb = np.repeat(rgb[:1], 3, axis=0)
    top = float(np.percentile(rgb, 99.5)) or 1.0
    pic = (np.clip(rgb / top, 0, 1).transpose(1, 2, 0) * 255).astype(np.uint8)
    h, w = pic.shape[:2]
    im = Image.fromarray(pic).resize((w * scale, h * scale), Image.Resampling.NEAREST)
    canvas = ImageDraw.Draw(im)
    inverse = ~scene.grid.transform
    boxes = []
    for f in json.loads(stem.with_suffix(".geojson").read_text())["features"]:
        ring = np.asarray(f["geometry"]["coordinates"][0])
        cols, rows = inverse * (ring[:, 0], ring[:, 1])
        care = not f["properties"].get("dontcare", False)
        boxes.append((cols.min(), rows.min(), cols.max(), rows.max(), care))
        canvas.rectangle([cols.min() * scale, rows.min() * scale, cols.max() * scale, rows.max() * scale],
                         outline=(255, 40, 40) if care else (255, 220, 0))  # fmt: skip
    wanted = AIRCRAFT_CLASSES if family == "aircraft" else SHIP_CLASSES
    grow = 10.0 / abs(scene.grid.transform.a)
    for d in det.detect(scene, None, None):
        if d.object_class not in wanted:
            continue
        c, r = d.col * scale, d.row * scale
        hit = any(x0 - grow <= d.col <= x1 + grow and y0 - grow <= d.row <= y1 + grow for x0, y0, x1, y1, _ in boxes)
        colour = (40, 255, 40) if hit else (255, 0, 255)
        canvas.line([c - 5, r, c + 5, r], fill=colour, width=2)
        canvas.line([c, r - 5, c, r + 5], fill=colour, width=2)
    canvas.text((4, im.height - 14), f"{stem.name} {det.version}: {CREDIT[family]}", fill=(255, 255, 255))
    im.save(out)


def main() -> None:
    """Parse arguments and draw each image."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--weights", type=Path, default=None)
    ap.add_argument("--images", default="ac000,ac005,ac046,genoa,marseille,san_francisco")
    ap.add_argument("--scale", type=int, default=4)
    args = ap.parse_args()
    det = CnnDetector(args.weights)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.images.split(","):
        stem, family = _find(name)
        scale = args.scale if family == "aircraft" else max(1, args.scale // 4)
        draw(stem, family, det, args.out / f"{name}-{det.version}.png", scale)
        print(args.out / f"{name}-{det.version}.png")


if __name__ == "__main__":
    main()
