"""The split between inference and training: the detector never needs the training package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import monitor

PACKAGE = Path(monitor.__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` names in one source file (at any depth)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_detector_loads_without_the_training_package() -> None:
    code = "import sys, monitor.detect.cnn.detector; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = set(out.split())
    assert "monitor.detect.cnn.detector" in loaded
    assert "monitor.detect.cnn.heatmap" in loaded
    assert not [m for m in loaded if m == "monitor.training" or m.startswith("monitor.training.")]


def test_no_detect_module_imports_training() -> None:
    files = sorted((PACKAGE / "detect").rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(f.relative_to(PACKAGE)): sorted(
            m for m in _imported_modules(f) if m.split(".")[:2] == ["monitor", "training"]
        )
        for f in files
    }
    assert {f: m for f, m in offenders.items() if m} == {}


def test_the_scan_sees_training_imports() -> None:
    # The scanner must catch both import forms, including ones inside functions, or the test above proves nothing.
    loop = _imported_modules(PACKAGE / "training" / "loop.py")
    assert "monitor.training.targets" in loop
    assert "monitor.training.synth.chips" in loop
