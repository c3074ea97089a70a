"""The archive's schema: the one module that creates and migrates tables.

The schema version lives in ``PRAGMA user_version``; each entry of
``MIGRATIONS`` moves a file one version forward, so an archive written by an
older release is upgraded in place and never edited by hand. WAL mode lets
Datasette read while a crawl writes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlite_utils


class ArchiveError(Exception):
    """An archive that cannot be opened, read or written as asked."""


def _v1(db: sqlite_utils.Database) -> None:
    db["runs"].create({
        "id": int, "portal": str, "started": str, "finished": str, "status": str,
        "base_url": str, "scope": str, "stats": str,
    }, pk="id")
    db["blobs"].create({
        "sha256": str, "size": int, "content_type": str, "content": bytes, "first_seen": str,
    }, pk="sha256")
    db["fetches"].create({
        "id": int, "run_id": int, "url": str, "final_url": str, "role": str, "status": int,
        "fetched_at": str, "sha256": str, "bytes": int, "etag": str, "last_modified": str,
        "content_type": str, "not_modified": int, "error": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["fetches"].create_index(["url", "fetched_at"])
    db["fetches"].create_index(["run_id"])
    db["fetches"].create_index(["fetched_at"])
    db["agencies"].create({
        "id": str, "portal": str, "code": str, "name": str, "region": str,
        "first_seen": str, "last_seen": str,
    }, pk="id")
    db["reports"].create({
        "id": str, "portal": str, "agency_id": str, "agency": str, "region": str, "year": int,
        "title": str, "url": str, "list_url": str, "published": str, "template": str,
        "first_seen": str, "last_seen": str, "state": str, "current_version": int,
    }, pk="id", foreign_keys=[("agency_id", "agencies", "id")])
    db["reports"].create_index(["url"])
    db["reports"].create_index(["agency_id", "year"])
    db["resources"].create({
        "url": str, "report_id": str, "role": str, "sha256": str, "etag": str,
        "last_modified": str, "last_fetched": str, "last_full_fetch": str, "last_status": int,
        "failures": int,
    }, pk="url", foreign_keys=[("report_id", "reports", "id")])
    db["resources"].create_index(["report_id"])
    db["report_versions"].create({
        "id": int, "report_id": str, "version": int, "content_hash": str, "first_seen": str,
        "last_seen": str, "run_id": int, "title": str, "text": str, "template": str,
        "status": str, "parser_version": str, "record": str, "sources": str,
    }, pk="id", foreign_keys=[("report_id", "reports", "id"), ("run_id", "runs", "id")])
    db["report_versions"].create_index(["report_id", "version"], unique=True)
    db["cells"].create({
        "version_id": int, "section": str, "row": str, "column": str, "value": float, "unit": str,
        "computed": int, "document": int, "tbl": int, "cell_row": int, "cell_col": int,
    }, foreign_keys=[("version_id", "report_versions", "id")])
    db["cells"].create_index(["version_id"])
    db["checks"].create({
        "version_id": int, "rule": str, "ok": int, "detail": str,
    }, foreign_keys=[("version_id", "report_versions", "id")])
    db["checks"].create_index(["version_id"])
    db["sightings"].create({
        "run_id": int, "report_id": str, "url": str, "list_url": str, "version": int, "seen_at": str,
    }, pk=("run_id", "url"), foreign_keys=[("run_id", "runs", "id"), ("report_id", "reports", "id")])
    db["sightings"].create_index(["report_id"])
    db["warc_payloads"].create({
        "sha256": str, "digest": str, "uri": str, "date": str, "file": str,
    }, pk="sha256")


def _v2(db: sqlite_utils.Database) -> None:
    """Change detection: a run's verdict, reports marked gone, moves, alerts and their delivery outbox.

    ``runs.verdict`` is what detection concluded about a run (complete, narrowed,
    incomplete, shrank): only a complete run may mark reports removed, and the
    last complete run is the yardstick for the next one's size.

    ``alerts.key`` names the event (a report's version, an agency's year), so
    detection run twice over the same data inserts nothing new. Destinations are
    stored by a hash of their apprise URL, never the URL, which may hold secrets.
    """
    db["runs"].add_column("verdict", str)
    db["reports"].add_column("gone_since", str)
    db["reports"].add_column("gone_run", int)
    db["report_moves"].create({
        "id": int, "report_id": str, "run_id": int, "old_url": str, "new_url": str, "via": str, "detected": str,
    }, pk="id", foreign_keys=[("report_id", "reports", "id"), ("run_id", "runs", "id")])
    db["report_moves"].create_index(["report_id", "run_id"], unique=True)
    db["alerts"].create({
        "id": int, "key": str, "kind": str, "run_id": int, "raised": str, "as_of": str, "portal": str,
        "agency_id": str, "agency": str, "year": int, "report_id": str, "version": int, "url": str,
        "old_url": str, "title": str, "detail": str, "data": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["alerts"].create_index(["key"], unique=True)
    db["alerts"].create_index(["kind", "raised"])
    db["alerts"].create_index(["report_id"])
    db["destinations"].create({"id": str, "label": str, "added": str, "first_alert": int}, pk="id")
    db["deliveries"].create({
        "alert_id": int, "destination": str, "status": str, "attempts": int, "last_error": str,
        "last_attempt": str, "sent_at": str,
    }, pk=("alert_id", "destination"),
        foreign_keys=[("alert_id", "alerts", "id"), ("destination", "destinations", "id")])
    db["deliveries"].create_index(["destination", "status"])


def _v3_browsing(db: sqlite_utils.Database) -> None:
    """Full-text indexes over report text and the views researchers browse (see archive.search, archive.views)."""
    from archive import search, views

    search.create_indexes(db)
    search.index_versions(db, [r[0] for r in db.execute("select id from report_versions")])
    views.install(db)


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_v1, _v2, _v3_browsing)


def open_db(path: str | Path, *, readonly: bool = False) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the archive at ``path``."""
    if readonly:
        if not Path(path).exists():
            raise ArchiveError(f"no archive at {path}")
        import sqlite3

        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return sqlite_utils.Database(conn)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=30000")
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> None:
    """Apply the migrations this file has not seen yet, each in its own transaction."""
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise ArchiveError(f"archive schema v{current} is newer than this zfxxgk (v{len(MIGRATIONS)})")
    for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
        with db.conn:
            step(db)
            db.execute(f"PRAGMA user_version={number}")
