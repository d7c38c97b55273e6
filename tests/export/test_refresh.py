"""The `monitor run` hook: refresh sites that got new scenes, catch up missing outputs, skip the rest."""

from __future__ import annotations

from monitor.export import export_sites, refresh_after_run
from monitor.export.files import SiteLayout


def test_the_hook_builds_missing_outputs_then_only_refreshes_sites_with_new_scenes(site):
    layout = SiteLayout(site.data_dir, "dunai")
    first = refresh_after_run(site.data_dir, [site.aoi], {})
    assert [r.aoi for r in first] == ["dunai"] and first[0].cogs_written == 10  # no project yet: build it
    assert layout.project.exists()
    assert refresh_after_run(site.data_dir, [site.aoi], {("sunan", "sentinel-2-l2a"): 3}) == []
    lost = layout.quicklook("sentinel-1-grd", site.scene_ids[1])
    lost.unlink()
    again = refresh_after_run(site.data_dir, [site.aoi], {("dunai", "sentinel-1-grd"): 1})
    assert again[0].cogs_written == 1 and lost.exists()  # only what was missing


def test_export_sites_covers_every_configured_site_by_default(site):
    results = export_sites(site.settings)
    assert [r.aoi for r in results] == ["dunai"]
