"""The crawl's analysis processes, shared by the spider (report pages) and the pipeline (whole reports).

Extraction and parsing run off the reactor thread, on every core: the spider
has a report page read there (the page is parsed once, for its links and, when
it has no other pieces, for the analysis too), the pipeline a report whose
pieces arrived later.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.analysis import prepare_worker

T = TypeVar("T")
log = logging.getLogger(__name__)


class AnalysisPool:
    """A process pool that outlives a crashed worker.

    A worker that dies (a C library's crash on one malformed file, the kernel's
    OOM killer) breaks a ``ProcessPoolExecutor`` for good: every task pending
    and every later one fails. The pool is started again instead, and each task
    the breakage failed is tried once more on the new one; a task that breaks
    the pool twice fails with the reason, and the crawl goes on.
    """

    def __init__(self, workers: int, crawler: Crawler | None = None) -> None:
        self.workers = max(1, workers)
        self.crawler = crawler  # for its stats, which exist once the crawl has started
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        """A pool whose processes start now, importing the parsers while the crawl fetches its
        first lists, rather than one by one as the first report pages arrive."""
        executor = ProcessPoolExecutor(max_workers=self.workers, initializer=prepare_worker,
                                       initargs=(os.getpid(),), mp_context=multiprocessing.get_context("forkserver"))
        for _ in range(self.workers):
            executor.submit(int)
        return executor

    @classmethod
    def of(cls, crawler: Crawler) -> AnalysisPool:
        """The crawler's pool, started on first use and shut down when the spider closes."""
        pool: AnalysisPool | None = getattr(crawler, "zfxxgk_pool", None)
        if pool is None:
            pool = cls(int(crawler.settings.getdict("ZFXXGK").get("workers", 2)), crawler)
            crawler.zfxxgk_pool = pool  # type: ignore[attr-defined]
            crawler.signals.connect(pool.close, signal=signals.spider_closed)
        return pool

    async def run(self, fn: Callable[[Any], T], arg: Any) -> T:
        try:
            return await self._once(fn, arg)
        except BrokenProcessPool:
            return await self._once(fn, arg)  # on the pool started again

    async def _once(self, fn: Callable[[Any], T], arg: Any) -> T:
        executor = self.executor
        try:
            return await asyncio.wrap_future(executor.submit(fn, arg))
        except BrokenProcessPool:
            self._replace(executor)
            raise

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A fresh pool for a broken one, once however many tasks saw it break."""
        if self.executor is broken:
            log.warning("an analysis process died; starting the pool again")
            if self.crawler is not None:
                self.crawler.stats.inc_value("zfxxgk/analysis_restarts")
            self.executor = self._start()
            broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
