"""Commands for researchers: browse, search, export, reindex."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from archive.cli.options import config_options, json_option, resolve, writer_lock
from archive.db import ArchiveError, open_db


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


@click.command()
@click.option("--port", type=int, default=None, help="port to listen on  [default: 8001]")
@click.option("--host", default=None, help="address to listen on  [default: 127.0.0.1]")
@config_options
def browse(port: int | None, host: str | None, config: str | None, db: str | None) -> None:
    """Serve the archive read-only with Datasette: Chinese search, facets, views, CSV/JSON export.

    The archive's schema and search index are brought up to date first; a crawl
    may go on writing while it is served.
    """
    from archive.datasette_app import prepare, serve

    settings = resolve(config, db=db, browse_port=port, browse_host=host)
    try:
        indexed = prepare(settings.db)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    if indexed:
        click.echo(f"indexed {indexed} report versions for search", err=True)
    click.echo(f"browse the archive at http://{settings.browse_host}:{settings.browse_port}/archive", err=True)
    serve(settings.db, settings.browse_host, settings.browse_port)


class _Words(click.Argument):
    """A positional argument that carries a help text, like an option."""

    def __init__(self, *args: Any, help: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = help


@click.command("search")
@click.argument("words", nargs=-1, required=True, cls=_Words,
                help="words every report found must contain (all of them)")
@click.option("--limit", type=int, default=50, show_default=True, help="most reports listed")
@config_options
@json_option
def search_cmd(words: tuple[str, ...], limit: int, config: str | None, db: str | None, as_json: bool) -> None:
    """Reports whose text contains every one of WORDS (复议; 行政复议 诉讼; traditional or full-width too)."""
    from archive import search

    settings = resolve(config, db=db)
    try:
        rows = search.search(open_db(settings.db, readonly=True), " ".join(words), limit=limit)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['year'] or '?':>4}  {r['agency'] or '?'}  v{r['version']}  …{r['context']}…")
    click.echo(f"{len(rows)} reports")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="file format")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="directory for cells, panel and manifest.json")
@click.option("--as-of", "as_of", callback=_iso_date, default=None,
              help="the archive as it stood at the end of this UTC date (YYYY-MM-DD)  [default: today]")
@config_options
@json_option
def export(fmt: str, out: Path, as_of: date | None, config: str | None, db: str | None, as_json: bool) -> None:
    """Write the tidy table cells and the agency × year panel for pandas or R.

    Each report contributes the version current on --as-of (the last first seen
    by then), so the same command gives the same numbers later.
    """
    from archive.export import export as run_export

    settings = resolve(config, db=db)
    try:
        manifest = run_export(open_db(settings.db, readonly=True), out, fmt, as_of)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(manifest, ensure_ascii=False, indent=2))
        return
    for f in manifest["files"]:
        click.echo(f"{out / f['path']}: {f['rows']} rows")
    click.echo(f"as of {manifest['as_of']}; manifest: {out / 'manifest.json'}")


@click.command()
@click.option("--rebuild", is_flag=True, help="empty the search index and index every version again")
@config_options
def reindex(rebuild: bool, config: str | None, db: str | None) -> None:
    """Index report versions the search index lacks (or all, with --rebuild)."""
    from archive import search

    settings = resolve(config, db=db)
    if not Path(settings.db).exists():
        raise click.ClickException(f"no archive at {settings.db}")
    writer_lock(settings)
    archive = open_db(settings.db)
    count = search.rebuild(archive) if rebuild else search.index_pending(archive)
    click.echo(f"indexed {count} report versions")


COMMANDS = [browse, search_cmd, export, reindex]
