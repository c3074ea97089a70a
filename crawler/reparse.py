"""Re-running the current parser over archived versions, from their raw bytes.

A version's sources name each file (page, continuation pages, attachments)
by sha256, so the report is rebuilt exactly as the spider assembled it and
analysed by the same function; only derived data (record, cells, checks,
parser version) is rewritten, never the raw archive.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

import sqlite_utils

from archive.records import AnalysedReport
from archive.store import Archive
from crawler.analysis import analyse, prepare_worker
from crawler.items import FetchedDoc, ReportItem
from parsers import PARSER_VERSION

@dataclass(frozen=True)
class Rebuilt:
    version_id: int
    item: ReportItem


def rebuild(db: sqlite_utils.Database, row: dict[str, Any]) -> ReportItem:
    """The ReportItem a version was analysed from, with bytes read back from ``blobs``."""
    item = ReportItem(portal=row["portal"], url=row["url"], list_url=row["list_url"] or "",
                      link_title=row["title"] or "")
    for source in json.loads(row["sources"] or "[]"):
        blob = next(db.query("select content, content_type from blobs where sha256 = ?", [source["sha256"]]), None)
        item.docs.append(FetchedDoc(url=source["url"], role=source["role"], status=source["status"],
                                    body=blob["content"] if blob else b"",
                                    content_type=(blob or {}).get("content_type") or "", sha256=source["sha256"],
                                    error="" if blob else "bytes not in the archive"))
    return item


_OUTDATED = "v.parser_version is not ?"  # read by another parser release than this one


def rebuilt_versions(db: sqlite_utils.Database, outdated_only: bool = False) -> Iterator[Rebuilt]:
    where, params = (f"where {_OUTDATED} ", [PARSER_VERSION]) if outdated_only else ("", [])
    rows = db.query("select v.id, v.sources, v.title, r.portal, r.url, r.list_url from report_versions v "
                    f"join reports r on r.id = v.report_id {where}order by v.id", params)
    for row in rows:
        yield Rebuilt(row["id"], rebuild(db, row))


def outdated_versions(db: sqlite_utils.Database) -> int:
    """How many versions an earlier parser read."""
    return int(db.execute(f"select count(*) from report_versions v where {_OUTDATED}", [PARSER_VERSION]).fetchone()[0])


def reparse_all(db: sqlite_utils.Database, workers: int, batch: int = 64,
                outdated_only: bool = False) -> Iterator[tuple[int, AnalysedReport]]:
    """(version id, fresh analysis) for every archived version (or those an earlier parser read),
    parsed in ``workers`` processes.

    Versions are read and parsed a batch at a time, so memory holds one batch of files, not the archive.
    """
    with ProcessPoolExecutor(max_workers=max(1, workers), initializer=prepare_worker, initargs=(os.getpid(),)) as pool:
        jobs = rebuilt_versions(db, outdated_only)
        while chunk := list(islice(jobs, batch)):
            yield from zip((j.version_id for j in chunk), pool.map(analyse, (j.item for j in chunk)))


def bring_up_to_date(archive: Archive, workers: int) -> int:
    """Reparse the versions an earlier parser read; how many there were.

    A crawl compares what today's parser reads with the archived analysis, so
    after a parser upgrade the archive is re-read first: otherwise every report
    whose page bytes changed for an unrelated reason (a visit counter) would
    look altered.
    """
    outdated = outdated_versions(archive.db)
    if outdated:
        for version_id, analysed in reparse_all(archive.db, workers, outdated_only=True):
            archive.replace_analysis(version_id, analysed)
    return outdated
