"""Writing a crawl into the archive: raw bytes by hash, the fetch log, reports and their versions.

Writes are buffered and committed in batches, one transaction each, because
single-row writes cost several times more. Nothing archived is ever
overwritten: a failed fetch only adds to the log, and a changed report gets a
new version beside the old one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from archive.db import open_db
from archive.search import forget_versions, index_versions
from archive.records import AnalysedReport, Cell, FetchRecord

_SPACE = re.compile(r"\s+")
_VERSION_COLUMNS = ("report_id", "version", "content_hash", "first_seen", "last_seen", "run_id", "title", "text",
                    "template", "status", "parser_version", "record", "sources")
_INSERT_VERSION = (f"insert into report_versions ({', '.join(_VERSION_COLUMNS)}) "
                   f"values ({', '.join('?' * len(_VERSION_COLUMNS))})")
_INSERT_CHECK = "insert into checks (version_id, rule, ok, detail) values (?, ?, ?, ?)"
_INSERT_CELL = (f"insert into cells (version_id, {', '.join(f'[{c}]' for c in Cell._fields)}) "
                f"values ({', '.join('?' * (len(Cell._fields) + 1))})")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def report_key(portal: str, agency: str | None, year: int | None, title: str | None, url: str) -> str:
    """A report's identity: same agency, year and title is the same report wherever the portal moves it."""
    if agency and year:
        basis = f"{portal}|{agency}|{year}|{_SPACE.sub('', title or '')}"
    else:
        basis = f"{portal}|{url}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def agency_key(portal: str, agency: str | None, code: str | None) -> str:
    return f"{portal}:{agency or code or 'unknown'}"


def last_good_fetch(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """The last full (200) answer for a URL, with its bytes: what a conditional request revalidates."""
    row = next(db.query(
        "select f.url, f.status, f.fetched_at, f.etag, f.last_modified, f.content_type, b.content "
        "from fetches f join blobs b on b.sha256 = f.sha256 "
        "where f.url = ? and f.status = 200 and coalesce(f.error, '') = '' order by f.id desc limit 1",
        [url]), None)
    return row


def requests_per_host_since(db: sqlite_utils.Database, day: str) -> Counter[str]:
    """Requests logged per host since the start of ``day`` (UTC), for the daily budget."""
    rows = db.execute("select url from fetches where fetched_at >= ? and status != 0", [day])
    return Counter(urlsplit(url).hostname or "" for (url,) in rows)


def _check_rows(version_id: int, r: AnalysedReport) -> list[tuple[int, str, int, str]]:
    return [(version_id, c["rule"], c["ok"], c["detail"]) for c in r.checks]


@dataclass
class _ReportRows:
    """The rows a batch of reports upserts besides their versions, written one statement per table."""

    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    sightings: dict[tuple[int | None, str], dict[str, Any]] = field(default_factory=dict)
    checks: list[tuple[int, str, int, str]] = field(default_factory=list)
    versions: dict[int, tuple[str, str] | None] = field(default_factory=dict)  # new ones, with their search entry

    def write(self, db: sqlite_utils.Database) -> None:
        if not self.reports:
            return
        db["agencies"].upsert_all(self.agencies.values(), pk="id")
        db.conn.executemany("update agencies set first_seen = coalesce(first_seen, ?) where id = ?",
                            [(row["last_seen"], key) for key, row in self.agencies.items()])
        db["reports"].upsert_all(self.reports.values(), pk="id")
        db.conn.executemany("update reports set first_seen = coalesce(first_seen, ?) where id = ?",
                            [(row["last_seen"], key) for key, row in self.reports.items()])
        if self.resources:
            db["resources"].upsert_all(self.resources.values(), pk="url")
        db["sightings"].upsert_all(self.sightings.values(), pk=("run_id", "url"))
        db.conn.executemany(_INSERT_CHECK, self.checks)


class Archive:
    """The archive as one crawl run sees it."""

    def __init__(self, path: str | Path, *, batch: int = 50) -> None:
        self.path = str(path)
        self.db: sqlite_utils.Database = open_db(path)
        self.batch = batch
        self.run_id: int | None = None
        self._fetches: list[FetchRecord] = []
        self._reports: list[AnalysedReport] = []
        self._known_blobs: set[str] = set()
        self._warc: dict[str, dict[str, str]] = {}

    # -- runs ---------------------------------------------------------------
    def start_run(self, portal: str, base_url: str, resume: bool = False, scope: str = "") -> int:
        """Open a run (or reopen the portal's unfinished one); ``scope`` notes a narrowed crawl (--agency/--year)."""
        if resume:
            row = next(self.db.query(
                "select id from runs where portal = ? and status = 'running' order by id desc limit 1",
                [portal]), None)
            if row:
                self.run_id = int(row["id"])
                return self.run_id
        table = self.db["runs"]
        self.db.execute("update runs set status = 'interrupted' where portal = ? and status = 'running'", [portal])
        table.insert({"portal": portal, "base_url": base_url, "started": now(), "status": "running",
                      "scope": scope})
        self.run_id = int(table.last_pk)
        return self.run_id

    def finish_run(self, status: str, stats: dict[str, Any]) -> None:
        self.flush()
        self.db["runs"].update(self.run_id, {
            "finished": now(), "status": status, "stats": json.dumps(stats, default=str, ensure_ascii=False)})

    def completed_report_urls(self) -> set[str]:
        """Report pages already archived by this run (so a resumed run does not redo them)."""
        return {r["url"] for r in self.db.query("select url from sightings where run_id = ?", [self.run_id])}

    # -- fetch log and raw bytes -------------------------------------------
    def record_fetch(self, fetch: FetchRecord) -> None:
        self._fetches.append(fetch)
        if len(self._fetches) >= self.batch * 10:
            self.flush()

    def last_good_fetch(self, url: str) -> dict[str, Any] | None:
        return last_good_fetch(self.db, url)

    def requests_per_host_since(self, day: str) -> Counter[str]:
        return requests_per_host_since(self.db, day)

    # -- WARC first captures ---------------------------------------------------
    def warc_original(self, sha256: str) -> dict[str, str] | None:
        """The first WARC capture of a payload (digest, URI, date), so a repeat becomes a revisit record."""
        if sha256 in self._warc:
            return self._warc[sha256]
        return next(self.db.query("select digest, uri, date from warc_payloads where sha256 = ?", [sha256]), None)

    def warc_original_for_url(self, url: str) -> dict[str, str] | None:
        """The capture a 304 for ``url`` revalidated: that of the URL's last full answer."""
        row = self.db.execute("select sha256 from fetches where url = ? and status = 200 and "
                              "coalesce(error, '') = '' order by id desc limit 1", [url]).fetchone()
        return self.warc_original(row[0]) if row else None

    def note_warc_payload(self, sha256: str, digest: str, uri: str, date: str, file: str) -> None:
        self._warc[sha256] = {"digest": digest, "uri": uri, "date": date, "file": file}

    # -- reports ------------------------------------------------------------
    def store_report(self, report: AnalysedReport) -> None:
        self._reports.append(report)
        if len(self._reports) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self._fetches and not self._reports and not self._warc:
            return
        fetches, reports, warc = self._fetches, self._reports, self._warc
        self._fetches, self._reports, self._warc = [], [], {}
        with self.db.conn:
            # Versions go in as they are numbered, their reports' rows with the batch: checked at commit.
            if not self.db.conn.in_transaction:
                self.db.execute("begin")
            self.db.execute("pragma defer_foreign_keys = on")
            self._write_fetches(fetches)
            self.db["warc_payloads"].insert_all(
                ({"sha256": sha, **row} for sha, row in warc.items()), ignore=True)
            batch = _ReportRows()
            for report in reports:
                self._write_report(report, batch)
            batch.write(self.db)
            index_versions(self.db, batch.versions, {vid: entry for vid, entry in batch.versions.items() if entry})

    def _write_fetches(self, fetches: list[FetchRecord]) -> None:
        blobs, rows = [], []
        for f in fetches:
            sha = ""
            if f.body is not None and f.status == 200 and not f.error:
                sha = hashlib.sha256(f.body).hexdigest()
                if sha not in self._known_blobs:
                    self._known_blobs.add(sha)
                    blobs.append({"sha256": sha, "size": len(f.body), "content_type": f.content_type,
                                  "content": f.body, "first_seen": f.fetched_at})
            # A record's own dict is its fields in order; asdict would deep-copy every value.
            row = {**vars(f), "run_id": self.run_id, "sha256": sha or None, "not_modified": int(f.status == 304)}
            row.pop("body")
            rows.append(row)
        if blobs:
            self.db["blobs"].insert_all(blobs, ignore=True, batch_size=20)
        if rows:
            self.db["fetches"].insert_all(rows, batch_size=200)

    def _write_report(self, r: AnalysedReport, batch: _ReportRows) -> None:
        """A report's version now (its number depends on the one before); its other rows with the batch."""
        stamp = now()
        agency_id = agency_key(r.portal, r.agency, r.agency_code)
        batch.agencies[agency_id] = {"id": agency_id, "portal": r.portal, "code": r.agency_code,
                                     "name": r.agency, "region": r.region, "last_seen": stamp}
        key = self._identity(r, agency_id, batch)
        version = self._version(key, r, stamp, batch)
        batch.reports[key] = {
            "id": key, "portal": r.portal, "agency_id": agency_id, "agency": r.agency, "region": r.region,
            "year": r.year, "title": r.title, "url": r.url, "list_url": r.list_url, "published": r.published,
            "template": r.template, "last_seen": stamp, "state": "live", "current_version": version,
        }
        for doc in r.documents:
            if doc.status in (200, 304):
                batch.resources[doc.url] = {"url": doc.url, "report_id": key, "role": doc.role, "sha256": doc.sha256,
                                            "last_fetched": stamp, "last_status": doc.status}
        batch.sightings[(self.run_id, r.url)] = {"run_id": self.run_id, "report_id": key, "url": r.url,
                                                 "list_url": r.list_url, "version": version, "seen_at": stamp}

    def _identity(self, r: AnalysedReport, agency_id: str, batch: _ReportRows) -> str:
        """The report's key; one relisted at a new URL under another title keeps its identity.

        Same agency, same year, same column and the same content as an archived
        report that this run has not seen at its own URL is that report moved,
        not a new one beside a removed one.
        """
        key = report_key(r.portal, r.agency, r.year, r.title, r.url)
        if r.year is None or key in batch.reports or self._one("select 1 from reports where id = ?", key):
            return key
        column = r.list_url.rsplit("/", 1)[0] + "/"
        rows = self.db.execute(
            "select r.id from reports r join report_versions v on v.report_id = r.id and v.version = r.current_version "
            "where r.agency_id = ? and r.year = ? and v.content_hash = ? and r.url != ? "
            "and substr(r.list_url, 1, length(?)) = ? "
            "and r.id not in (select report_id from sightings where run_id = ?)",
            [agency_id, r.year, r.content_hash, r.url, column, column, self.run_id])
        return next((str(row[0]) for row in rows if row[0] not in batch.reports), key)

    def _version(self, key: str, r: AnalysedReport, stamp: str, batch: _ReportRows) -> int:
        """The report's version number for this content, adding a version only when the content changed.

        Plain statements: sqlite-utils' ``db[table]`` looks the table up in the
        schema on every call, which cost more than the writes themselves here.
        """
        current = self._one("select id, version, content_hash from report_versions where report_id = ? "
                            "order by version desc limit 1", key)
        if current and current[2] == r.content_hash:
            self.db.conn.execute("update report_versions set last_seen = ? where id = ?", [stamp, current[0]])
            return int(current[1])
        number = int(current[1]) + 1 if current else 1
        version_id = int(self.db.conn.execute(_INSERT_VERSION, [
            key, number, r.content_hash, stamp, stamp, self.run_id, r.title, r.text, r.template, r.status,
            r.parser_version, r.record, json.dumps([vars(d) for d in r.documents], ensure_ascii=False),
        ]).lastrowid)
        batch.versions[version_id] = r.search
        self._insert_cells(version_id, r.cells)
        batch.checks += _check_rows(version_id, r)
        return number

    def _one(self, sql: str, *params: Any) -> tuple[Any, ...] | None:
        return self.db.conn.execute(sql, params).fetchone()  # type: ignore[no-any-return]

    def _insert_cells(self, version_id: int, cells: list[tuple[Any, ...]]) -> None:
        """A version's table cells, by one plain ``executemany``.

        A report has 70 to 900 cells, all scalars; ``insert_all`` checks every
        value for JSON and was the writer's largest cost in a crawl's profile.
        """
        if cells:
            self.db.conn.executemany(_INSERT_CELL, [(version_id, *cell) for cell in cells])

    def replace_analysis(self, version_id: int, r: AnalysedReport) -> bool:
        """Rewrite what a version's parse derived (record, cells, checks); the raw bytes stay as they are.

        Returns whether anything changed.
        """
        old = self.db["report_versions"].get(version_id)
        if old["record"] == r.record and old["parser_version"] == r.parser_version:
            return False
        with self.db.conn:
            self.db["report_versions"].update(version_id, {
                "record": r.record, "template": r.template, "status": r.status, "text": r.text,
                "parser_version": r.parser_version, "content_hash": r.content_hash})
            self.db.execute("delete from cells where version_id = ?", [version_id])
            self.db.execute("delete from checks where version_id = ?", [version_id])
            self._insert_cells(version_id, r.cells)
            self.db.conn.executemany(_INSERT_CHECK, _check_rows(version_id, r))
            if old["text"] != r.text:
                forget_versions(self.db, [version_id])
                index_versions(self.db, [version_id], {version_id: r.search} if r.search else None)
        return True

    def close(self) -> None:
        self.flush()
        self.db.close()
