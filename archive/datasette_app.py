"""Datasette on the archive, read-only, with the repo's metadata and plugin.

Read-only means ``?mode=ro`` connections, never ``immutable=1``: an immutable
file is assumed never to change, so SQLite skips locking and the WAL, and a
crawl writing in WAL mode would be invisible or, at a checkpoint, read torn.
``mode=ro`` readers take WAL snapshots, so the archive stays browsable while a
crawl writes, and every connection (even Datasette's write thread) is opened
that way, so nothing served can change the file.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

import archive.datasette_plugin
from archive import search
from archive.db import ArchiveError, open_db

METADATA = Path(__file__).with_name("metadata.yml")
DATABASE_NAME = "archive"
SETTINGS = {
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 1000,
    "allow_download": False,
    "truncate_cells_html": 400,
    "default_facet_size": 20,
}


class ReadOnlyDatabase(Database):
    """A Datasette database whose every connection, writing ones included, is opened ``?mode=ro``."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        return super().connect(write=False)


def prepare(path: str | Path) -> int:
    """Bring an archive's schema and search index up to date before serving; returns versions indexed.

    A file that cannot be written is served as it is, with a warning.
    """
    if not Path(path).exists():
        raise ArchiveError(f"no archive at {path}")
    try:
        db = open_db(path)
        try:
            return search.index_pending(db)
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        print(f"warning: archive not upgraded or indexed ({exc}); serving it as it is", file=sys.stderr)
        return 0


def metadata() -> dict[str, Any]:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def make_datasette(path: str | Path) -> Datasette:
    """Datasette serving the archive at ``path`` as database ``archive``."""
    if not pm.is_registered(archive.datasette_plugin):
        pm.register(archive.datasette_plugin, name="zfxxgk")
    ds = Datasette(metadata=metadata(), settings=SETTINGS)
    ds.remove_database("_memory")
    ds.add_database(ReadOnlyDatabase(ds, path=str(Path(path).resolve()), is_mutable=True), name=DATABASE_NAME)
    return ds


def serve(path: str | Path, host: str, port: int) -> None:
    """Serve until interrupted."""
    import asyncio

    import uvicorn

    ds = make_datasette(path)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
