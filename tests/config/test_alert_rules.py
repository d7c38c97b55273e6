"""AOI alert rules and baseline settings: validated, one rule per counted class."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config.loader import load_settings
from monitor.reports.render import KERNEL_NAME, _ThisPython
from tests.conftest import ROOT


def _aoi_with(tmp_path, old, new):
    text = (ROOT / "configs" / "aois" / "dunai.yaml").read_text()
    assert old in text
    (tmp_path / "dunai.yaml").write_text(text.replace(old, new))
    scenario = ROOT / "configs" / "scenarios" / "default.yaml"
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text(f"data_dir: out\naois: [dunai.yaml]\nsource: {{scenario: {scenario}}}\n")
    return cfg


def test_project_aois_carry_class_wise_rules():
    settings = load_settings(ROOT / "configs" / "monitor.yaml", env={})
    rules = {a: [(r.object_class, r.min_observations) for r in aoi.alerts] for a, aoi in settings.aois.items()}
    assert rules == {"dunai": [("landing_ship", 2)], "sunan": [("transport_aircraft", 2)]}
    assert settings.analysis.claims == ROOT / "seeds" / "claims.yaml"


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("  - class: landing_ship\n    min_increase", "  - class: aircraft\n    min_increase", "does not count it"),
        ("    min_llr: 3.5", "    min_llr: -1", "alerts.0.min_llr"),
        ("    max_duration_days: 45", "    max_duration_days: 45\n    colour: red", "alerts.0.colour"),
        ("  min_observations: 4\n", "  min_observations: 1\n", "baseline.min_observations"),
    ],
)
def test_bad_rules_exit_78_naming_the_field(tmp_path, old, new, needle):
    res = CliRunner().invoke(cli, ["run", "--config", str(_aoi_with(tmp_path, old, new))])
    assert res.exit_code == 78, res.output
    assert needle in res.output and "dunai.yaml" in res.output
    assert not (tmp_path / "out").exists()


def test_report_kernel_is_this_python_whatever_name_is_asked():
    spec = _ThisPython().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable and spec.language == "python"
    assert _ThisPython().get_kernel_spec(KERNEL_NAME).argv == spec.argv
