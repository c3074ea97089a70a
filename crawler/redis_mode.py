"""A crawler process as one of many workers on a Redis frontier (``zfxxgk crawl --redis URL``).

What a worker does and does not do:

* It fetches and also extracts and parses (in its own process pool), so the CPU
  work spreads over the machines; what crosses Redis to the one writer
  (``zfxxgk ingest``) is the analysed report, each fetch-log record with the
  raw bytes of a full answer (for ``blobs``) and its WARC exchange. A report
  with a piece that failed goes raw, since only the archive has the piece's
  archived copy; the ingester fills it in and analyses it.
* It never writes the SQLite archive. If the archive file is readable where the
  worker runs (the ingester's machine, or a copy), it opens it read-only for
  conditional requests (validators, and the archived bytes behind a 304), for
  the day's request count so far and for archived copies of failed pieces.
  Without it, it fetches in full: the archive still gains nothing for unchanged content
  (blobs are by hash, versions by content), only the portal sends more bytes.
* The daily request budget is shared: the day's count per host lives in Redis
  (``frontier.SharedLedger``). Concurrency and delay are per process: N workers
  on one domain send up to N times ``concurrency_per_domain`` requests at once;
  give each worker its own portals, or lower the setting.

Messages are pickled tuples ``(kind, crawl_id, portal, payload)``, so Redis must
be reachable only by trusted machines (as a crawler's Redis always should be).
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
from collections import Counter, deque
from pathlib import Path
from typing import Any

import sqlite_utils
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from twisted.internet import task

from archive.config import Settings
from archive.db import ArchiveError, open_db, schema_version
from archive.records import FetchRecord
from archive.store import last_good_fetch, requests_per_host_since
from crawler.extensions import Progress
from crawler.frontier import MESSAGES, Frontier, SharedLedger, connect
from crawler.items import ReportItem
from crawler.pipelines import ArchivePipeline, missing_pieces
from crawler.warc import Exchange

TOKEN = "zfxxgk_token"
LOCAL = "zfxxgk_local"
POLL_SECONDS = 0.25


def redis_settings(settings: Settings) -> dict[str, Any]:
    """What changes in the Scrapy settings when the crawl runs on a Redis frontier."""
    return {
        "SCHEDULER": "crawler.redis_mode.FrontierScheduler",
        "EXTENSIONS": {"crawler.redis_mode.WorkerRun": 0},
        "ITEM_PIPELINES": {"crawler.redis_mode.WorkerPipeline": 300},
        "SPIDER_MIDDLEWARES": {"crawler.redis_mode.SeedMiddleware": 10},
        "ZFXXGK_REDIS": settings.redis,
    }


def message(kind: str, crawl_id: str, portal: str, payload: Any) -> bytes:
    return pickle.dumps((kind, crawl_id, portal, payload), protocol=pickle.HIGHEST_PROTOCOL)


class ReadOnlyArchive:
    """The archive's read side for a worker: the SQLite file read-only when it is here, else nothing."""

    def __init__(self, path: str) -> None:
        self.db: sqlite_utils.Database | None = None
        if Path(path).exists():
            try:
                db = open_db(path, readonly=True)
                self.db = db if schema_version(db) else None  # an archive the ingester has not created yet
            except (ArchiveError, sqlite3.Error):
                self.db = None

    def last_good_fetch(self, url: str) -> dict[str, Any] | None:
        return last_good_fetch(self.db, url) if self.db else None

    def requests_per_host_since(self, day: str) -> Counter[str]:
        return requests_per_host_since(self.db, day) if self.db else Counter()

    def flush(self) -> None:
        """Nothing is buffered: every record went to Redis at once."""


class WorkerRun:
    """``crawler.zfxxgk`` of a Redis worker: joins the crawl, keeps the heartbeat, ships records, ends the crawl."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = crawler.settings.getdict("ZFXXGK")
        self.server = connect(crawler.settings.get("ZFXXGK_REDIS"))
        self.archive = ReadOnlyArchive(self.settings["db"])
        self.budget = SharedLedger(self.server, self.archive.requests_per_host_since)
        self.warc = None
        self.frontier: Frontier | None = None
        self.scheduler: FrontierScheduler | None = None
        self.loop = task.LoopingCall(self.poll)
        self.beats = 0
        self.progress = Progress(crawler.stats, sys.stderr) if crawler.settings.getbool("ZFXXGK_PROGRESS") else None
        crawler.zfxxgk = self  # type: ignore[attr-defined]
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerRun:
        return cls(crawler)

    def join(self, spider: Spider) -> Frontier:
        """Called by the scheduler when it opens, before the first start request."""
        portal = spider.portal  # type: ignore[attr-defined]
        scope = " ".join(f"{k}={v}" for k in ("agency", "year") if (v := getattr(spider, k, None)))
        self.frontier = Frontier(self.server, portal.name, float(self.settings["worker_timeout"]))
        joined = self.frontier.join(portal.base_url, scope)
        self.crawler.stats.set_value("zfxxgk/crawl_id", joined.crawl_id)
        spider.logger.info("%s crawl %s of %s on %s", "started" if joined.creator else "joined",
                           joined.crawl_id, portal.name, self.crawler.settings.get("ZFXXGK_REDIS"))
        return self.frontier

    def send(self, kind: str, payload: Any) -> None:
        assert self.frontier is not None
        self.server.rpush(MESSAGES, message(kind, self.frontier.crawl_id, self.frontier.portal, payload))

    def log_answer(self, request: Request, response: Response, record: FetchRecord) -> None:
        exchange = Exchange.of(request, response)
        if record.body is not None:
            exchange.body = b""  # the ingester takes it from the record: the bytes cross Redis once
        self.send("fetch", (record, exchange))

    def log_failure(self, record: FetchRecord) -> None:
        self.send("fetch", (record, None))

    def opened(self, spider: Spider) -> None:
        self.loop.start(POLL_SECONDS, now=False)
        if self.progress:
            self.progress.start()

    def poll(self) -> None:
        """Heartbeat, pick up requests other workers queued while this one was idle, end the crawl when done."""
        engine, frontier, scheduler = self.crawler.engine, self.frontier, self.scheduler
        if engine is None or frontier is None or scheduler is None:
            return
        self.beats += 1
        if self.beats % max(1, int(frontier.ttl_ms / 1000 / POLL_SECONDS / 3)) == 0:
            frontier.heartbeat()
        downloader = engine.downloader
        if frontier.queued():
            if not scheduler.local and len(downloader.active) < downloader.total_concurrency:
                popped = frontier.pop()
                if popped:
                    request = scheduler.decode(popped)
                    request.meta[LOCAL] = True
                    engine.crawl(request)
            return
        if engine.spider_is_idle() and frontier.try_finish():
            self.loop.stop()
            deferred_from_coro(engine.close_spider_async(reason="finished"))

    def idle(self, spider: Spider) -> None:
        """Stay open while the shared crawl is not over; :meth:`poll` closes the spider when it is."""
        if self.loop.running:
            raise DontCloseSpider

    def closed(self, spider: Spider, reason: str) -> None:
        if self.loop.running:
            self.loop.stop()
        if self.progress:
            self.progress.stop()
        if self.frontier:
            stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
            handed_back = self.frontier.leave(message("stats", self.frontier.crawl_id, self.frontier.portal,
                                                      (self.frontier.worker, stats)))
            if handed_back:
                spider.logger.info("handed %d unfinished requests back to the frontier", handed_back)


class FrontierScheduler:
    """Scrapy's scheduler on the Redis frontier: requests are queued, filtered and acknowledged there."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.local: deque[Request] = deque()
        self.frontier: Frontier | None = None
        self.spider: Spider | None = None
        self.fingerprints: RFPDupeFilter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        return cls(crawler)

    def open(self, spider: Spider) -> None:
        self.spider = spider
        run: WorkerRun = self.crawler.zfxxgk  # type: ignore[attr-defined]
        self.frontier = run.join(spider)
        self.fingerprints = RFPDupeFilter(self.frontier.server, key=f"{self.frontier.base}seen")
        run.scheduler = self
        self._acknowledge_after_scrape()

    def _acknowledge_after_scrape(self) -> None:
        """Acknowledge a request once the scraper is done with its answer (callback output and items handled).

        Scrapy has no signal for that moment, so the scraper's ``enqueue_scrape``
        (whose Deferred fires exactly then) is wrapped on this crawler's instance.
        """
        assert self.crawler.engine is not None and self.frontier is not None
        scraper = self.crawler.engine.scraper
        original = scraper.enqueue_scrape
        frontier = self.frontier

        def enqueue_scrape(result: Any, request: Request) -> Any:
            def done(outcome: Any) -> Any:
                if token := request.meta.get(TOKEN):
                    frontier.ack(token)
                return outcome
            return original(result, request).addBoth(done)

        scraper.enqueue_scrape = enqueue_scrape  # type: ignore[method-assign]

    def close(self, reason: str) -> None:
        """Whatever this worker still holds goes back to the frontier in :meth:`WorkerRun.closed`."""

    def has_pending_requests(self) -> bool:
        assert self.frontier is not None
        return bool(self.local) or self.frontier.queued() > 0

    def enqueue_request(self, request: Request) -> bool:
        """Queue in Redis; a retry or redirect (it carries its parent's token) replaces its parent in one step."""
        assert self.frontier is not None and self.fingerprints is not None
        if request.meta.pop(LOCAL, False):
            self.local.append(request)
            return True
        replaces = request.meta.pop(TOKEN, "")
        fingerprint = "" if request.dont_filter else self.fingerprints.request_fingerprint(request)
        data = picklecompat.dumps(request.to_dict(spider=self.spider))
        queued = self.frontier.push(data, request.priority, fingerprint, replaces)
        if queued:
            self.crawler.stats.inc_value("scheduler/enqueued/redis")
        return queued

    def next_request(self) -> Request | None:
        assert self.frontier is not None
        if self.local:
            return self.local.popleft()
        popped = self.frontier.pop()
        if popped is None:
            return None
        self.crawler.stats.inc_value("scheduler/dequeued/redis")
        return self.decode(popped)

    def decode(self, popped: tuple[str, bytes]) -> Request:
        token, data = popped
        request = request_from_dict(picklecompat.loads(data), spider=self.spider)
        request.meta[TOKEN] = token
        return request

    def __len__(self) -> int:
        return len(self.local) + (self.frontier.queued() if self.frontier else 0)


class SeedMiddleware:
    """Only the worker that started the crawl sends the spider's start requests; then the crawl counts as seeded."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedMiddleware:
        return cls(crawler)

    async def process_start(self, start: Any) -> Any:
        frontier: Frontier = self.crawler.zfxxgk.frontier  # type: ignore[attr-defined]
        if not frontier.creator:
            return
        async for request in start:
            yield request
        frontier.mark_seeded()


class WorkerPipeline(ArchivePipeline):
    """Analyses on the worker and sends the result; a report missing a piece goes raw, to be filled by the ingester."""

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, ReportItem):
            return item
        run: WorkerRun = self.crawler.zfxxgk  # type: ignore[attr-defined]
        self.fill_failed(item)
        if missing_pieces(item) and run.archive.db is None:
            run.send("item", item)
            self.crawler.stats.inc_value("zfxxgk/reports/sent_raw")
            return item
        analysed = await self.analysed(item)
        run.send("report", analysed)
        self.crawler.stats.inc_value(f"zfxxgk/reports/{analysed.status}")
        return item

