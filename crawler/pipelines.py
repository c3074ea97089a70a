"""The archive pipeline: extraction and parsing in a process pool, then one batched write."""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from archive.store import Archive
from crawler.analysis import analyse, prepare_worker
from crawler.items import ReportItem


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
    """Keeps the reactor thread free: trafilatura and the parsers run in ``workers`` processes."""

    def __init__(self, crawler: Crawler, workers: int) -> None:
        self.crawler = crawler
        self.workers = workers
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler, int(crawler.settings.getdict("ZFXXGK").get("workers", 2)))

    @property
    def archive(self) -> Archive:
        return self.crawler.zfxxgk.archive  # type: ignore[attr-defined,no-any-return]

    def open_spider(self, spider: Spider | None = None) -> None:
        self.pool = ProcessPoolExecutor(max_workers=max(1, self.workers), initializer=prepare_worker,
                                        mp_context=multiprocessing.get_context("forkserver"))

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.pool:
            self.pool.shutdown(wait=True)

    def fill_failed(self, item: ReportItem) -> None:
        self.crawler.stats.inc_value("zfxxgk/archived_copy_used", fill_failed(item, self.archive))

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, ReportItem):
            return item
        assert self.pool is not None
        self.fill_failed(item)
        analysed = await asyncio.wrap_future(self.pool.submit(analyse, item))
        self.archive.store_report(analysed)
        self.crawler.stats.inc_value(f"zfxxgk/reports/{analysed.status}")
        return item
