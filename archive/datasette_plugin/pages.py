"""The report page and the raw-file download.

Archived text is only ever shown escaped (Jinja autoescape, inside <pre>), and
raw files are served as attachments of an opaque type with a sandboxing CSP,
so no script from a portal runs in the researcher's browser.
"""

from __future__ import annotations

import difflib
import json
import mimetypes
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from datasette.database import Database
from datasette.utils.asgi import NotFound, Response

from archive.search import highlight, search_sql

DIFF_LINES = 400
SEARCH_LIMIT = 200


async def is_archive(db: Database) -> bool:
    return bool(await db.table_exists("search_trigram") and await db.table_exists("report_versions"))


async def archive_database(datasette: Any, request: Any) -> Database:
    """The served archive, once the actor may see it."""
    for name, db in datasette.databases.items():
        if not db.is_memory and await is_archive(db):
            await datasette.ensure_permissions(request.actor, [("view-database", name), "view-instance"])
            return db
    raise NotFound("no archive is being served")


async def _rows(db: Database, sql: str, params: list[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def _files(db: Database, sources: str | None) -> list[dict[str, Any]]:
    """The files a version was read from, with when each was fetched in full and whether its bytes are kept."""
    files = []
    for doc in json.loads(sources or "[]"):
        sha = doc.get("sha256") or ""
        fetched = [r["fetched_at"] for r in await _rows(
            db, "select fetched_at from fetches where sha256 = ? and status = 200 order by fetched_at", [sha])]
        kept = bool(sha) and bool((await db.execute("select 1 from blobs where sha256 = ?", [sha])).rows)
        files.append({"role": doc.get("role"), "url": doc.get("url"), "sha256": sha, "kept": kept,
                      "fetched": fetched})
    return files


def _diff(before: str | None, after: str | None, old: int, new: int) -> list[str]:
    lines = difflib.unified_diff((before or "").splitlines(), (after or "").splitlines(),
                                 f"version {old}", f"version {new}", lineterm="", n=1)
    return list(lines)[:DIFF_LINES]


async def report_page(datasette: Any, request: Any) -> Response:
    db = await archive_database(datasette, request)
    report_id = request.url_vars["report_id"]
    found = await _rows(db, "select * from reports where id = ?", [report_id])
    if not found:
        raise NotFound(f"no report {report_id}")
    versions = await _rows(db, "select id, version, first_seen, last_seen, template, status, parser_version, "
                               "sources from report_versions where report_id = ? order by version", [report_id])
    for v in versions:
        v["files"] = await _files(db, v.pop("sources"))
    wanted = request.args.get("version", "")
    current = next((v for v in versions if str(v["version"]) == wanted), versions[-1] if versions else None)
    context: dict[str, Any] = {"database": db.name, "report": found[0], "versions": versions, "current": current, "diff": [],
                               "changes": [], "checks": [], "text": ""}
    if current:
        context.update(await _version_details(db, current))
    return Response.html(await datasette.render_template("zfxxgk_report.html", context, request=request))


async def _version_details(db: Database, current: dict[str, Any]) -> dict[str, Any]:
    texts = {r["version"]: r["text"] for r in await _rows(
        db, "select version, text from report_versions where report_id = (select report_id from report_versions "
            "where id = ?) and version in (?, ?)", [current["id"], current["version"], current["version"] - 1])}
    previous = current["version"] - 1
    return {
        "text": texts.get(current["version"]) or "",
        "diff": _diff(texts[previous], texts[current["version"]], previous, current["version"])
        if previous in texts else [],
        "changes": await _rows(db, 'select section, "row", "column", before, after from version_changes '
                                   "where version_id = ?", [current["id"]]),
        "checks": await _rows(db, "select rule, ok, detail from checks where version_id = ? order by ok, rule",
                              [current["id"]]),
    }


async def search_page(datasette: Any, request: Any) -> Response:
    """Reports containing every word of ``?q=``, with the words in context; the table view adds facets and CSV."""
    db = await archive_database(datasette, request)
    q = request.args.get("q", "").strip()
    rows = await _rows(db, *search_sql(q, SEARCH_LIMIT)) if q else []
    for row in rows:
        row["pieces"] = highlight(row["context"] or "", q)
    context = {"database": db.name, "q": q, "rows": rows, "limit": SEARCH_LIMIT}
    return Response.html(await datasette.render_template("zfxxgk_search.html", context, request=request))


def _filename(url: str | None, content_type: str | None, sha256: str) -> str:
    name = PurePosixPath(urlsplit(url or "").path).name or sha256[:16]
    if "." not in name:
        name += mimetypes.guess_extension((content_type or "").split(";")[0].strip()) or ".bin"
    return name


async def raw_file(datasette: Any, request: Any) -> Response:
    """The archived bytes of one file, as a download that the browser never renders."""
    db = await archive_database(datasette, request)
    sha = request.url_vars["sha256"]
    blob = await _rows(db, "select content, content_type from blobs where sha256 = ?", [sha])
    if not blob:
        raise NotFound(f"no file {sha}")
    url = await _rows(db, "select url from resources where sha256 = ? union all "
                          "select url from fetches where sha256 = ? limit 1", [sha, sha])
    name = _filename(url[0]["url"] if url else None, blob[0]["content_type"], sha)
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return Response(body=blob[0]["content"] or b"", content_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
    })
