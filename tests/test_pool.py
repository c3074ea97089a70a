"""The crawl's analysis pool outlives a worker that dies (a C library's crash, the OOM killer)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import psutil
import pytest

from crawler.analysis import WORKER_NICENESS
from crawler.pool import AnalysisPool


def test_a_task_that_kills_its_worker_fails_alone_and_the_pool_goes_on() -> None:
    async def crawl(pool: AnalysisPool) -> tuple[int, int]:
        before = await pool.run(abs, -3)
        with pytest.raises(BrokenProcessPool):
            await pool.run(os._exit, 1)  # kills the worker, and again on the pool started after it
        return before, await pool.run(abs, -4)

    with AnalysisPool(1) as pool:
        assert asyncio.run(crawl(pool)) == (3, 4)


def test_tasks_waiting_behind_one_that_kills_its_worker_are_not_failed_with_it() -> None:
    async def crawl(pool: AnalysisPool) -> list[object]:
        await pool.run(abs, 0)  # connected: the next three go to the worker in this order
        return await asyncio.gather(pool.run(os._exit, 1), pool.run(abs, -1), pool.run(abs, -2),
                                    return_exceptions=True)

    with AnalysisPool(1) as pool:
        killer, *others = asyncio.run(crawl(pool))
    assert isinstance(killer, BrokenProcessPool) and others == [1, 2]


def test_a_task_s_error_is_its_own_and_large_tasks_and_results_cross_whole() -> None:
    """Tasks and results larger than a pipe holds cross in pieces; a task's exception is raised for it."""
    async def crawl(pool: AnalysisPool) -> tuple[int, int, int]:
        with pytest.raises(ValueError, match="invalid literal"):
            await pool.run(int, "not a number")
        sizes = await asyncio.gather(pool.run(len, b"x" * 5_000_000), pool.run(len, b"y" * 3))
        return (*sizes, len(await pool.run(bytes, 3_000_000)))

    with AnalysisPool(2) as pool:
        assert asyncio.run(crawl(pool)) == (5_000_000, 3, 3_000_000)


def test_analysis_processes_stand_back_for_the_crawl_that_feeds_them() -> None:
    """The crawl's own process comes first for a core: its workers run at a lower priority."""
    with AnalysisPool(1) as pool:
        assert asyncio.run(pool.run(os.nice, 0)) == min(19, os.nice(0) + WORKER_NICENESS)  # 19: the lowest


def test_analysis_processes_load_the_html_reader_before_their_first_page() -> None:
    """The reader every report page needs (trafilatura's import took 0.2–0.4 s) is loaded at start."""
    loaded = "sorted({'parsers.htmltables', 'trafilatura'} & set(__import__('sys').modules))"
    with AnalysisPool(1) as pool:
        assert asyncio.run(pool.run(eval, loaded)) == ["parsers.htmltables", "trafilatura"]


STAND_IN = """
import asyncio, sys, time
from crawler.pool import AnalysisPool
pool = AnalysisPool(2)
asyncio.run(pool.run(abs, -1))
print("ready", flush=True)
time.sleep(600)
"""


def test_analysis_processes_end_with_a_crawl_killed_outright() -> None:
    """SIGKILL (the OOM killer) gives a crawl no chance to stop its pool: the pool stops itself."""
    crawl = subprocess.Popen([sys.executable, "-c", STAND_IN], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[1])
    try:
        assert crawl.stdout is not None and crawl.stdout.readline().strip() == "ready"
        pool = psutil.Process(crawl.pid).children(recursive=True)
        assert len(pool) >= 3, pool  # the forkserver and its two analysis processes at least
    finally:
        crawl.kill()
        crawl.wait()
    gone, alive = psutil.wait_procs(pool, timeout=20)
    assert not alive, f"left behind: {[p.cmdline()[:3] for p in alive]}"
