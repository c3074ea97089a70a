"""Commands that keep crawls running: watch (a cron of its own) and ingest (the Redis crawl's one writer)."""

from __future__ import annotations

import signal
import sys

import click
from redis.exceptions import RedisError

from archive.cli.crawling import report_run, reparse_outdated
from archive.cli.options import config_options, resolve, writer_lock


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


@click.command()
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="redis://HOST:PORT/DB the workers were started with  [default: the redis setting]")
@click.option("--follow", is_flag=True, help="keep ingesting crawl after crawl (as a service) instead of "
              "stopping when the crawls under way have finished")
@config_options
def ingest(redis_url: str | None, follow: bool, config: str | None, db: str | None) -> None:
    """Write what the Redis workers of `zfxxgk crawl --redis` send into the archive: its one writer.

    Takes the archive's lock, so it is the only process writing it (and first
    reparses versions an earlier parser release read, as `zfxxgk crawl` does); prints each
    run's summary and sends its alerts as the run ends; stops on SIGTERM or
    Ctrl-C after the batch it is writing (a restart carries on).
    """
    from crawler.frontier import connect
    from crawler.ingest import Ingester

    settings = resolve(config, db=db, redis=redis_url)
    if not settings.redis:
        raise click.ClickException("give the Redis of the crawl: --redis redis://HOST:PORT/DB")
    writer_lock(settings, "ingest")
    reparse_outdated(settings)
    try:
        server = connect(settings.redis)
    except RedisError as exc:
        raise click.ClickException(f"cannot reach Redis at {settings.redis}: {exc}") from exc
    ingester = Ingester(server, settings, log=lambda line: click.echo(line, err=True),
                        on_finished=lambda run_id: report_run(settings, run_id, as_json=False))
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: ingester.stopping.set())
    ingester.run(follow=follow)


COMMANDS = [watch, ingest]
