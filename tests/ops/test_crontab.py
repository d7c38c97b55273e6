import shlex
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_settings
from monitor.ops.crontab import crontab_text, systemd_units


def test_crontab_lines_use_absolute_paths_a_time_zone_a_lock_and_quiet(config_path):
    settings = load_settings(config_path, env={})
    text = crontab_text(settings, "UTC", Path("/var/log/monitor.log"), json_logs=True)
    assert "CRON_TZ=UTC" in text
    jobs = [line for line in text.splitlines() if line and not line.startswith(("#", "CRON_TZ"))]
    schedules = {a.cadence.cron for a in settings.aois.values()}
    assert len(jobs) == len(schedules)
    for line in jobs:
        fields = line.split(None, 5)
        argv = shlex.split(fields[5])
        assert " ".join(fields[:5]) in schedules
        assert argv[0].startswith("/") and Path(argv[0]).exists()
        if Path(argv[0]).name == "flock":
            assert argv[1:4] == ["-n", "-E", "75"] and argv[4].startswith("/")
        assert "-q" in argv and argv[argv.index("--config") + 1] == str(config_path.resolve())
        assert "--log-format" in argv and fields[5].endswith(">> /var/log/monitor.log 2>&1")


def test_the_printed_command_really_runs(config_path):
    settings = load_settings(config_path, env={})
    line = next(x for x in crontab_text(settings).splitlines() if x and x[0].isdigit())
    argv = shlex.split(line.split(None, 5)[5])
    monitor = argv[argv.index("-q") - 1]
    assert Path(monitor).parent == Path(sys.executable).parent
    res = subprocess.run([monitor, "--help"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "backfill" in res.stdout


def test_systemd_units_have_a_oneshot_service_and_a_persistent_timer(config_path):
    units = systemd_units(load_settings(config_path, env={}))
    services = [t for n, t in units.items() if n.endswith(".service")]
    timers = [t for n, t in units.items() if n.endswith(".timer")]
    assert services and len(services) == len(timers)
    assert all("Type=oneshot" in s and "ExecStart=/" in s for s in services)
    assert all("Persistent=true" in t and "OnCalendar=" in t and "UTC" in t for t in timers)


def test_cron_command_prints_both_forms(config_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["cron", "--config", str(config_path)])
    assert res.exit_code == 0 and "CRON_TZ=UTC" in res.output
    res = runner.invoke(cli, ["cron", "--config", str(config_path), "--systemd"])
    assert res.exit_code == 0 and "[Timer]" in res.output
