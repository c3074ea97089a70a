"""Crawl runs written straight into a real archive file, for the change-detection tests.

A test describes what a run saw (the reports it parsed, the answers it got)
and :func:`crawl_run` writes it through :class:`archive.store.Archive` exactly
as the spider's pipeline and fetch log would, then runs detection.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from archive.alerts import Alert
from archive.detect import Expectation, Policy, detect
from archive.records import AnalysedReport, Cell, DocumentSummary, FetchRecord
from archive.store import Archive, now

BASE = "http://127.0.0.1:9/"
LIST = BASE + "gknb/index.html"
NO_EXPECTATION = Expectation()


@dataclass
class Seen:
    """A report as a run parsed it."""

    agency: str
    year: int
    text: str = "本年度共收到申请40件。全部办结。"
    cells: dict[tuple[str, str, str], float] = field(default_factory=lambda: {("requests", "new", "total"): 40})
    failed: tuple[str, ...] = ()
    title: str | None = None
    url: str | None = None
    list_url: str = LIST
    parser: str = "test"
    page_sha: str | None = None

    @property
    def page(self) -> str:
        return self.url or f"{BASE}gknb/t{hashlib.md5(f'{self.agency}{self.year}'.encode()).hexdigest()[:10]}.html"

    def analysed(self, portal: str) -> AnalysedReport:
        cells = [Cell(s, r, c, v, "件") for (s, r, c), v in sorted(self.cells.items())]
        digest = hashlib.sha256((self.text + json.dumps(sorted(self.cells.items()))).encode()).hexdigest()
        return AnalysedReport(
            portal=portal, url=self.page, list_url=self.list_url, agency=self.agency, agency_code=None,
            region="北京市", year=self.year, title=self.title or f"{self.agency}{self.year}年政府信息公开工作年度报告",
            published=None, template="gb-2021", status="parsed", text=self.text, content_hash=digest,
            parser_version=self.parser, record="{}", cells=cells,
            checks=[{"rule": rule, "ok": 0, "detail": "does not add up"} for rule in self.failed],
            documents=[DocumentSummary(url=self.page, role="page", status=200, sha256=self.page_sha or digest)],
        )


def fetch(url: str, status: int = 200, role: str = "page", error: str = "") -> FetchRecord:
    body = b"<html>page</html>" if status == 200 and not error else None
    return FetchRecord(url=url, role=role, status=status, fetched_at=now(), final_url=url, body=body, error=error)


def crawl_run(path: str, reports: list[Seen], *, answers: list[FetchRecord] = (), portal: str = "p",
              status: str = "finished", scope: str = "", as_of: date = date(2026, 3, 1),
              expect: Expectation = NO_EXPECTATION, lists: tuple[str, ...] = (LIST,),
              grace_days: int = 0) -> list[Alert]:
    """One crawl run: its list pages answer 200, each report's page too, plus ``answers``; then detection."""
    archive = Archive(path)
    archive.start_run(portal, BASE, scope=scope)
    for url in lists:
        archive.record_fetch(fetch(url, role="list"))
    for record in answers:
        archive.record_fetch(record)
    for seen in reports:
        archive.record_fetch(fetch(seen.page))
        archive.store_report(seen.analysed(portal))
    archive.finish_run(status, {})
    try:
        return detect(archive.db, archive.run_id, Policy(as_of=as_of, grace_days=grace_days), expect)
    finally:
        archive.close()


def kinds(alerts: list[Alert]) -> list[tuple[str, str | None, int | None]]:
    return sorted((a.kind, a.agency, a.year) for a in alerts)
