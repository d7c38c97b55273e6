"""The GPU training script needs only torch, numpy, scipy and pydantic (the accelerator machine has no GDAL)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Packages of the GeoTIFF, service and notebook stack that the accelerator machine does not have.
ABSENT = ("rasterio", "affine", "pyproj", "shapely", "sentinelhub", "pystac_client", "click", "papermill")

_PROBE = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {ABSENT!r}:
            raise ImportError("blocked: " + name)
        return None
sys.meta_path.insert(0, Block())
sys.argv = ["train_weights.py"]
import numpy as np
from monitor.training.batches import ChipStream, to_batch
stream = ChipStream("sentinel-2-l2a", 7, 48, None, 0.0, (), graft=0.0)
batch = to_batch(stream.chips(0, 4), "sentinel-2-l2a")
import runpy
runpy.run_path("scripts/train_weights.py", run_name="not_main")
print("ok", sorted(m for m in sys.modules if m.split(".")[0] in {ABSENT!r}))
"""


def test_chip_making_and_the_training_script_import_without_the_geotiff_stack():
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "ok []"
