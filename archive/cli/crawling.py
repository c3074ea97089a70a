"""Commands that fetch: crawl, portals, serve-sample."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import click
from redis.exceptions import RedisError

from archive.alerts import list_alerts
from archive.cli.alerts import echo_alerts, echo_delivery, publish
from archive.cli.options import as_of_option, config_options, json_option, resolve, writer_lock
from archive.config import Settings
from archive.db import open_db
from archive.runs import run_summary


SHOWN_ALERTS = 10  # the end-of-crawl summary stays on one screen; `zfxxgk alerts` lists them all
SHOWN_FIRST = ["portal_shrank", "removed", "altered", "moved", "reappeared", "fetch_failed", "inconsistent",
               "missing", "new"]


@click.command()
@click.option("--portal", default=None, help="portal definition to crawl (see `zfxxgk portals`); "
              "without it the bundled sample portal is served on loopback and crawled")
@click.option("--base-url", default=None, help="point the portal at another root (a mirror or local copy)")
@click.option("--agency", default=None, help="only this agency (its code, or part of its name)")
@click.option("--year", type=int, default=None, help="only reports about this year")
@click.option("--full", is_flag=True, help="fetch everything in full, without conditional requests")
@click.option("--resume", is_flag=True, help="continue the last crawl of this portal that did not finish")
@click.option("--contact", default=None, help="e-mail or URL added to the User-Agent")
@click.option("--download-delay", type=float, default=None, help="seconds between requests to one domain")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="redis://HOST:PORT/DB: be one worker of a crawl shared through Redis; "
              "`zfxxgk ingest` writes the archive")
@as_of_option
@config_options
@json_option
def crawl(portal: str | None, base_url: str | None, agency: str | None, year: int | None, full: bool,
          resume: bool, contact: str | None, download_delay: float | None, redis_url: str | None,
          as_of: str | None, config: str | None, db: str | None, as_json: bool) -> None:
    """Crawl a portal into the archive, then print what the run stored and the alerts it raised.

    Report pages and attachments already archived are revalidated with
    conditional requests; a crawl killed at any point continues with --resume.
    Alerts go to the notify destinations and the feed file at the end.
    Versions read by an earlier parser release are reparsed first, so a new
    reading is never taken for an altered report.
    With --redis, start the same command on any number of machines: they share
    one frontier and survive each other's death, while `zfxxgk ingest` writes.
    """
    settings = resolve(config, db=db, contact=contact, download_delay=download_delay, as_of=as_of,
                       redis=redis_url)
    if settings.redis:
        _redis_worker(settings, portal, base_url, agency, year, full, as_json)
        return
    _crawl_alone(settings, portal, base_url, agency, year, full, resume, download_delay, as_json)


def _redis_worker(settings: Settings, portal: str | None, base_url: str | None, agency: str | None,
                  year: int | None, full: bool, as_json: bool) -> None:
    from crawler.portal import PortalError, load_portal
    from crawler.run import CrawlRequest, crawl as run_crawl

    if portal is None:
        raise click.ClickException("a Redis worker needs --portal (and --base-url for a local copy)")
    try:
        load_portal(portal)
        stats = run_crawl(settings, CrawlRequest(portal=portal, base_url=base_url, agency=agency, year=year,
                                                 full=full, progress=sys.stderr.isatty() and not as_json))
    except (PortalError, ValueError, RedisError) as exc:
        raise click.ClickException(str(exc)) from exc
    keys = ("zfxxgk/crawl_id", "finish_reason", "response_received_count", "item_scraped_count", "zfxxgk/errors",
            "zfxxgk/over_budget")
    summary = {k: stats.get(k) for k in keys}
    click.echo(json.dumps(summary, ensure_ascii=False, default=str) if as_json else
               f"worker done: crawl {summary['zfxxgk/crawl_id']} ({summary['finish_reason']}), "
               f"{summary['response_received_count']} responses, {summary['item_scraped_count']} reports sent")
    if stats.get("finish_reason") != "finished":
        sys.exit(1)


def _crawl_alone(settings: Settings, portal: str | None, base_url: str | None, agency: str | None,
                 year: int | None, full: bool, resume: bool, download_delay: float | None, as_json: bool) -> None:
    from crawler.portal import PortalError, load_portal
    from crawler.run import CrawlRequest, crawl as run_crawl

    sample = None
    writer_lock(settings, portal or "sample")
    if portal is None:
        from crawler.sample.server import SampleServer

        try:
            sample = SampleServer(port=settings.sample_port).start()
        except OSError as exc:
            raise click.ClickException(f"cannot serve the sample portal on port {settings.sample_port}: {exc} "
                                       "(set ZFXXGK_SAMPLE_PORT or sample_port to a free port)") from exc
        portal, base_url = "sample", sample.url
        if download_delay is None:
            settings = replace(settings, download_delay=0.0)
    reparse_outdated(settings)
    try:
        load_portal(portal)
        stats = run_crawl(settings, CrawlRequest(portal=portal, base_url=base_url, agency=agency, year=year,
                                                 full=full, resume=resume,
                                                 progress=sys.stderr.isatty() and not as_json))
    except (PortalError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if sample:
            sample.stop()
    report_run(settings, stats.get("zfxxgk/run_id"), as_json)
    if stats.get("finish_reason") != "finished":
        sys.exit(1)


def reparse_outdated(settings: Settings) -> None:
    """Before a writer starts: re-read what an earlier parser read (see ``bring_up_to_date``)."""
    from archive.store import Archive
    from crawler.reparse import bring_up_to_date

    if not Path(settings.db).exists():
        return
    archive = Archive(settings.db)
    try:
        count = bring_up_to_date(archive, settings.workers)
    finally:
        archive.close()
    if count:
        click.echo(f"{count} archived versions were read by an earlier parser: reparsed them first", err=True)


def report_run(settings: Settings, run_id: int | None, as_json: bool) -> None:
    """The end-of-run summary with the alerts the run raised, and their delivery (also used by `zfxxgk ingest`)."""
    archive = open_db(settings.db)
    summary = run_summary(archive, run_id)
    if summary is None:
        raise click.ClickException("the crawl did not start; see the log above")
    raised = list_alerts(archive, run_id=summary.run_id)
    delivery = publish(archive, settings)
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "alerts": [a.as_dict() for a in raised],
                               "delivery": asdict(delivery)}, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(summary.lines(settings.db)))
    kinds = Counter(a.kind for a in raised)
    click.echo(f"{len(raised)} alerts" + (": " + ", ".join(f"{n} {k}" for k, n in kinds.most_common())
                                              if raised else ""))
    echo_alerts(sorted(raised, key=lambda a: SHOWN_FIRST.index(a.kind))[:SHOWN_ALERTS], brief=True)
    if len(raised) > SHOWN_ALERTS:
        click.echo(f"… and {len(raised) - SHOWN_ALERTS} more: zfxxgk alerts --limit {len(raised)}")
    echo_delivery(delivery, settings)


@click.command()
@json_option
def portals(as_json: bool) -> None:
    """List the portal definitions that `zfxxgk crawl --portal NAME` accepts."""
    from crawler.portal import load_portal, portal_names

    rows: list[dict[str, Any]] = []
    for name in portal_names():
        p = load_portal(name)
        rows.append({"name": name, "family": p.family, "base_url": p.base_url, "title": p.title,
                     "start": p.start_urls if p.base_url else list(p.start)})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']:<15} {row['family']:<7} {row['base_url'] or '(needs --base-url)':<32} {row['title']}")


@click.command("serve-sample")
@click.option("--port", type=int, default=8123, show_default=True, help="port on 127.0.0.1")
@click.option("--state", type=click.Choice(["current", "next"]), default="current", show_default=True,
              help="serve the sample as it is now, or in its 'next year' state")
@click.option("--no-noise", is_flag=True, help="leave out the visit counter and timestamp on every page")
def serve_sample(port: int, state: str, no_noise: bool) -> None:
    """Serve the bundled sample portal on 127.0.0.1 (answers conditional requests like a real portal)."""
    from crawler.sample.server import serve

    serve(port=port, state=state, noise=not no_noise)


COMMANDS = [crawl, portals, serve_sample]
