"""Commands about reports: list the archived ones, parse files, re-parse the archive."""

from __future__ import annotations

import json
from contextlib import nullcontext
from typing import Any

import click

from archive.cli.options import config_options, json_option, resolve, writer_lock
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



def _summary_lines(path: str, record: dict[str, Any]) -> list[str]:
    lines = [f"{path}: {record['agency'] or '?'} {record['year'] or '?'} · {record['template']} · {record['status']}"]
    if record["summary"]:
        lines.append("  " + "  ".join(f"{k}={v}" for k, v in record["summary"].items()))
    for check in record["checks"]:
        lines.append(f"  {'ok ' if check['ok'] else 'FAIL'} {check['rule']}: {check['detail']}")
    for problem in record["problems"]:
        lines.append(f"  ! {problem['where']}: {problem['reason']}")
    return lines


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@json_option
def parse_cmd(files: tuple[str, ...], as_json: bool) -> None:
    """Parse report files (.html, .txt, .docx, .pdf, .doc) into the canonical record.

    With --json, one file prints its record as a JSON object and several print a
    list; otherwise a readable summary with the checks and any unreadable cells.
    """
    from parsers import parse_file

    records = [parse_file(path).to_json() for path in files]
    if as_json:
        click.echo(json.dumps(records[0] if len(records) == 1 else records, ensure_ascii=False, indent=2))
        return
    for path, record in zip(files, records):
        click.echo("\n".join(_summary_lines(path, record)))


@click.command("reparse")
@config_options
@json_option
def reparse_cmd(config: str | None, db: str | None, as_json: bool) -> None:
    """Re-run the current parser over every archived version, from the archived bytes.

    Records, cells and checks are rewritten where the parser now reads them
    differently; the raw bytes and the versions themselves stay as they are.
    """
    from archive.store import Archive
    from crawler.reparse import reparse_all

    settings = resolve(config, db=db)
    writer_lock(settings)
    archive = Archive(settings.db)
    total = archive.db["report_versions"].count
    changed = 0
    results = reparse_all(archive.db, settings.workers)
    with nullcontext(results) if as_json else click.progressbar(results, length=total, label="reparsing") as bar:
        for version_id, analysed in bar:
            changed += archive.replace_analysis(version_id, analysed)
    archive.close()
    result = {"versions": total, "changed": changed}
    click.echo(json.dumps(result) if as_json else f"{total} versions reparsed, {changed} changed")


COMMANDS = [reports_cmd, parse_cmd, reparse_cmd]
