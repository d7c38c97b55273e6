"""Drawn aircraft grafted onto the dry land of real chips: where they go, what they change, what they label."""

from __future__ import annotations

import numpy as np

from monitor.config.models import AIRCRAFT_CLASSES, CLASSES
from monitor.training.batches import ChipStream
from monitor.training.chip import CLASS_INDEX, Chip
from monitor.training.real_chips import save_pool
from monitor.training.synth.graft import PATCH, dry_land, dry_spots, graft_aircraft
from monitor.training.targets import TargetObject

S2 = "sentinel-2-l2a"
SIZE = 72
COAST = 30  # columns left of this are sea


def _port_chip(seed: int = 0) -> Chip:
    """Sea on the left (a labelled ship in it), paved land on the right, with a little texture."""
    rng = np.random.default_rng(seed)
    bands = {
        "B02": np.full((SIZE, SIZE), 0.14, np.float32),
        "B03": np.full((SIZE, SIZE), 0.15, np.float32),
        "B04": np.full((SIZE, SIZE), 0.16, np.float32),
        "B08": np.full((SIZE, SIZE), 0.21, np.float32),
    }
    for name, sea in (("B02", 0.06), ("B03", 0.05), ("B04", 0.03), ("B08", 0.015)):
        bands[name][:, :COAST] = sea
        bands[name] += rng.normal(0.0, 0.004, (SIZE, SIZE)).astype(np.float32)
    ship = TargetObject(36.0, 12.0, CLASS_INDEX["vessel"], 90.0, 15.0, 0.0)
    return Chip(S2, bands, np.ones((SIZE, SIZE), bool), [ship], None, False, "testport")


def test_dry_spots_keep_off_the_sea_the_border_and_labelled_ships() -> None:
    chip = _port_chip()
    spots = dry_spots(dry_land(chip.bands, chip.valid), [(o.row, o.col) for o in chip.objects])
    rows, cols = np.nonzero(spots)
    assert rows.size > 0
    assert cols.min() > COAST + 5, "no aircraft within 60 m of image water"
    half = PATCH // 2
    assert rows.min() >= half and rows.max() < SIZE - half and cols.max() < SIZE - half
    vegetated = dict(chip.bands)
    vegetated["B08"] = np.full((SIZE, SIZE), 0.45, np.float32)
    assert not dry_land(vegetated, chip.valid).any(), "fields (NDVI > 0.3) are no apron"


def test_graft_paints_labelled_aircraft_on_land_and_leaves_far_pixels_untouched() -> None:
    chip = _port_chip()
    seen = 0
    for seed in range(6):
        out = graft_aircraft(chip, np.random.default_rng(seed))
        new = out.objects[len(chip.objects) :]
        assert out.objects[: len(chip.objects)] == chip.objects
        assert out.origin == "testport+aircraft"
        # A patch is centred on dry land (col > COAST + 5), so it reaches no further left than COAST + 6 - PATCH/2.
        far = COAST + 6 - PATCH // 2 - 3
        for band in ("B02", "B03", "B04"):
            np.testing.assert_array_equal(out.bands[band][:, :far], chip.bands[band][:, :far])
        assert set(out.bands) in ({"B02", "B03", "B04"}, {"B02", "B03", "B04", "B08"})
        for o in new:
            assert CLASSES[o.class_index] in AIRCRAFT_CLASSES
            # The row's centre is dry land; the row itself may reach towards the quay, never out to sea.
            assert o.col > COAST + 6 - PATCH // 2
            r, c = int(o.row), int(o.col)
            assert not np.array_equal(
                out.bands["B04"][r - 2 : r + 3, c - 2 : c + 3], chip.bands["B04"][r - 2 : r + 3, c - 2 : c + 3]
            )
            cls = "transport_aircraft" if max(o.length_m, o.width_m) >= 38.0 else "aircraft"
            assert CLASSES[o.class_index] == cls
        seen += len(new)
    assert seen >= 6, "six grafts place at least one labelled aircraft each on average"


def test_graft_is_seeded_and_leaves_an_all_sea_chip_alone() -> None:
    chip = _port_chip()
    a, b = graft_aircraft(chip, np.random.default_rng(3)), graft_aircraft(chip, np.random.default_rng(3))
    assert a.objects == b.objects and all(np.array_equal(a.bands[k], b.bands[k]) for k in a.bands)
    sea = _port_chip()
    for band in sea.bands.values():
        band[:] = band[:, :1]
    out = graft_aircraft(sea, np.random.default_rng(0))
    assert out.objects == sea.objects


def test_chip_stream_grafts_aircraft_onto_real_chips(tmp_path) -> None:
    pool = tmp_path / "pool.npz"
    save_pool(pool, [_port_chip(k) for k in range(3)])
    stream = ChipStream(S2, seed=1, size=64, real_dir=pool, real_fraction=1.0, ports=("testport",), graft=1.0)
    chips = stream.chips(0, 4)
    assert all(c.origin.startswith("testport") for c in chips)
    assert any(c.origin.endswith("+aircraft") for c in chips)
    assert any(CLASSES[o.class_index] in AIRCRAFT_CLASSES for c in chips for o in c.objects)
    plain = ChipStream(S2, seed=1, size=64, real_dir=pool, real_fraction=1.0, ports=("testport",), graft=0.0)
    assert not any(CLASSES[o.class_index] in AIRCRAFT_CLASSES for c in plain.chips(0, 4) for o in c.objects)
