"""Commands that keep crawls running: watch (a cron of its own) and ingest (the Redis crawl's one writer)."""

from __future__ import annotations

import sys

import click

from archive.cli.options import resolve


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--cron", default=None, help="when to crawl, in cron syntax and local time  [default: the cron "
              "setting, \"0 3 * * *\"]; a sixth field counts seconds")
@click.option("--jitter", type=int, default=None, help="most seconds to wait after the scheduled time, at random  "
              "[default: the jitter setting, 300]")
@click.option("--config", default=None, type=click.Path(dir_okay=False),
              help="TOML settings file, also passed on to each crawl")
@click.argument("crawl_args", nargs=-1, type=click.UNPROCESSED)
def watch(cron: str | None, jitter: int | None, config: str | None, crawl_args: tuple[str, ...]) -> None:
    """Run `zfxxgk crawl CRAWL_ARGS` on a schedule, for machines without cron or systemd timers.

    Example: zfxxgk watch --cron "0 3 * * *" -- --portal beijing --db /srv/zfxxgk/archive.db.
    Stops cleanly on SIGTERM or Ctrl-C, letting a running crawl close its run first.
    """
    from crawler.watch import ScheduleError, Watcher, crawl_command

    settings = resolve(config, cron=cron, jitter=jitter)
    args = [*(["--config", config] if config else []), *crawl_args]
    try:
        watcher = Watcher(settings.cron, settings.jitter, crawl_command(args),
                          log=lambda line: click.echo(line, err=True))
    except ScheduleError as exc:
        raise click.BadParameter(str(exc), param_hint="--cron") from exc
    sys.exit(watcher.run())


COMMANDS = [watch]
