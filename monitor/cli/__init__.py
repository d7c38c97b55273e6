"""The ``monitor`` command line: a thin shell that maps library calls to exit codes.

Exit codes: 0 ok, 1 unexpected failure, 2 usage error, 65 unusable input data, 69 missing credentials or
weights, 75 lock busy or upstream temporarily unavailable, 78 bad configuration.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import click

from monitor.cli.alerts import alerts_cmd
from monitor.cli.backfill import backfill_cmd
from monitor.cli.claims import claims_cmd
from monitor.cli.counts import counts_cmd
from monitor.cli.cron import cron_cmd
from monitor.cli.detect import detect_cmd
from monitor.cli.emulate import emulate_cmd
from monitor.cli.evaluate import evaluate_cmd
from monitor.cli.export import export_cmd
from monitor.cli.logs import configure_logging, echo_error
from monitor.cli.run import run_cmd
from monitor.cli.status import status_cmd
from monitor.cli.train import train_cmd
from monitor.errors import EXIT_SOFTWARE, MonitorError

__all__ = ("cli", "main")

log = logging.getLogger("monitor")


class MonitorGroup(click.Group):
    """A click group that turns library errors into one stderr line and their exit code."""

    def invoke(self, ctx: click.Context) -> object:
        """Invoke the subcommand, mapping errors to exit codes.

        Args:
            ctx: The click context.

        Returns:
            The subcommand's return value.
        """
        try:
            return super().invoke(ctx)
        except MonitorError as exc:
            echo_error(f"error: {exc}", exc.exit_code)
            ctx.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            echo_error("interrupted", 130)
            ctx.exit(130)
        except Exception as exc:
            log.debug("unexpected failure", exc_info=True)
            echo_error(f"unexpected failure: {type(exc).__name__}: {exc} (run with -v for details)", EXIT_SOFTWARE)
            ctx.exit(EXIT_SOFTWARE)


@click.group(cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output on stderr (repeatable).")
@click.option("-q", "--quiet", count=True, help="Less output: no summary tables, warnings only on errors.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="MONITOR_LOG_FORMAT",
    show_default=True,
    help="Log lines on stderr as text or one JSON object per line ($MONITOR_LOG_FORMAT).",
)
@click.version_option(package_name="monitor")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: int, log_format: str) -> None:
    """Count landing ships and transport aircraft in Sentinel-1/-2 scenes and flag changes."""
    configure_logging(verbose, quiet, log_format)
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet > 0


cli.add_command(run_cmd)
cli.add_command(backfill_cmd)
cli.add_command(cron_cmd)
cli.add_command(status_cmd)
cli.add_command(detect_cmd)
cli.add_command(counts_cmd)
cli.add_command(train_cmd)
cli.add_command(evaluate_cmd)
cli.add_command(emulate_cmd)
cli.add_command(export_cmd)
cli.add_command(alerts_cmd)
cli.add_command(claims_cmd)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI as a program (exits with the documented code).

    Args:
        argv: Arguments (default ``sys.argv[1:]``).
    """
    cli.main(args=list(argv) if argv is not None else None, prog_name="monitor")


if __name__ == "__main__":
    main()
