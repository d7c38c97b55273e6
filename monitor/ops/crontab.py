"""Ready-to-install schedules: a crontab block, or a systemd service and timer, with absolute paths.

Sites sharing a ``cadence.cron`` get one line; sites with different schedules get one line each, limited to
them with ``--aoi``. Each line is wrapped in ``flock -n -E 75`` on a lock file of its own (so a run that is
still going makes the next tick end at once with 75, before Python even starts), runs ``monitor -q``
(silent on success, so cron mails only failures) and names the config by its absolute path.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from monitor.config.loader import Settings
from monitor.config.models import AOIConfig
from monitor.ops.schedule import on_calendar

__all__ = ("crontab_text", "monitor_command", "systemd_units")


def monitor_executable() -> list[str]:
    """The absolute command that starts this installation of ``monitor``.

    Returns:
        The console script beside this interpreter, or ``python -m monitor`` with the venv's interpreter.
    """
    exe = Path(sys.executable).absolute()
    script = exe.parent / "monitor"
    return [str(script)] if script.exists() else [str(exe), "-m", "monitor"]


def monitor_command(settings: Settings, aois: Sequence[str], json_logs: bool) -> list[str]:
    """The ``monitor run`` command line a scheduler should start.

    Args:
        settings: Resolved settings (for the config path).
        aois: Sites to limit the run to (all when empty).
        json_logs: Log lines as JSON objects.

    Returns:
        The argument list.
    """
    cmd = [*monitor_executable(), "-q"]
    if json_logs:
        cmd += ["--log-format", "json"]
    cmd += ["run", "--config", str(settings.config_path)]
    for aoi in aois:
        cmd += ["--aoi", aoi]
    return cmd


def _groups(settings: Settings) -> list[tuple[str, list[AOIConfig]]]:
    groups: dict[str, list[AOIConfig]] = {}
    for aoi in settings.aois.values():
        groups.setdefault(aoi.cadence.cron, []).append(aoi)
    return list(groups.items())


def crontab_text(settings: Settings, tz: str = "UTC", log_file: Path | None = None, json_logs: bool = False) -> str:
    """A crontab block to paste into ``crontab -e``.

    Args:
        settings: Resolved settings.
        tz: Time zone the schedules are read in (``CRON_TZ``; cronie and systemd-cron honour it).
        log_file: Append all output there instead of letting cron mail it.
        json_logs: Log lines as JSON objects.

    Returns:
        The text, ending with a newline.
    """
    groups = _groups(settings)
    lines = [
        f"# monitor: {settings.config_path} (data in {settings.data_dir})",
        f"# times in {tz}; without CRON_TZ support (Debian's cron) they are in the system time zone",
        f"CRON_TZ={tz}",
    ]
    flock = shutil.which("flock")
    for expr, aois in groups:
        cmd = monitor_command(settings, [a.id for a in aois] if len(groups) > 1 else [], json_logs)
        if flock:
            key = hashlib.sha1(f"{settings.data_dir}|{expr}".encode()).hexdigest()[:10]
            cmd = [flock, "-n", "-E", "75", f"/tmp/monitor-{key}.lock", *cmd]
        line = f"{expr} {shlex.join(cmd)}"
        if log_file is not None:
            line += f" >> {shlex.quote(str(log_file.absolute()))} 2>&1"
        lines.append(f"# sites: {', '.join(a.id for a in aois)}")
        lines.append(line)
    return "\n".join(lines) + "\n"


def systemd_units(settings: Settings, tz: str = "UTC", json_logs: bool = True) -> dict[str, str]:
    """A oneshot service and a timer per schedule (``monitor.service`` / ``monitor.timer`` for one schedule).

    Args:
        settings: Resolved settings.
        tz: Time zone of the ``OnCalendar=`` expressions.
        json_logs: Log lines as JSON objects (the journal keeps them).

    Returns:
        File name to content.

    Raises:
        ValueError: A schedule has no ``OnCalendar`` equivalent.
    """
    groups = _groups(settings)
    units: dict[str, str] = {}
    for i, (expr, aois) in enumerate(groups):
        name = "monitor" if len(groups) == 1 else f"monitor-{i + 1}"
        cmd = monitor_command(settings, [a.id for a in aois] if len(groups) > 1 else [], json_logs)
        units[f"{name}.service"] = (
            "[Unit]\n"
            f"Description=monitor run ({', '.join(a.id for a in aois)})\n"
            "Wants=network-online.target\nAfter=network-online.target\n\n"
            "[Service]\nType=oneshot\n"
            f"ExecStart={shlex.join(cmd)}\n"
            "TimeoutStartSec=6h\n"
        )
        units[f"{name}.timer"] = (
            "[Unit]\n"
            f"Description=monitor schedule ({expr})\n\n"
            "[Timer]\n"
            f"OnCalendar={on_calendar(expr, tz)}\n"
            "Persistent=true\n"
            "RandomizedDelaySec=5min\n\n"
            "[Install]\nWantedBy=timers.target\n"
        )
    return units
