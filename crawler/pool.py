"""The crawl's analysis processes, shared by the spider (report pages) and the pipeline (whole reports).

Extraction and parsing run off the reactor thread, on every core: the spider
has a report page read there (the page is parsed once, for its links and, when
it has no other pieces, for the analysis too), the pipeline a report whose
pieces arrived later.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.analysis import prepare_worker

T = TypeVar("T")


class AnalysisPool:
    def __init__(self, workers: int) -> None:
        self.executor = ProcessPoolExecutor(max_workers=max(1, workers), initializer=prepare_worker,
                                            mp_context=multiprocessing.get_context("forkserver"))

    @classmethod
    def of(cls, crawler: Crawler) -> AnalysisPool:
        """The crawler's pool, started on first use and shut down when the spider closes."""
        pool: AnalysisPool | None = getattr(crawler, "zfxxgk_pool", None)
        if pool is None:
            pool = cls(int(crawler.settings.getdict("ZFXXGK").get("workers", 2)))
            crawler.zfxxgk_pool = pool  # type: ignore[attr-defined]
            crawler.signals.connect(pool.close, signal=signals.spider_closed)
        return pool

    async def run(self, fn: Callable[[Any], T], arg: Any) -> T:
        return await asyncio.wrap_future(self.executor.submit(fn, arg))

    def close(self) -> None:
        self.executor.shutdown(wait=True)
