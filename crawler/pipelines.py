"""The archive pipeline: extraction and parsing in the analysis processes, then one batched write."""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from archive.records import AnalysedReport
from archive.store import Archive
from crawler.analysis import analyse
from crawler.items import ReportItem
from crawler.pool import AnalysisPool


def fill_failed(item: ReportItem, archive: Any) -> int:
    """A piece that failed this time is read from its archived copy, so a failed fetch never changes a report.

    Without an archived copy the report is stored as incomplete, with the reason.
    Returns how many pieces were filled.
    """
    filled = 0
    for doc in item.docs:
        if not doc.error or doc.body:
            continue
        prior = archive.last_good_fetch(doc.url)
        if prior is not None:
            doc.body, doc.content_type = prior["content"], prior["content_type"] or ""
            doc.sha256, doc.from_cache = hashlib.sha256(doc.body).hexdigest(), True
            doc.error = f"archived copy used: {doc.error}"
            filled += 1
    return filled


def missing_pieces(item: ReportItem) -> bool:
    return any(doc.error and not doc.body for doc in item.docs)


class ArchivePipeline:
    """Stores each report: analysed with its page when that was all, else analysed now, off the reactor."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pool = AnalysisPool.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    @property
    def archive(self) -> Archive:
        return self.crawler.zfxxgk.archive  # type: ignore[attr-defined,no-any-return]

    def fill_failed(self, item: ReportItem) -> None:
        self.crawler.stats.inc_value("zfxxgk/archived_copy_used", fill_failed(item, self.archive))

    async def analysed(self, item: ReportItem) -> AnalysedReport:
        return item.analysed or await self.pool.run(analyse, item)

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, ReportItem):
            return item
        self.fill_failed(item)
        analysed = await self.analysed(item)
        self.archive.store_report(analysed)
        self.crawler.stats.inc_value(f"zfxxgk/reports/{analysed.status}")
        return item
