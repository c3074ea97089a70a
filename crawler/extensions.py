"""The crawl run's life cycle: open the archive, record the run, report progress, close cleanly."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.internet import task

from archive.detect import Expectation, Policy, detect
from archive.records import FetchRecord
from archive.store import Archive
from crawler import lock
from crawler.analysis import settle_gc
from crawler.politeness import LocalLedger
from crawler.warc import Exchange, WarcRecorder


class ArchiveRun:
    """The run's shared state, reachable by every component as ``crawler.zfxxgk``.

    Takes the archive's writer lock (so a Scrapyd job or ``scrapy crawl`` is
    refused like ``zfxxgk crawl`` while another writer runs), opens the archive,
    records the run in it and keeps the run's WARC file; when the run closes,
    change detection raises its alerts (``archive.detect``).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.settings = settings.getdict("ZFXXGK")
        self.lock = lock.acquire(self.settings["db"], portal=settings.get("ZFXXGK_PORTAL", ""))
        self.archive = Archive(self.settings["db"])
        self.budget = LocalLedger(self.archive.requests_per_host_since)
        self.warc: WarcRecorder | None = None
        crawler.zfxxgk = self  # type: ignore[attr-defined]
        self.resume = settings.getbool("ZFXXGK_RESUME")
        self.progress: Progress | None = Progress(crawler.stats, sys.stderr) \
            if settings.getbool("ZFXXGK_PROGRESS") else None
        # Scrapy leaves the root logger at NOTSET and drops records at its handler, so the
        # DEBUG lines of every page ("Crawled", "Scraped from") were built only to be dropped.
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRun:
        return cls(crawler)

    def opened(self, spider: Spider) -> None:
        portal = getattr(spider, "portal", None)
        name = portal.name if portal else spider.name
        scope = " ".join(f"{k}={v}" for k in ("agency", "year") if (v := getattr(spider, k, None)))
        run_id = self.archive.start_run(name, portal.base_url if portal else "", resume=self.resume, scope=scope)
        self.crawler.stats.set_value("zfxxgk/run_id", run_id)
        if self.settings.get("warc_dir"):
            self.warc = WarcRecorder(self.settings["warc_dir"], f"{name}-{run_id:05d}", self.archive)
        if hasattr(spider, "done_urls"):
            spider.done_urls = self.archive.completed_report_urls()
        if self.progress:
            self.progress.start()
        settle_gc()

    def log_answer(self, request: Request, response: Response, record: FetchRecord) -> None:
        self.archive.record_fetch(record)
        if self.warc:
            self.warc.write(Exchange.of(request, response))

    def log_failure(self, record: FetchRecord) -> None:
        self.archive.record_fetch(record)

    def idle(self, spider: Spider) -> None:
        self.archive.flush()

    def closed(self, spider: Spider, reason: str) -> None:
        if self.progress:
            self.progress.stop()
        if self.warc:
            self.warc.close()
        stats = self.crawler.stats.get_stats()
        self.archive.finish_run("finished" if reason == "finished" else reason, stats)
        try:
            self.detect(spider)
        finally:
            self.archive.close()
            self.lock.release()

    def detect(self, spider: Spider) -> None:
        """Raise the run's alerts; sending them is the command's job, outside the reactor."""
        portal = getattr(spider, "portal", None)
        expect = Expectation(portal.min_reports, portal.min_agencies) if portal else Expectation()
        alerts = detect(self.archive.db, self.archive.run_id, Policy.from_settings(self.settings), expect)
        self.crawler.stats.set_value("zfxxgk/alerts", len(alerts))


class Progress:
    """One status line on a terminal: pages fetched, reports stored, errors."""

    def __init__(self, stats: Any, out: TextIO) -> None:
        self.stats = stats
        self.out = out
        self.loop = task.LoopingCall(self.show)

    def start(self) -> None:
        self.loop.start(1.0)

    def stop(self) -> None:
        if self.loop.running:
            self.loop.stop()
        self.show()
        self.out.write("\n")

    def show(self) -> None:
        get = self.stats.get_value
        line = (f"\rpages {get('response_received_count', 0)} · not modified {get('zfxxgk/status/304', 0)}"
                f" · reports {get('item_scraped_count', 0)} · errors {get('zfxxgk/errors', 0)}"
                f" · {get('zfxxgk/bytes_received', 0) // 1024} KiB")
        self.out.write(line)
        self.out.flush()
