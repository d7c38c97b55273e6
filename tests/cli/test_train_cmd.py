"""``monitor train``: the real-chip pool with mined hard negatives, and its usage errors."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner

from monitor.cli import cli
from monitor.detect.cnn.detector import CnnDetector
from monitor.detect.cnn.weights import DEFAULT_WEIGHTS
from monitor.training.mining import false_alarms
from monitor.training.real_chips import load_pool
from tests.conftest import write_labelled_port


def test_pool_holds_a_chip_per_label_and_per_mined_false_vessel(tmp_path, config_path):
    ports = tmp_path / "ports"
    ports.mkdir()
    tif, labels = write_labelled_port(ports, "genoa")
    expected = 1 + len(false_alarms(CnnDetector(), tif, labels))
    assert expected == 2  # the shipped network reports the unlabelled hull on open water
    pool = tmp_path / "pool.npz"
    args = ["train", "--config", str(config_path), "--real-dir", str(ports), "--real-ports", "genoa"]
    args += ["--real-background", "0", "--save-real-pool", str(pool)]
    plain = CliRunner().invoke(cli, args)
    assert plain.exit_code == 0, plain.output
    assert len(load_pool(pool, ("genoa",))) == 1
    shipped = DEFAULT_WEIGHTS
    mined = CliRunner().invoke(cli, [*args, "--mine-with", str(shipped)])
    assert mined.exit_code == 0, mined.output
    chips = load_pool(pool, ("genoa",))
    assert len(chips) == expected
    assert sum(len(c.objects) for c in chips) >= 1
    assert all(np.isfinite(c.bands["B08"]).all() for c in chips)


def test_mining_needs_the_real_ports(tmp_path, config_path):
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"")
    res = CliRunner().invoke(
        cli,
        ["train", "--config", str(config_path), "--real-dir", str(tmp_path / "nowhere"), "--mine-with", str(weights)],
    )
    assert res.exit_code == 2
    assert "--mine-with needs --real-dir" in res.output
    assert not (config_path.parent / "data").exists()
