"""The embedded offline source: renders scenes of a scenario through the same discover/fetch calls as a real pull.

Every scene is a pure function of (scenario, AOI, sensor, acquisition time, seed): fetching it twice, in any
process, gives byte-identical arrays. Beside each GeoTIFF goes ``<name>.truth.json`` with the objects that were
drawn, so detectors can be scored against what is really there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from monitor.config.models import CLASSES, AOIConfig, SensorName
from monitor.imagery.grid import SiteMasks, aoi_grid, site_masks
from monitor.imagery.scene import write_scene
from monitor.sources.base import SceneRef, make_scene_id
from monitor.sources.synthetic.atmosphere import Conditions, scene_conditions
from monitor.sources.synthetic.noise import stable_int
from monitor.sources.synthetic.render import Rendered, render_s1, render_s2
from monitor.sources.synthetic.scenario import Scenario, check_zones, load_scenario, objects_at
from monitor.sources.synthetic.schedule import acquisitions, platform_for
from monitor.world.objects import PlacedObject

__all__ = ("SyntheticSource", "truth_path")


def truth_path(scene_path: Path) -> Path:
    """Where the ground truth of a scene file lives: ``x.tif`` -> ``x.truth.json``.

    Args:
        scene_path: The scene GeoTIFF.

    Returns:
        The truth file path.
    """
    return scene_path.with_name(scene_path.name.removesuffix(".tif") + ".truth.json")


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class SyntheticSource:
    """Scenes rendered from a scenario file, for offline runs, tests and detector training.

    Args:
        scenario_path: The scenario YAML.
        seed: Extra seed mixed into every scene (``source.seed`` in the config).

    Raises:
        ConfigError: The scenario file is missing or invalid.
    """

    name = "synthetic"

    def __init__(self, scenario_path: Path, seed: int = 0) -> None:
        self.scenario_path = Path(scenario_path)
        self.scenario: Scenario = load_scenario(self.scenario_path)
        self.seed = seed
        self._masks: dict[tuple[str, int], SiteMasks] = {}

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the mask cache, so shipping the source to dask workers stays cheap."""
        return {**self.__dict__, "_masks": {}}

    @property
    def end(self) -> dt.date:
        """Last day of the scenario: the default ``--until`` for this source."""
        return self.scenario.end

    @property
    def scene_seed(self) -> int:
        """The seed of weather and pixel draws: the scenario's seed mixed with the source's."""
        return stable_int("scene-seed", self.scenario.seed, self.seed) % (2**63)

    def _site(self, aoi: AOIConfig) -> SiteMasks:
        key = (aoi.id, stable_int(aoi.model_dump_json()))
        if key not in self._masks:
            check_zones(self.scenario, aoi, self.scenario_path)
            self._masks[key] = site_masks(aoi, aoi_grid(aoi))
        return self._masks[key]

    def discover(self, aoi: AOIConfig, sensor: SensorName, since: dt.date, until: dt.date) -> list[SceneRef]:
        """List the scenario's acquisitions over ``aoi`` in a date window (clipped to the scenario period).

        Args:
            aoi: The AOI.
            sensor: Sensor name.
            since: First date, inclusive.
            until: Last date, inclusive.

        Returns:
            Scene references, oldest first, with ``cloud_cover`` filled (0 for Sentinel-1).

        Raises:
            ConfigError: The scenario names a zone the AOI lacks.
        """
        self._site(aoi)
        start, end = max(since, self.scenario.start), min(until, self.scenario.end)
        refs = []
        for when in acquisitions(aoi, sensor, start, end):
            cond = scene_conditions(aoi, sensor, when, self.scene_seed)
            meta = {"platform": platform_for(sensor, when.date(), aoi.id), "scenario": self.scenario.name}
            refs.append(SceneRef(aoi.id, sensor, when, make_scene_id(aoi.id, sensor, when), cond.cloud_cover, meta))
        return refs

    def render(
        self, aoi: AOIConfig, sensor: SensorName, when: dt.datetime
    ) -> tuple[SiteMasks, list[PlacedObject], Conditions, Rendered]:
        """Render one acquisition in memory on the AOI's grid.

        This is what :meth:`fetch` writes and what the Sentinel Hub emulator serves.

        Args:
            aoi: The AOI.
            sensor: Sensor name.
            when: Acquisition time (any instant; UTC).

        Returns:
            (the AOI's masks on its grid, the objects drawn, the scene conditions, the rendered bands).

        Raises:
            ConfigError: The scenario names a zone the AOI lacks.
        """
        masks = self._site(aoi)
        when = when.astimezone(dt.UTC)
        objects = objects_at(self.scenario, aoi, masks, when, self.seed)
        cond = scene_conditions(aoi, sensor, when, self.scene_seed)
        render = render_s2 if sensor == "sentinel-2-l2a" else render_s1
        return masks, objects, cond, render(masks, objects, cond, when, self.scene_seed)

    def fetch(self, ref: SceneRef, aoi: AOIConfig, dest: Path) -> Path:
        """Render one acquisition to a scene GeoTIFF plus its ``.truth.json``.

        Args:
            ref: A reference from :meth:`discover` (or any time: rendering is defined for every instant).
            aoi: The AOI the reference belongs to.
            dest: Output file, or an existing folder to write ``<scene_id>.tif`` into.

        Returns:
            The GeoTIFF path.

        Raises:
            ValueError: ``ref`` belongs to another AOI.
            ConfigError: The scenario names a zone the AOI lacks.
        """
        if ref.aoi != aoi.id:
            raise ValueError(f"scene {ref.scene_id} belongs to AOI {ref.aoi!r}, not {aoi.id!r}")
        path = dest / f"{ref.scene_id}.tif" if dest.is_dir() else dest
        when = ref.acquired.astimezone(dt.UTC)
        masks, objects, cond, scene = self.render(aoi, ref.sensor, when)
        acquired = f"{when:%Y-%m-%dT%H:%M:%SZ}"
        tags = {
            "SENSOR": ref.sensor,
            "ACQUISITION_TIME": acquired,
            "SCENE_ID": ref.scene_id,
            "SOURCE": "synthetic",
            "SCENARIO": self.scenario.name,
            "PLATFORM": platform_for(ref.sensor, when.date(), aoi.id),
        }
        if ref.sensor == "sentinel-2-l2a":
            tags |= {"REFLECTANCE_SCALE": "0.0001", "CLOUD_COVER": f"{cond.cloud_cover:.4f}"}
        else:
            tags |= {"UNITS": "linear", "POLARIZATION": "VV+VH", "ORBIT_DIRECTION": "ASCENDING"}

        records = []
        for obj in objects:
            r, c = int(obj.row), int(obj.col)
            records.append(obj.as_json(bool(scene.observed[r, c])))
        counts = {k: sum(1 for o in records if o["class"] == k) for k in CLASSES}
        seen = {k: sum(1 for o in records if o["class"] == k and o["visible"]) for k in CLASSES}
        truth = {
            "scene_id": ref.scene_id,
            "aoi": aoi.id,
            "sensor": ref.sensor,
            "acquired": acquired,
            "scenario": self.scenario.name,
            "events": sorted({o.origin for o in objects if o.origin != "background"}),
            "cloud_fraction": round(scene.cloud_fraction, 4),
            "observed_fraction": round(float(scene.observed.mean()), 4),
            "counts": counts,
            "visible_counts": seen,
            "objects": records,
        }
        # The truth goes first: an archived GeoTIFF then always has its truth beside it, even after a crash.
        _write_json(truth_path(path), truth)
        write_scene(path, masks.grid, scene.bands, tags, scene.dtype)
        return path
