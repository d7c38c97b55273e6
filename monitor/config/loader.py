"""Load and validate configuration files, resolve paths and apply the precedence rules.

Precedence everywhere: command-line flag > environment variable > config file > built-in default.
Every problem found in one load is reported in a single line naming the file, the field and the value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from monitor.config.models import (
    AnalysisConfig,
    AOIConfig,
    DetectorConfig,
    MonitorConfig,
    SourceConfig,
    StacConfig,
)
from monitor.errors import ConfigError, UsageError
from monitor.executors import check_spec
from monitor.notify.config import NotifyConfig

__all__ = ("Settings", "default_config_path", "format_validation_error", "load_settings", "load_yaml_model")

M = TypeVar("M", bound=BaseModel)
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_config_path() -> Path:
    """The config used when neither ``--config`` nor ``MONITOR_CONFIG`` names one.

    Returns:
        ``configs/monitor.yaml`` of the project checkout.
    """
    return _PROJECT_ROOT / "configs" / "monitor.yaml"


def format_validation_error(path: Path, err: ValidationError) -> str:
    """Render every pydantic error as ``file: field: message (got value)`` joined on one line.

    Args:
        path: The file that was validated.
        err: The validation error.

    Returns:
        A one-line message.
    """
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) if str(p).isprintable() else repr(p) for p in e["loc"]) or "<root>"
        value = e.get("input")
        shown = repr(value) if not isinstance(value, dict | list) or len(repr(value)) < 60 else "..."
        msg = e["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg} (got {shown})")
    return f"{path}: " + "; ".join(parts)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}") from None


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Read a YAML file and validate it against a model.

    Args:
        path: The YAML file.
        model: The pydantic model class.

    Returns:
        The validated, frozen model.

    Raises:
        ConfigError: The file is missing, is not YAML, or does not validate.
    """
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(path, exc)) from None


@dataclass(frozen=True)
class Settings:
    """Everything a command needs, resolved: config, AOIs, data folder and the active source."""

    config_path: Path
    config: MonitorConfig
    aois: dict[str, AOIConfig]
    data_dir: Path
    source: SourceConfig
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    aoi_files: dict[str, Path] = field(default_factory=dict)
    executor: str = "local"
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)

    def select(self, ids: tuple[str, ...] | list[str]) -> list[AOIConfig]:
        """The AOIs named by ``ids`` (all when empty), in config order.

        Args:
            ids: AOI ids from ``--aoi``.

        Returns:
            The AOI configs.

        Raises:
            UsageError: An id is not configured.
        """
        if not ids:
            return list(self.aois.values())
        unknown = [i for i in ids if i not in self.aois]
        if unknown:
            raise UsageError(
                f"--aoi: unknown AOI id {unknown[0]!r} (configured in {self.config_path}: {', '.join(self.aois)})"
            )
        return [self.aois[i] for i in self.aois if i in ids]


def _resolve(base: Path, p: Path | None) -> Path | None:
    if p is None:
        return None
    p = p.expanduser()
    return p if p.is_absolute() else (base / p).resolve()


def _stac_env(stac: StacConfig, env: dict[str, str]) -> StacConfig:
    s2 = stac.s2.model_copy(update={"url": env.get("MONITOR_STAC_S2_URL") or stac.s2.url})
    s1 = stac.s1.model_copy(
        update={
            "url": env.get("MONITOR_STAC_S1_URL") or stac.s1.url,
            "token_url": env.get("MONITOR_STAC_S1_TOKEN_URL") or stac.s1.token_url,
        }
    )
    return stac.model_copy(update={"s2": s2, "s1": s1})


def load_settings(config: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Load the app config and its AOIs, applying env overrides.

    Args:
        config: ``--config`` value; falls back to ``MONITOR_CONFIG``, then the project default.
        env: Environment to read (defaults to ``os.environ``).

    Returns:
        The resolved settings.

    Raises:
        ConfigError: Any file is missing or invalid (all AOI errors are reported together).
    """
    env = dict(os.environ) if env is None else env
    path = config or (Path(env["MONITOR_CONFIG"]) if env.get("MONITOR_CONFIG") else default_config_path())
    path = path.expanduser().resolve()
    cfg = load_yaml_model(path, MonitorConfig)
    base = path.parent

    errors: list[str] = []
    aois: dict[str, AOIConfig] = {}
    files: dict[str, Path] = {}
    for rel in cfg.aois:
        aoi_path = _resolve(base, rel)
        assert aoi_path is not None
        try:
            aoi = load_yaml_model(aoi_path, AOIConfig)
        except ConfigError as exc:
            errors.append(str(exc))
            continue
        if aoi.id in aois:
            errors.append(f"{aoi_path}: id: AOI id {aoi.id!r} already used by {files[aoi.id]}")
            continue
        aois[aoi.id] = aoi
        files[aoi.id] = aoi_path
    if errors:
        raise ConfigError(" | ".join(errors))

    src = cfg.source
    kind = env.get("MONITOR_SOURCE") or src.kind
    if kind not in ("synthetic", "sentinelhub", "folder", "stac"):
        raise ConfigError(f"MONITOR_SOURCE: unknown source {kind!r} (use synthetic, sentinelhub, folder or stac)")
    src = src.model_copy(
        update={
            "kind": kind,
            "scenario": _resolve(base, src.scenario),
            "folder": _resolve(base, src.folder),
            "base_url": env.get("SH_BASE_URL") or src.base_url,
            "token_url": env.get("SH_TOKEN_URL") or src.token_url,
            "stac": _stac_env(src.stac, env),
        }
    )
    if src.kind == "synthetic" and src.scenario is None:
        raise ConfigError(f"{path}: source.scenario: the synthetic source needs a scenario file (got None)")
    if env.get("MONITOR_DATA_DIR"):
        data_dir = Path(env["MONITOR_DATA_DIR"]).expanduser().resolve()
    else:
        data_dir = _resolve(base, cfg.data_dir) or (base / "data").resolve()
    det = cfg.detector.model_copy(update={"weights": _resolve(base, cfg.detector.weights)})
    if env.get("MONITOR_DETECTOR"):
        if env["MONITOR_DETECTOR"] not in ("cnn", "classical"):
            raise ConfigError(f"MONITOR_DETECTOR: unknown detector {env['MONITOR_DETECTOR']!r} (use cnn or classical)")
        det = det.model_copy(update={"kind": env["MONITOR_DETECTOR"]})
    if env.get("MONITOR_EXECUTOR"):
        executor = check_spec(env["MONITOR_EXECUTOR"], "MONITOR_EXECUTOR")
    else:
        executor = check_spec(cfg.executor, f"{path}: executor")
    analysis = cfg.analysis.model_copy(
        update={
            "claims": _resolve(base, cfg.analysis.claims) or _PROJECT_ROOT / "seeds" / "claims.yaml",
            "signals": _resolve(base, cfg.analysis.signals) or _PROJECT_ROOT / "configs" / "signals.yaml",
            "notebooks": _resolve(base, cfg.analysis.notebooks) or _PROJECT_ROOT / "notebooks",
        }
    )
    return Settings(
        config_path=path,
        config=cfg,
        aois=aois,
        data_dir=data_dir,
        source=src,
        detector=det,
        aoi_files=files,
        executor=executor,
        analysis=analysis,
        notify=cfg.notify,
    )
