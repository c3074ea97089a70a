"""Commands about change: alerts, history, feed, detect, deliver."""

from __future__ import annotations

import json
from typing import Any

import click
import sqlite_utils

from archive.alerts import KINDS, Alert, AlertError, list_alerts
from archive.cli.options import (DocumentedArgument, as_of_option, config_options, json_option, resolve,
                                 writer_lock)
from archive.config import Settings
from archive.db import ArchiveError, open_db
from archive.detect import Expectation, Policy, detect
from archive.feed import write_feed
from archive.history import find_report, report_history
from archive.notify import DeliveryReport, deliver


def _open(path: str, *, readonly: bool = False) -> sqlite_utils.Database:
    try:
        db = open_db(path, readonly=readonly)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    if "alerts" not in db.table_names():
        raise click.ClickException(f"{path} predates alerts: run `zfxxgk detect --db {path}` to upgrade it")
    return db


def publish(db: sqlite_utils.Database, settings: Settings) -> DeliveryReport:
    """Send undelivered alerts to the ``notify`` destinations and rewrite the ``feed`` file."""
    report = deliver(db, settings.notify)
    if settings.feed:
        write_feed(db, settings.feed)
    return report


def echo_delivery(report: DeliveryReport, settings: Settings) -> None:
    if settings.notify:
        click.echo(f"delivered {report.sent} alerts in {report.messages} messages"
                   + (f", {report.failed} failed (retried next run)" if report.failed else ""))
    for error in report.errors:
        click.echo(f"  ! {error}", err=True)


def echo_alerts(alerts: list[Alert], *, brief: bool = False) -> None:
    for alert in alerts:
        lines = alert.lines()
        click.echo("\n".join(lines[:2] if brief else lines))


@click.command("alerts")
@click.option("--kind", type=click.Choice(list(KINDS)), default=None, help="only alerts of this kind")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="only alerts raised on or after this day")
@click.option("--limit", type=int, default=None, help="at most this many (newest first)")
@as_of_option
@config_options
@json_option
def alerts_cmd(kind: str | None, since: str | None, limit: int | None, as_of: str | None, config: str | None,
               db: str | None, as_json: bool) -> None:
    """List the alerts raised by crawls, newest first: new, altered, removed, missing and the rest.

    Each alert is raised once per event (a report's new version, an agency's
    missing year), however many crawls see it. Days are those detection took
    as today (--as-of when it was given), so --as-of here lists what had been
    raised by then.
    """
    settings = resolve(config, db=db, as_of=as_of)
    try:
        rows = list_alerts(_open(settings.db, readonly=True), kind=kind, since=since, as_of=settings.as_of or None,
                           limit=limit)
    except AlertError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps([a.as_dict() for a in rows], ensure_ascii=False, indent=2))
        return
    for alert in rows:
        click.echo(f"#{alert.id} {alert.raised} (as of {alert.as_of}, run {alert.run_id})")
        echo_alerts([alert])
    click.echo(f"{len(rows)} alerts")


def _echo_history(data: dict[str, Any]) -> None:
    r = data["report"]
    click.echo(f"{r['agency'] or '?'} {r['year'] or '?'}: {r['title'] or ''}")
    click.echo(f"  id {r['id']}  state {r['state']}" + (f" since {r['gone_since']}" if r["gone_since"] else ""))
    click.echo(f"  url {r['url']}")
    for m in data["moves"]:
        click.echo(f"  moved ({m['via']}) in run {m['run_id']}: {m['old_url']} → {m['new_url']}")
    for v in data["versions"]:
        checks = f"  fails {', '.join(v['failed_checks'])}" if v["failed_checks"] else ""
        click.echo(f"v{v['version']}  {v['first_seen']} → {v['last_seen']}  {v['content_hash'][:12]}{checks}")
    for c in data["changes"]:
        click.echo(f"\nv{c['old_version']} → v{c['new_version']}:")
        click.echo("\n".join(f"  {cell}" for cell in c["cells"]) or "  (no table cell changed)")
        click.echo(c["diff"])


@click.command("history")
@click.argument("report", cls=DocumentedArgument, help="report id, or any URL the report was seen at")
@config_options
@json_option
def history_cmd(report: str, config: str | None, db: str | None, as_json: bool) -> None:
    """Show a report's versions, what changed between them (cells and text diff), its moves and alerts.

    REPORT is a report id (see `zfxxgk reports --json`) or any URL the report
    was ever seen at.
    """
    settings = resolve(config, db=db)
    archive = _open(settings.db, readonly=True)
    found = find_report(archive, report)
    if found is None:
        raise click.ClickException(f"no archived report with id or URL {report!r}")
    data = report_history(archive, found).as_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    _echo_history(data)
    for alert in data["alerts"]:
        click.echo(f"alert #{alert['id']} {alert['raised']} [{alert['kind']}] {alert['title']}")


@click.command("feed")
@click.option("--out", default=None, help="Atom file to write  [default: the feed setting, alerts.atom]")
@click.option("--limit", type=int, default=500, show_default=True, help="newest alerts in the feed")
@config_options
def feed_cmd(out: str | None, limit: int, config: str | None, db: str | None) -> None:
    """Write the alerts as an Atom feed file that researchers can subscribe to.

    Every crawl rewrites it too; entry ids are stable, so readers show each alert once.
    """
    settings = resolve(config, db=db)
    path = out or settings.feed or "alerts.atom"
    count = write_feed(_open(settings.db, readonly=True), path, limit=limit)
    click.echo(f"wrote {count} alerts to {path}")


@click.command("detect")
@click.option("--portal", default=None, help="only this portal  [default: every portal crawled]")
@as_of_option
@config_options
@json_option
def detect_cmd(portal: str | None, as_of: str | None, config: str | None, db: str | None, as_json: bool) -> None:
    """Run change detection again over each portal's latest crawl, then deliver and write the feed.

    Every crawl does this itself; run it after the deadline passes without a
    crawl, or after changing --as-of, grace_days or fetch_failures. Events
    already raised are not raised again.
    """
    from crawler.portal import PortalError, load_portal

    settings = resolve(config, db=db, as_of=as_of)
    writer_lock(settings)
    archive = _open(settings.db)
    sql = "select portal, max(id) as id from runs " + ("where portal = ? " if portal else "") + "group by portal"
    raised: list[Alert] = []
    for run in list(archive.query(sql, [portal] if portal else [])):
        try:
            definition = load_portal(run["portal"])
            expect = Expectation(definition.min_reports, definition.min_agencies)
        except PortalError:
            expect = Expectation()
        raised += detect(archive, run["id"], Policy.from_settings(settings.as_dict()), expect)
    delivery = publish(archive, settings)
    if as_json:
        click.echo(json.dumps([a.as_dict() for a in raised], ensure_ascii=False, indent=2))
        return
    echo_alerts(raised, brief=True)
    click.echo(f"{len(raised)} new alerts")
    echo_delivery(delivery, settings)


@click.command("deliver")
@config_options
def deliver_cmd(config: str | None, db: str | None) -> None:
    """Send alerts not yet delivered to the notify destinations (apprise URLs) and rewrite the feed.

    Every crawl does this at its end; a delivery that failed is tried again here
    and by every later crawl, and one that succeeded is never sent again.
    """
    settings = resolve(config, db=db)
    writer_lock(settings)
    if not settings.notify:
        click.echo("no notify destinations configured (setting notify, or ZFXXGK_NOTIFY)")
    echo_delivery(publish(_open(settings.db), settings), settings)


COMMANDS = [alerts_cmd, history_cmd, feed_cmd, detect_cmd, deliver_cmd]
