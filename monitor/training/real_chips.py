"""Training chips cut from the real sen2ships port scenes, and the flip/rotation augmentation all chips share.

Only the four :data:`TRAIN_PORTS` may feed training or calibration; the four :data:`HELD_OUT_PORTS` are kept for
reporting (scored blind with ``shared/tools/score_points.py``) and must never be used to tune anything. Each port is
read with :func:`monitor.imagery.scene.read_scene` (which honours the file's REFLECTANCE_SCALE tag), resampled to
10 m ground pixels with :func:`monitor.imagery.resample.to_resolution`, and every labelled box becomes a ``vessel``
at the box centre. Boxes are axis-aligned and loose, so size and heading are rough: chips carry
``size_known=False`` and only the heatmap learns from them. Some small boats and ships at naval berths are not
labelled in sen2ships, so a real chip may hold unlabelled vessels; ``ignore`` is None because where they are is
unknown, which makes real chips a mild source of false "background" and a reason to keep them a minority.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from numpy.typing import NDArray

from monitor.training.chip import CLASS_INDEX, Chip
from monitor.training.targets import TargetObject

if TYPE_CHECKING:
    from monitor.imagery.scene import Scene

__all__ = (
    "ALL_PORTS",
    "HELD_OUT_PORTS",
    "PARTIAL_PORTS",
    "TRAIN_PORTS",
    "augment",
    "held_out_ports",
    "load_pool",
    "port_files",
    "port_objects",
    "real_chips",
    "recrop",
    "save_pool",
)

_T = TypeVar("_T", bound=np.generic)

TRAIN_PORTS = ("algiers", "athens", "cartagena", "casablanca")
HELD_OUT_PORTS = ("genoa", "hedland", "marseille", "valencia")
ALL_PORTS = TRAIN_PORTS + HELD_OUT_PORTS
#: The two ports of ``sen2ships-partial`` (beside the sen2ships folder), each missing a band: santos lacks B02,
#: which the scene reader estimates (:mod:`monitor.imagery.estimate`); san_francisco lacks B08 (a true-colour
#: chip). Both feed training; neither is one of the held-out four.
PARTIAL_PORTS = ("san_francisco", "santos")
_POOL_SCALE = 65535.0


def port_files(real_dir: Path, port: str) -> tuple[Path, Path] | None:
    """A port's GeoTIFF and labels, in the sen2ships folder or the ``sen2ships-partial`` folder beside it.

    Args:
        real_dir: The sen2ships folder.
        port: Port name.

    Returns:
        (tif, geojson), or None when neither folder holds the port.
    """
    for folder in (real_dir, real_dir.parent / "sen2ships-partial"):
        if (folder / f"{port}.tif").exists() and (folder / f"{port}.geojson").exists():
            return folder / f"{port}.tif", folder / f"{port}.geojson"
    return None


def port_objects(scene: Scene, geojson: Path) -> list[TargetObject]:
    """Labelled vessels of a port as objects on ``scene``'s pixel grid.

    Args:
        scene: The port scene on its working (10 m) grid; the boxes' CRS must be the scene's.
        geojson: The port's sen2ships label file (axis-aligned polygons in the scene CRS).

    Returns:
        One ``vessel`` per box: centre in pixels, length and width from the box sides in ground metres,
        heading 0 for a box taller than wide, else 90.
    """
    inverse = ~scene.grid.transform
    metres = scene.pixel_size_m
    out = []
    for feature in json.loads(geojson.read_text(encoding="utf-8"))["features"]:
        ring = np.asarray(feature["geometry"]["coordinates"][0], dtype=np.float64)
        cols, rows = inverse * (ring[:, 0], ring[:, 1])
        height, width = (rows.max() - rows.min()) * metres, (cols.max() - cols.min()) * metres
        out.append(
            TargetObject(
                float((rows.max() + rows.min()) / 2),
                float((cols.max() + cols.min()) / 2),
                CLASS_INDEX["vessel"],
                float(max(height, width)),
                float(min(height, width)),
                0.0 if height >= width else 90.0,
            )
        )
    return out


def _cut(scene: Scene, objects: list[TargetObject], row0: int, col0: int, size: int, origin: str) -> Chip:
    rows, cols = slice(row0, row0 + size), slice(col0, col0 + size)
    inside = [
        dataclasses.replace(o, row=o.row - row0, col=o.col - col0)
        for o in objects
        if row0 <= o.row < row0 + size and col0 <= o.col < col0 + size
    ]
    bands = {n: np.ascontiguousarray(a[rows, cols]) for n, a in scene.bands.items()}
    valid = np.ascontiguousarray(scene.valid[rows, cols])
    return Chip(scene.sensor, bands, valid, inside, None, False, origin)


def real_chips(
    tif: Path,
    geojson: Path,
    rng: np.random.Generator,
    size: int = 96,
    n_random: int = 8,
    jitter: float = 0.35,
    hard: Sequence[tuple[float, float]] = (),
) -> list[Chip]:
    """Chips of one sen2ships port: one around every labelled ship and every hard negative, plus random ones.

    Args:
        tif: The port GeoTIFF.
        geojson: Its label file.
        rng: Generator for the jitter and the random chips.
        size: Chip side in 10 m pixels.
        n_random: Chips at uniformly random positions (they may hold ships too; all labels are kept).
        jitter: Largest offset of a ship (or hard negative) from its chip's centre, as a fraction of ``size``.
        hard: Points (x, y in the image CRS) where a detector reported a ship that is not there
            (:func:`monitor.training.mining.false_alarms`).

    Returns:
        Chips at 10 m in reflectance (B02, B03, B04, B08, B11) with ``size_known=False``.

    Raises:
        ValueError: The scene is smaller than one chip.
    """
    from monitor.imagery.resample import to_resolution
    from monitor.imagery.scene import read_scene

    scene, _ = to_resolution(read_scene(tif))
    height, width = scene.grid.shape
    if height < size or width < size:
        raise ValueError(f"{tif}: scene is {height} x {width} px at 10 m, smaller than one {size} px chip")
    objects = port_objects(scene, geojson)
    inverse = ~scene.grid.transform
    centres = [(o.row, o.col) for o in objects]
    for x, y in hard:
        col, row = inverse * (x, y)
        centres.append((float(row), float(col)))
    origins = []
    for row, col in centres:
        dr, dc = rng.uniform(-jitter, jitter, 2) * size
        origins.append((round(row + dr - size / 2), round(col + dc - size / 2)))
    origins += [
        (int(rng.integers(0, height - size + 1)), int(rng.integers(0, width - size + 1))) for _ in range(n_random)
    ]
    name = tif.stem
    return [
        _cut(scene, objects, int(np.clip(r, 0, height - size)), int(np.clip(c, 0, width - size)), size, name)
        for r, c in origins
    ]


def recrop(chip: Chip, size: int, rng: np.random.Generator, gain: float = 0.12) -> Chip:
    """A random ``size`` crop of a larger real chip, with a small random gain.

    A few hundred real chips then do not repeat exactly: ports differ in haze and sun, and a box may sit
    anywhere in a chip.

    Args:
        chip: A real chip at least ``size`` on each side.
        size: Output side in pixels.
        rng: Generator for the crop position and the gain.
        gain: Largest relative change of all bands' brightness.

    Returns:
        The new chip with the labels that fall inside it.
    """
    h, w = chip.valid.shape
    r0, c0 = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    k = np.float32(1.0 + rng.uniform(-gain, gain))
    rows, cols = slice(r0, r0 + size), slice(c0, c0 + size)
    inside = [
        dataclasses.replace(o, row=o.row - r0, col=o.col - c0)
        for o in chip.objects
        if r0 <= o.row < r0 + size and c0 <= o.col < c0 + size
    ]
    bands = {n: np.ascontiguousarray(a[rows, cols]) * k for n, a in chip.bands.items()}
    return Chip(chip.sensor, bands, np.ascontiguousarray(chip.valid[rows, cols]), inside, None, False, chip.origin)


def held_out_ports(detector: object) -> tuple[str, ...]:
    """The sen2ships ports a detector never learnt from, the only ones it may be scored on.

    Args:
        detector: A detector; a CNN's model card lists its held-out ports, any other detector learns nothing.

    Returns:
        Port names (empty for a CNN trained on every port).
    """
    bundle = getattr(detector, "bundle", None)
    if bundle is None:
        return HELD_OUT_PORTS
    card = bundle.card.get("sensors", {}).get("sentinel-2-l2a", {})
    return tuple(card.get("real_held_out_ports", HELD_OUT_PORTS))


def save_pool(path: Path, chips: list[Chip]) -> None:
    """Write real chips to one ``.npz`` file, so training can run where the port GeoTIFFs are not.

    Only the bands the network reads are kept, as 16-bit reflectance (the sen2ships files' own precision).

    Args:
        path: Destination (``.npz``).
        chips: Real chips (Sentinel-2, one size).
    """
    arrays: dict[str, NDArray[np.generic]] = {}
    meta = []
    for i, chip in enumerate(chips):
        for name in ("B02", "B03", "B04", "B08"):
            if name in chip.bands:
                arrays[f"{i}/{name}"] = np.round(np.clip(chip.bands[name], 0.0, 1.0) * _POOL_SCALE).astype(np.uint16)
        arrays[f"{i}/valid"] = chip.valid
        meta.append({"origin": chip.origin, "objects": [dataclasses.astuple(o) for o in chip.objects]})
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    tmp = path.with_name(f".{path.name}.tmp.npz")
    np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)


def load_pool(path: Path, ports: tuple[str, ...]) -> list[Chip]:
    """Read the chips of some ports back from a file written by :func:`save_pool`.

    Args:
        path: The ``.npz`` pool.
        ports: Ports to keep (chips of other ports are left out).

    Returns:
        The chips, in the order they were saved.
    """
    with np.load(path) as data:
        meta = json.loads(data["meta"].tobytes())
        out = []
        for i, m in enumerate(meta):
            if m["origin"] not in ports:
                continue
            bands = {
                k.split("/", 1)[1]: (data[k] / _POOL_SCALE).astype(np.float32)
                for k in data.files
                if k.startswith(f"{i}/") and k != f"{i}/valid"
            }
            objects = [TargetObject(*o) for o in m["objects"]]
            out.append(Chip("sentinel-2-l2a", bands, data[f"{i}/valid"], objects, None, False, m["origin"]))
    return out


def _turn(arr: NDArray[_T], k: int, flip: bool) -> NDArray[_T]:
    out = np.rot90(arr, k)
    return np.ascontiguousarray(out[:, ::-1] if flip else out)


def augment(chip: Chip, rng: np.random.Generator) -> Chip:
    """A random one of the 8 flips and quarter turns of a chip, labels carried along.

    Quarter turns keep Sentinel-1's range and azimuth directions on the image axes, so sidelobe crosses stay
    axis-aligned as in real scenes.

    Args:
        chip: A square or rectangular chip (synthetic or real).
        rng: Generator choosing the turn (0-3 quarter turns counter-clockwise) and a left-right flip.

    Returns:
        A new chip; the input is not modified.
    """
    k, flip = int(rng.integers(0, 4)), bool(rng.integers(0, 2))
    h, w = chip.valid.shape
    objects = []
    for o in chip.objects:
        row, col, heading, hh, ww = o.row, o.col, o.heading_deg, h, w
        for _ in range(k):
            row, col, heading, hh, ww = ww - col, row, heading - 90.0, ww, hh
        if flip:
            col, heading = ww - col, -heading
        objects.append(dataclasses.replace(o, row=row, col=col, heading_deg=heading % 180.0))
    return Chip(
        chip.sensor,
        {n: _turn(a, k, flip) for n, a in chip.bands.items()},
        _turn(chip.valid, k, flip),
        objects,
        None if chip.ignore is None else _turn(chip.ignore, k, flip),
        chip.size_known,
        chip.origin,
    )
