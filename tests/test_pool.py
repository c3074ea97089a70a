"""The crawl's analysis pool outlives a worker that dies (a C library's crash, the OOM killer)."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.pool import AnalysisPool


def test_a_task_that_kills_its_worker_fails_alone_and_the_pool_goes_on() -> None:
    pool = AnalysisPool(1)

    async def crawl() -> tuple[int, int]:
        before = await pool.run(abs, -3)
        with pytest.raises(BrokenProcessPool):
            await pool.run(os._exit, 1)  # kills the worker, and again on the pool started after it
        return before, await pool.run(abs, -4)

    try:
        assert asyncio.run(crawl()) == (3, 4)
    finally:
        pool.close()
