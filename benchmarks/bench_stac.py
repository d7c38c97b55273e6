"""The stac source on the loopback emulator: bytes and requests per scene, and RTC gamma0 against GRD sigma0.

1. Bytes and HTTP requests per Dunai scene, counted by the emulator (every asset request and the body bytes it
   sent), against a full-tile download of the same assets (an estimate: see the note it writes).
2. What the gamma0 -> sigma0 factor does to the counts: the emulator publishes gamma0 = sigma0 / cos(37.5 deg)
   of the synthetic scenes; the source is run with the default factor (``source.stac.gamma0_to_sigma0``) and
   with 1.0 (gamma0 taken for sigma0), each with the default CNN detector, and the Sentinel-1 counts are
   compared with the synthetic source's over the same window. A third run publishes gamma0 with a per-pass
   incidence angle between 31 and 44 degrees (where a site can fall in the IW swath) and corrects with the
   fixed mid-swath factor, which is what a real pass looks like to this source.

Usage: python benchmarks/bench_stac.py [--since DATE] [--until DATE]
Writes benchmarks/results/stac.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.cli import cli  # noqa: E402
from monitor.config.loader import default_config_path, load_settings  # noqa: E402
from monitor.sources.sentinelhub.emulator.library import SceneLibrary  # noqa: E402
from monitor.sources.stac.emulator import StacEmulator  # noqa: E402
from monitor.sources.stac.emulator.archive import StacArchive  # noqa: E402
from monitor.sources.synthetic import SyntheticSource  # noqa: E402
from monitor.sources.synthetic.noise import stable_int  # noqa: E402
from tests.conftest import write_config  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "stac.md"
MID_SWATH = math.cos(math.radians(37.5))


class SwathArchive(StacArchive):
    """Publishes gamma0 with a per-pass incidence angle (31..44 deg) instead of the fixed mid-swath one."""

    def _encode(self, arr: Any, valid: Any, band: str) -> Any:
        if band not in ("VV", "VH"):
            return super()._encode(arr, valid, band)
        theta = 31.0 + 13.0 * (stable_int("incidence", self._current) % 1000) / 999.0
        saved, self.factor = self.factor, math.cos(math.radians(theta))
        try:
            return super()._encode(arr, valid, band)
        finally:
            self.factor = saved

    def _render(self, spec: Any) -> Any:
        self._current = spec.item_id
        return super()._render(spec)


def _run(archive: StacArchive, folder: Path, window: list[str], factor: float | None) -> tuple[list[dict], Any]:
    emu = StacEmulator(archive).start()
    try:
        os.environ.update(
            MONITOR_SOURCE="stac",
            MONITOR_STAC_S2_URL=emu.api_url,
            MONITOR_STAC_S1_URL=emu.api_url,
            MONITOR_STAC_S1_TOKEN_URL=emu.token_url,
            MONITOR_LOOPBACK_ONLY="1",
        )
        extra = f"  stac:\n    gamma0_to_sigma0: {factor}\n" if factor is not None else ""
        folder.mkdir(parents=True)
        cfg = write_config(folder, extra)
        cfg.write_text(cfg.read_text().replace("kind: synthetic", "kind: stac"))
        runner = CliRunner()
        res = runner.invoke(cli, ["-q", "run", "--config", str(cfg), *window])
        assert res.exit_code == 0, res.output
        rows = json.loads(runner.invoke(cli, ["counts", "--config", str(cfg), "--format", "json"]).output)
        return rows, list(emu.hits)
    finally:
        emu.stop()


def _synthetic(folder: Path, window: list[str]) -> list[dict]:
    os.environ["MONITOR_SOURCE"] = "synthetic"
    folder.mkdir(parents=True)
    cfg = write_config(folder)
    runner = CliRunner()
    assert runner.invoke(cli, ["-q", "run", "--config", str(cfg), *window]).exit_code == 0
    return json.loads(runner.invoke(cli, ["counts", "--config", str(cfg), "--format", "json"]).output)


def _s1(rows: list[dict]) -> dict[tuple[str, str, str], int]:
    return {(r["scene_id"], r["class"], r["aoi"]): r["count"] for r in rows if r["sensor"] == "sentinel-1-grd"}


def _compare(ref: dict, got: dict) -> str:
    keys = sorted(ref)
    diff = [got.get(k, 0) - ref[k] for k in keys]
    scenes = len({k[0] for k in keys})
    changed = len({k[0] for k, d in zip(keys, diff, strict=True) if d})
    total_ref = sum(ref.values())
    return (
        f"{scenes} scenes, {changed} with a different count; objects {sum(got.get(k, 0) for k in keys)} vs"
        f" {total_ref} ({sum(diff):+d}); mean |difference| per scene and class {np.mean(np.abs(diff)):.2f}"
    )


def _per_scene(hits: list[Any]) -> list[str]:
    by_item: dict[str, list[Any]] = defaultdict(list)
    for h in hits:
        if h.path.startswith("/assets/"):
            by_item[h.path.split("/")[3]].append(h)
    lines = [
        "| sensor | scenes | requests per scene (HEAD, header GET, block GET) | bytes per scene (min..max) |",
        "| --- | --- | --- | --- |",
    ]
    for sensor, tag in (("Sentinel-2 (6 assets)", "_L2A"), ("Sentinel-1 (2 assets)", "_rtc")):
        items = {k: v for k, v in by_item.items() if k.endswith(tag)}
        if not items:
            continue
        reqs = {len(v) for v in items.values()}
        heads = {sum(h.method == "HEAD" for h in v) for v in items.values()}
        sizes = [sum(h.sent for h in v) for v in items.values()]
        lines.append(
            f"| {sensor} | {len(items)} | {'/'.join(map(str, sorted(reqs)))} ({'/'.join(map(str, sorted(heads)))}"
            f" HEAD) | {np.mean(sizes) / 1e6:.2f} MB ({min(sizes) / 1e6:.2f}..{max(sizes) / 1e6:.2f}) |"
        )
    return lines


def main() -> None:
    """Run the measurements and write the results file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--since", default="2024-10-01")
    parser.add_argument("--until", default="2024-10-31")
    args = parser.parse_args()
    window = ["--since", args.since, "--until", args.until]
    os.environ["MONITOR_DETECTOR"] = "cnn"
    for var in ("MONITOR_CONFIG", "MONITOR_DATA_DIR"):
        os.environ.pop(var, None)
    settings = load_settings(default_config_path(), env={})
    assert settings.source.scenario is not None
    library = SceneLibrary(list(settings.aois.values()), SyntheticSource(settings.source.scenario))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        synth = _s1(_synthetic(base / "synthetic", window))
        fixed = StacArchive(library, MID_SWATH, cache_items=64)
        _, hits = _run(fixed, base / "default", ["--aoi", "dunai", *window], None)
        dunai_hits = [h for h in hits if h.path.startswith("/assets/")]
        corrected, _ = _run(fixed, base / "corrected", window, None)
        raw, _ = _run(fixed, base / "raw", window, 1.0)
        swath, _ = _run(SwathArchive(library, MID_SWATH, cache_items=64), base / "swath", window, None)
    lines = [
        "# stac source on the loopback emulator",
        "",
        f"Window {args.since} .. {args.until}, default CNN detector, `python benchmarks/bench_stac.py`.",
        "",
        "## Asset requests per item read for Dunai (counted by the emulator)",
        "",
        *_per_scene(dunai_hits),
        "",
        "## Sentinel-1 counts against the synthetic source's (same scenes, sigma0 rendered)",
        "",
        f"- gamma0 x {MID_SWATH:.4f} (default `gamma0_to_sigma0`): {_compare(synth, _s1(corrected))}",
        f"- gamma0 taken as sigma0 (factor 1.0): {_compare(synth, _s1(raw))}",
        f"- gamma0 of a per-pass incidence of 31..44 deg, corrected at 37.5 deg: {_compare(synth, _s1(swath))}",
        "",
    ]
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
