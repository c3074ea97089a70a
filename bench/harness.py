"""What the benchmarks share: the generated bulk portal on loopback, crawl subprocesses, peak memory.

Every figure a benchmark prints is a ratio against a baseline measured in the
same run on the same machine, because absolute pages/s depend on the machine
(and on whatever else it is running).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.sample.bulk import build_bulk  # noqa: E402
from crawler.sample.faults import Fault  # noqa: E402
from crawler.sample.server import SampleServer  # noqa: E402
from static_server import StaticServer  # noqa: E402

ZFXXGK = str(Path(sys.executable).with_name("zfxxgk"))
# Politeness off for a loopback benchmark: Scrapy's own default concurrency (8 per domain), no delay.
BENCH_ENV = {"ZFXXGK_DOWNLOAD_DELAY": "0", "ZFXXGK_CONCURRENCY_PER_DOMAIN": "8", "ZFXXGK_AUTOTHROTTLE_TARGET": "8"}


class Served(Protocol):
    """A portal on loopback, as the crawls need it."""

    url: str


@dataclass(frozen=True)
class Rate:
    pages: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


@contextmanager
def bulk_portal(work: Path, reports: int, latency: float | None = None) -> Iterator[Any]:
    """An ``reports``-report TRS portal (≈30 KB pages, 20 to a list page) served on 127.0.0.1.

    By the lean :class:`StaticServer`, which leaves the CPU to the crawl measured;
    with a ``latency`` (seconds every report page takes to answer, as a distant
    portal's do) by the sample portal's server, which can delay answers and logs requests.
    """
    site = work / "site"
    if not (site / "manifest.json").exists():
        build_bulk(work, reports)
    if latency is None:
        with StaticServer(site) as static:
            yield static
        return
    slow = {"/gongkai/zfxxgk/gknb/*/t*.html": Fault("slow", times=10**9, delay=latency)} if latency else None
    with SampleServer(root=site, noise=False, faults=slow) as server:
        yield server


def crawl_env(work: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **BENCH_ENV, "ZFXXGK_WARC_DIR": str(work / "warc"), "ZFXXGK_JOBDIR": str(work / "jobs"),
            **(extra or {})}


class PeakMemory:
    """Samples the resident memory of a process and its children (the analysis pool) every 0.1 s.

    Also keeps the CPU seconds each process had used when last seen, so a run
    can say which side (the crawler process or its pool) was busy.
    """

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.main = 0
        self.tree = 0
        self.cpu: dict[int, float] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while not self.stopping.wait(0.1):
            try:
                main = self.process.memory_info().rss
                kids = self.process.children(recursive=True)
                children = sum(c.memory_info().rss for c in kids)
                for proc in (self.process, *kids):
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
            except psutil.Error:
                continue
            self.main, self.tree = max(self.main, main), max(self.tree, main + children)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()

    @property
    def main_cpu(self) -> float:
        return self.cpu.get(self.process.pid, 0.0)

    @property
    def pool_cpu(self) -> float:
        return sum(seconds for pid, seconds in self.cpu.items() if pid != self.process.pid)


def full_crawl(server: Served, work: Path, db: str = "bench.db",
               extra: dict[str, str] | None = None) -> tuple[Rate, PeakMemory]:
    """`zfxxgk crawl` of the portal into a fresh archive; pages/s from the run's own Scrapy stats."""
    proc = subprocess.Popen([ZFXXGK, "crawl", "--portal", "beijing", "--base-url", server.url, "--db", db],
                            cwd=work, env=crawl_env(work, extra), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    memory = PeakMemory(proc.pid)
    if proc.wait() != 0:
        raise RuntimeError(f"zfxxgk crawl failed ({proc.returncode})")
    memory.stop()
    with sqlite3.connect(work / db) as conn:
        stats = json.loads(conn.execute("select stats from runs order by id desc limit 1").fetchone()[0])
    return Rate(int(stats["response_received_count"]), float(stats["elapsed_time_seconds"])), memory


def bare_crawl(server: Served) -> Rate:
    """bench/bare_spider.py: default Scrapy settings, fetch only."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bare_spider.py"),
                          f"{server.url}gongkai/zfxxgk/gknb/index.html"],
                         check=True, capture_output=True, text=True).stdout
    stats = json.loads(out.strip().splitlines()[-1])
    return Rate(int(stats["response_received_count"]), float(stats["elapsed_time_seconds"]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def cpu_note() -> str:
    load = os.getloadavg()[0]
    return f"{psutil.cpu_count()} cores, load average {load:.1f} at the end"


def measure(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started
