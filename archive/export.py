"""Files for pandas and R: the tidy cells and the panel, as the archive stood on a date.

Each report contributes the version current on that date (the last one first
seen by then), so an export with the same ``as_of`` gives the same numbers
later, however many versions the archive gains. ``manifest.json`` records the
date, the row counts and a hash of every file, for a paper's appendix.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.db import schema_version
from archive.views import AS_OF, SUMMARY_KEYS, cells_sql, panel_sql

FORMATS = ("csv", "parquet")
TABLES = {"cells": cells_sql(AS_OF), "panel": panel_sql(AS_OF)}
_INTEGERS = frozenset({"year", "version", "version_id", "computed", "document", "tbl", "cell_row", "cell_col"})
_FLOATS = frozenset({"value", *SUMMARY_KEYS})


@dataclass(frozen=True)
class ExportedFile:
    name: str
    path: str
    rows: int
    sha256: str


def _rows(db: sqlite_utils.Database, sql: str, as_of: date) -> tuple[list[str], list[tuple[Any, ...]]]:
    cursor = db.execute(sql, {"as_of": as_of.isoformat()})
    return [d[0] for d in cursor.description], cursor.fetchall()


def _write_csv(path: Path, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)


def _write_parquet(path: Path, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def kind(name: str) -> pa.DataType:
        return pa.int64() if name in _INTEGERS else pa.float64() if name in _FLOATS else pa.string()

    schema = pa.schema([(name, kind(name)) for name in columns])
    data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
    pq.write_table(pa.Table.from_pydict(data, schema=schema), path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export(db: sqlite_utils.Database, out: Path, fmt: str, as_of: date | None = None) -> dict[str, Any]:
    """Write cells and panel in ``fmt`` to ``out`` with a manifest; returns the manifest."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    as_of = as_of or datetime.now(timezone.utc).date()
    out.mkdir(parents=True, exist_ok=True)
    writer = _write_csv if fmt == "csv" else _write_parquet
    files = []
    for name, sql in TABLES.items():
        columns, rows = _rows(db, sql, as_of)
        path = out / f"{name}.{fmt}"
        writer(path, columns, rows)
        files.append(ExportedFile(name, path.name, len(rows), _sha256(path)))
    manifest = {
        "as_of": as_of.isoformat(),
        "rule": "each report's last version first seen on or before as_of",
        "format": fmt,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "schema_version": schema_version(db),
        "files": [asdict(f) for f in files],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest
