"""Datasette plugin for the archive: Chinese search, report pages, raw files, canned queries.

Registered through the ``datasette`` entry point (so plain ``datasette archive.db``
gets it too) and by ``zfxxgk browse``. Hooks act only on a database that holds
the archive's search indexes.
"""

from __future__ import annotations

from typing import Any

import markupsafe
from datasette import hookimpl
from datasette.database import Database
from datasette.filters import FilterArguments

from archive import views
from archive.datasette_plugin import pages
from archive.datasette_plugin.pages import is_archive
from archive.search import Query

async def _search_target(db: Database, table: str) -> tuple[str, str] | None:
    """The column that ties ``table`` to report text, and whether it holds a version or a report id."""
    if table == "report_versions":
        return "id", "version"
    columns = set(await db.table_columns(table))
    if "version_id" in columns:
        return "version_id", "version"
    if table == "reports":
        return "id", "report"
    if "report_id" in columns:
        return "report_id", "report"
    return None


def _condition(target: tuple[str, str], query: Query) -> tuple[str, dict[str, str]]:
    column, kind = target
    if kind == "version":
        return query.where(column)
    where, params = query.where("report_versions.id")
    return f"{column} in (select report_id from report_versions where {where})", params


@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    """``?_search=`` on reports, versions and every view with a report_id: the archive's own search.

    Runs last so that its ``supports_search`` (which shows Datasette's search box)
    is not overwritten by the default search hook, which finds no FTS table here.
    """
    async def inner() -> FilterArguments | None:
        db = datasette.get_database(database)
        if not await is_archive(db):
            return None
        target = await _search_target(db, table)
        if target is None:
            return None
        q = request.args.get("_search", "").strip()
        if not q:
            return FilterArguments([], extra_context={"supports_search": True})
        where, params = _condition(target, Query.parse(q))
        return FilterArguments([where], params=params, human_descriptions=[f'text contains "{q}"'],
                               extra_context={"supports_search": True, "search": q})

    return inner


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Report titles and report ids link to the report's page."""
    target = None
    if column == "report_id" and isinstance(value, str):
        target = value
    elif table == "reports" and column == "title" and "id" in row.keys():
        target = row["id"]
    if target is None or value is None:
        return None
    href = datasette.urls.path(f"/-/zfxxgk/report/{target}")
    return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [
        (r"^/-/zfxxgk/report/(?P<report_id>[^/]+)$", pages.report_page),
        (r"^/-/zfxxgk/raw/(?P<sha256>[0-9a-f]{64})$", pages.raw_file),
        (r"^/-/zfxxgk/search$", pages.search_page),
    ]


@hookimpl
def canned_queries(datasette: Any, database: str, actor: Any) -> Any:
    """year_grid (one column per year of the archive) and report_history."""
    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        if not await is_archive(db):
            return {}
        span = (await db.execute("select min(year), max(year) from reports")).first()
        years = list(range(span[0], span[1] + 1)) if span and span[0] is not None else []
        return {
            "year_grid": {"sql": views.year_grid_sql(years), "hide_sql": True,
                          "title": "Which years each agency has a report for",
                          "description": "✓ where the archive has a report; a blank cell is a gap. "
                                         "Years run from the first to the last in the archive."},
            "report_history": {"sql": views.REPORT_HISTORY, "hide_sql": True, "title": "A report's versions",
                               "description": "Versions of one report (its id), when each was seen and how many "
                                              "figures changed; the report page shows the text diff."},
        }

    return inner
