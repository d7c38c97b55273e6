from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_settings
from monitor.config.loader import default_config_path
from monitor.errors import ConfigError, UsageError
from tests.conftest import ROOT, write_config


def test_project_default_config_loads_both_sites():
    s = load_settings(default_config_path(), env={})
    assert list(s.aois) == ["dunai", "sunan"]
    assert s.data_dir == (ROOT / "data").resolve()
    assert s.source.kind == "synthetic"
    assert s.source.scenario == ROOT / "configs" / "scenarios" / "default.yaml"
    dunai = s.aois["dunai"]
    assert "landing_ship" in dunai.classes and "sentinel-1-grd" in dunai.sensors
    assert s.aois["sunan"].size_rules[0].object_class == "transport_aircraft"


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path):
    cfg = write_config(tmp_path)
    s = load_settings(cfg, env={})
    assert s.data_dir == (tmp_path / "data").resolve()


def test_precedence_env_over_file_and_flag_over_env(tmp_path: Path):
    cfg = write_config(tmp_path)
    (tmp_path / "other").mkdir()
    other = write_config(tmp_path / "other")
    env = {"MONITOR_CONFIG": str(other), "MONITOR_DATA_DIR": str(tmp_path / "elsewhere"), "MONITOR_SOURCE": "folder"}
    s = load_settings(cfg, env=env)
    assert s.config_path == cfg.resolve()
    assert s.data_dir == (tmp_path / "elsewhere").resolve()
    assert s.source.kind == "folder"
    assert load_settings(None, env=env).config_path == other.resolve()


def _bad_aoi(tmp_path: Path, text: str) -> Path:
    good = (ROOT / "configs" / "aois" / "dunai.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text(good) if callable(text) else text)
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text(f"aois: [{bad}]\nsource: {{scenario: {ROOT / 'configs/scenarios/default.yaml'}}}\n")
    return cfg


def test_typo_and_bad_values_are_all_reported_on_one_line(tmp_path: Path):
    cfg = _bad_aoi(
        tmp_path,
        lambda g: g.replace("max_cloud: 0.8", "max_clouds: 0.8").replace("id: dunai", "id: Dunai!"),
    )
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, env={})
    msg = str(info.value)
    assert "\n" not in msg
    assert "bad.yaml" in msg
    assert "max_clouds" in msg and "Extra inputs are not permitted" in msg
    assert "id:" in msg and "'Dunai!'" in msg
    assert info.value.exit_code == 78


def test_bbox_and_size_rule_checks(tmp_path: Path):
    cfg = _bad_aoi(
        tmp_path,
        lambda g: g.replace(
            "bbox: [132.30379, 42.85555, 132.37121, 42.90505]", "bbox: [132.4, 42.85, 132.3, 42.9]"
        ).replace("zones: [naval]", "zones: [naval, nowhere]"),
    )
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, env={})
    assert "bbox" in str(info.value) and "min < max" in str(info.value)


def test_unknown_zone_in_size_rule(tmp_path: Path):
    cfg = _bad_aoi(tmp_path, lambda g: g.replace("zones: [naval]", "zones: [naval, nowhere]"))
    with pytest.raises(ConfigError, match="unknown zone 'nowhere'"):
        load_settings(cfg, env={})


def test_invalid_yaml_names_line(tmp_path: Path):
    cfg = _bad_aoi(tmp_path, "id: dunai\nbbox: [1, 2\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: invalid YAML at line \d+"):
        load_settings(cfg, env={})


def test_missing_file_and_unknown_source(tmp_path: Path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.yaml", env={})
    cfg = write_config(tmp_path)
    with pytest.raises(ConfigError, match="MONITOR_SOURCE: unknown source 'ftp'"):
        load_settings(cfg, env={"MONITOR_SOURCE": "ftp"})


def test_select_unknown_aoi(tmp_path: Path):
    s = load_settings(write_config(tmp_path), env={})
    assert [a.id for a in s.select(["sunan"])] == ["sunan"]
    with pytest.raises(UsageError, match="--aoi: unknown AOI id 'paris'"):
        s.select(["paris"])
