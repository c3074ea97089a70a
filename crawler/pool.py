"""The crawl's analysis processes, shared by the spider (report pages) and the pipeline (whole reports).

Extraction and parsing run off the reactor thread, on every core: the spider
has a report page read there (the page is parsed once, for its links and, when
it has no other pieces, for the analysis too), the pipeline a report whose
pieces arrived later.

Each process gets its tasks and returns its results through a pipe of its own
that the crawl's event loop reads and writes (asyncio's pipe transports).
``ProcessPoolExecutor`` moves them through two threads of the crawler process
instead, and those threads and their hand-offs of the GIL cost 0.7 ms of CPU a
task there, as much as a third of what reading a report costs in a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import logging
import multiprocessing
import os
import pickle
import struct
from collections import deque
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.analysis import serve

T = TypeVar("T")
log = logging.getLogger(__name__)
# A task or result on the wire, as multiprocessing's Connection frames it (so a worker uses
# Connection.recv_bytes/send_bytes): a signed 32-bit length, or -1 and a 64-bit one.
_SHORT, _LONG = struct.Struct("!i"), struct.Struct("!Q")
# Tasks a worker holds at once, and its pipes' size: while the reactor is busy elsewhere (a batch
# written to the archive takes tens of milliseconds), a worker works through what its pipe holds,
# and its results wait in theirs; at the default 64 KB, one result filled it and the worker stopped.
_QUEUED = 8
_PIPE_BYTES = 1 << 20  # Linux's limit for an unprivileged process (/proc/sys/fs/pipe-max-size)


def _widen(fd: int) -> None:
    """Give a pipe :data:`_PIPE_BYTES` of buffer where the system allows it (Linux)."""
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _frame(data: bytes | memoryview) -> bytes:
    if len(data) > 0x7FFFFFFF:
        return _SHORT.pack(-1) + _LONG.pack(len(data)) + data
    return _SHORT.pack(len(data)) + data


@dataclass
class _Task:
    fn: Callable[[Any], Any]
    arg: Any
    future: asyncio.Future[Any]
    tries: int = 0


@dataclass(eq=False)
class _Worker:
    """One analysis process, its pipes, and the tasks it holds."""

    process: BaseProcess
    tasks: Connection
    results: Connection
    held: dict[int, _Task] = field(default_factory=dict)
    sender: asyncio.WriteTransport | None = None
    receiver: asyncio.ReadTransport | None = None
    alive: bool = True


class _Results(asyncio.Protocol):
    """A worker's results pipe: frames in, futures resolved; its end is the worker's death."""

    def __init__(self, pool: AnalysisPool, worker: _Worker) -> None:
        self.pool, self.worker = pool, worker
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= 4:
            (size,), start = _SHORT.unpack_from(self.buffer), 4
            if size == -1:
                if len(self.buffer) < 12:
                    return
                (size,), start = _LONG.unpack_from(self.buffer, 4), 12
            if len(self.buffer) < start + size:
                return
            task_id, ok, value = pickle.loads(self.buffer[start:start + size])
            del self.buffer[:start + size]
            self.pool.finished(self.worker, task_id, ok, value)

    def connection_lost(self, exc: Exception | None) -> None:
        self.pool.died(self.worker)


class AnalysisPool:
    """Analysis processes that outlive a crashed worker.

    A worker that dies (a C library's crash on one malformed file, the kernel's
    OOM killer) is started again, and the tasks it held are sent again; a task
    that kills its worker twice fails with ``BrokenProcessPool``, the tasks
    waiting behind it do not, and the crawl goes on.
    """

    def __init__(self, workers: int, crawler: Crawler | None = None) -> None:
        self.size = max(1, workers)
        self.crawler = crawler  # for its stats, which exist once the crawl has started
        self.context = multiprocessing.get_context("forkserver")
        self.ids = itertools.count()
        self.waiting: deque[tuple[int, _Task]] = deque()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.restarting: set[asyncio.Task[None]] = set()  # held so they finish (the loop keeps weak references)
        # Started now, importing the parsers while the crawl fetches its first lists.
        self.workers = [self._spawn() for _ in range(self.size)]

    @classmethod
    def of(cls, crawler: Crawler) -> AnalysisPool:
        """The crawler's pool, started on first use and shut down when the spider closes."""
        pool: AnalysisPool | None = getattr(crawler, "zfxxgk_pool", None)
        if pool is None:
            pool = cls(int(crawler.settings.getdict("ZFXXGK").get("workers", 2)), crawler)
            crawler.zfxxgk_pool = pool  # type: ignore[attr-defined]
            crawler.signals.connect(pool.close, signal=signals.spider_closed)
        return pool

    def _spawn(self) -> _Worker:
        task_reader, task_writer = self.context.Pipe(duplex=False)
        result_reader, result_writer = self.context.Pipe(duplex=False)
        for end in (task_writer, result_reader):
            _widen(end.fileno())
        process = self.context.Process(target=serve, args=(task_reader, result_writer), daemon=True,
                                       name="zfxxgk-analysis")
        process.start()
        task_reader.close()
        result_writer.close()
        return _Worker(process, task_writer, result_reader)

    async def run(self, fn: Callable[[Any], T], arg: Any) -> T:
        loop = asyncio.get_running_loop()
        if self.loop is None:
            self.loop = loop
            for worker in self.workers:
                await self._connect(worker)
        task = _Task(fn, arg, loop.create_future())
        self.waiting.append((next(self.ids), task))
        self._dispatch()
        return await task.future  # type: ignore[no-any-return]

    async def _connect(self, worker: _Worker) -> None:
        assert self.loop is not None
        worker.sender, _ = await self.loop.connect_write_pipe(
            asyncio.Protocol, os.fdopen(worker.tasks.fileno(), "wb", closefd=False))
        worker.receiver, _ = await self.loop.connect_read_pipe(
            lambda: _Results(self, worker), os.fdopen(worker.results.fileno(), "rb", closefd=False))

    def _dispatch(self) -> None:
        """Hand waiting tasks to the live workers holding fewest, up to :data:`_QUEUED` each."""
        while self.waiting:
            ready = [w for w in self.workers if w.alive and w.sender is not None and len(w.held) < _QUEUED]
            if not ready:
                return
            worker = min(ready, key=lambda w: len(w.held))
            task_id, task = self.waiting.popleft()
            if task.future.cancelled():
                continue
            try:
                data = ForkingPickler.dumps((task_id, task.fn, task.arg))
            except Exception as exc:  # noqa: BLE001 - an argument that cannot be pickled fails its task
                task.future.set_exception(exc)
                continue
            worker.held[task_id] = task
            assert worker.sender is not None
            worker.sender.write(_frame(data))

    def finished(self, worker: _Worker, task_id: int, ok: bool, value: Any) -> None:
        task = worker.held.pop(task_id)
        if not task.future.done():
            if ok:
                task.future.set_result(value)
            else:
                task.future.set_exception(value)
        self._dispatch()

    def died(self, worker: _Worker) -> None:
        """A worker's results pipe closed: start another and send it what the dead one held."""
        if not worker.alive:
            return
        self._release(worker)
        worker.process.join(timeout=1)  # it has closed its end: it is gone or going
        worker.results.close()
        if self.loop is None or self.loop.is_closed():
            return
        log.warning("an analysis process died (exit code %s); starting another", worker.process.exitcode)
        if self.crawler is not None:
            self.crawler.stats.inc_value("zfxxgk/analysis_restarts")
        replacement = self._spawn()
        self.workers[self.workers.index(worker)] = replacement
        retry: list[tuple[int, _Task]] = []
        for n, (task_id, task) in enumerate(worker.held.items()):
            # A worker runs its tasks in the order sent: the first it held is the one it died on,
            # the others were waiting in its pipe and are not charged for it.
            task.tries += n == 0
            if task.tries > 1:
                if not task.future.done():
                    task.future.set_exception(BrokenProcessPool("the analysis process died on this task twice"))
            else:
                retry.append((task_id, task))
        self.waiting.extendleft(reversed(retry))
        restart = self.loop.create_task(self._restart(replacement))
        self.restarting.add(restart)
        restart.add_done_callback(self.restarting.discard)

    async def _restart(self, worker: _Worker) -> None:
        await self._connect(worker)
        self._dispatch()

    def _release(self, worker: _Worker) -> None:
        """Stop reading and writing a worker's pipes, and close its task pipe: it ends on that."""
        worker.alive = False
        if self.loop is not None and not self.loop.is_closed():
            for transport in (worker.sender, worker.receiver):
                if transport is not None:
                    transport.close()
        worker.tasks.close()

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End every worker and wait for them."""
        for worker in self.workers:
            if worker.alive:
                self._release(worker)
        for worker in self.workers:
            worker.process.join(timeout=10)
            if worker.process.is_alive():
                worker.process.terminate()
            worker.results.close()
