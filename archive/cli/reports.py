"""Commands that read the archive: reports."""

from __future__ import annotations

import json

import click

from archive.cli.options import config_options, json_option, resolve
from archive.db import ArchiveError, open_db


@click.command("reports")
@click.option("--agency", default=None, help="only agencies whose name contains this")
@click.option("--year", type=int, default=None, help="only reports about this year")
@config_options
@json_option
def reports_cmd(agency: str | None, year: int | None, config: str | None, db: str | None, as_json: bool) -> None:
    """List the archived reports: agency, year, template, versions, state and URL."""
    settings = resolve(config, db=db)
    try:
        archive = open_db(settings.db, readonly=True)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    where, params = ["1=1"], []
    if agency:
        where.append("agency like ?")
        params.append(f"%{agency}%")
    if year:
        where.append("year = ?")
        params.append(year)
    rows = list(archive.query(
        "select agency, year, template, current_version as versions, state, title, url from reports "
        f"where {' and '.join(where)} order by agency, year", params))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['year'] or '?':>4}  {r['template'] or '':<12} v{r['versions']}  {r['state']:<5} "
                   f"{r['agency'] or '?'}  {r['url']}")
    click.echo(f"{len(rows)} reports")


COMMANDS = [reports_cmd]
