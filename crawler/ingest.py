"""The one writer of a Redis crawl (``zfxxgk ingest``): messages from the workers into the SQLite archive.

Workers send fetch records (with the bytes and WARC exchange), analysed
reports, raw reports that need an archived piece, and their stats when they
leave. The ingester reads a batch, writes it in one transaction through the
same :class:`~archive.store.Archive` a local crawl uses (so the archive looks the
same whichever way it was filled), and only then trims the batch off the list:
an ingester killed mid-batch replays it, which can log a fetch twice but never
adds a version (versions are by content, sightings by run and URL).

A crawl's run is opened at its first message and closed when the frontier says
the crawl finished, no live worker is left and every message is written; the
stats of the run are the workers' stats added up, and change detection raises
the run's alerts as it does at the end of a local crawl.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis

from archive.config import Settings
from archive.detect import Expectation, Policy, detect
from archive.records import AnalysedReport, FetchRecord
from archive.store import Archive
from crawler.analysis import analyse
from crawler.frontier import MESSAGES, crawl_state, finished_crawl_cleanup, live_workers
from crawler.items import ReportItem
from crawler.pipelines import fill_failed
from crawler.portal import PortalError, load_portal
from crawler.warc import Exchange, WarcRecorder

BATCH = 200


@dataclass
class Ingested:
    """One crawl being written: its run in the archive, its WARC file, the workers' stats."""

    crawl_id: str
    portal: str
    archive: Archive
    warc: WarcRecorder | None
    stats: dict[str, Any] = field(default_factory=dict)
    workers: int = 0

    def add_stats(self, stats: dict[str, Any]) -> None:
        self.workers += 1
        for key, value in stats.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self.stats[key] = self.stats.get(key, 0) + value
        self.stats["finish_reason"] = stats.get("finish_reason", "")


def expectation(portal: str) -> Expectation:
    """What the portal's definition says a crawl must find, as a local run's change detection uses it."""
    try:
        definition = load_portal(portal)
    except PortalError:
        return Expectation()
    return Expectation(definition.min_reports, definition.min_agencies)


class Ingester:
    def __init__(self, server: redis.Redis, settings: Settings, log: Callable[[str], None],
                 on_finished: Callable[[int], None] = lambda run_id: None) -> None:
        self.server = server
        self.settings = settings
        self.log = log
        self.on_finished = on_finished
        self.crawls: dict[str, Ingested] = {}
        self.finished: list[int] = []
        self.stopping = threading.Event()

    def run(self, follow: bool, idle_seconds: float = 0.2) -> list[int]:
        """Ingest until stopped; without ``follow``, stop after the first crawl(s) end. Returns the run ids closed.

        ``on_finished`` is called with each run as it closes (the command prints its summary and sends its alerts).
        """
        while not self.stopping.is_set():
            if self.step():
                continue
            self.close_finished()
            if not follow and self.finished and not self.crawls:
                break
            self.stopping.wait(idle_seconds)
        for crawl in list(self.crawls.values()):
            crawl.archive.flush()
            if crawl.warc:
                crawl.warc.file.flush()
        return self.finished

    def step(self) -> int:
        """Write one batch of messages; how many there were."""
        batch = self.server.lrange(MESSAGES, 0, BATCH - 1)
        if not batch:
            return 0
        for raw in batch:
            self.apply(*pickle.loads(raw))
        for crawl in self.crawls.values():
            crawl.archive.flush()
        self.server.ltrim(MESSAGES, len(batch), -1)
        return len(batch)

    def crawl(self, crawl_id: str, portal: str) -> Ingested:
        if crawl_id not in self.crawls:
            state = crawl_state(self.server, portal, crawl_id)
            archive = Archive(self.settings.db)
            run_id = archive.start_run(portal, state.get("base_url", ""), resume=True, scope=state.get("scope", ""))
            warc = (WarcRecorder(self.settings.warc_dir, f"{portal}-{run_id:05d}", archive)
                    if self.settings.warc_dir else None)
            self.crawls[crawl_id] = Ingested(crawl_id, portal, archive, warc)
            self.log(f"ingest: crawl {crawl_id} of {portal} → run {run_id} of {self.settings.db}")
        return self.crawls[crawl_id]

    def apply(self, kind: str, crawl_id: str, portal: str, payload: Any) -> None:
        crawl = self.crawl(crawl_id, portal)
        if kind == "fetch":
            record, exchange = payload
            self.fetch(crawl, record, exchange)
        elif kind == "report":
            crawl.archive.store_report(payload)
        elif kind == "item":
            crawl.archive.store_report(self.analyse_raw(crawl, payload))
        elif kind == "stats":
            crawl.add_stats(payload[1])

    @staticmethod
    def fetch(crawl: Ingested, record: FetchRecord, exchange: Exchange | None) -> None:
        crawl.archive.record_fetch(record)
        if crawl.warc and exchange is not None:
            if not exchange.body and record.body:
                exchange.body = record.body
            crawl.warc.write(exchange)

    @staticmethod
    def analyse_raw(crawl: Ingested, item: ReportItem) -> AnalysedReport:
        crawl.archive.flush()
        fill_failed(item, crawl.archive)
        return analyse(item)

    def close_finished(self) -> None:
        """Close the runs of crawls that are over: finished, no live worker, nothing left to write."""
        for crawl_id, crawl in list(self.crawls.items()):
            state = crawl_state(self.server, crawl.portal, crawl_id)
            if state.get("status") != "finished" or live_workers(self.server, crawl.portal, crawl_id):
                continue
            if self.server.llen(MESSAGES):
                return
            crawl.stats.update({"zfxxgk/workers": crawl.workers, "zfxxgk/requeued": int(state.get("requeued", 0))})
            run_id = crawl.archive.run_id
            crawl.archive.finish_run("finished", crawl.stats)
            if run_id is not None:
                detect(crawl.archive.db, run_id, Policy.from_settings(self.settings.as_dict()), expectation(crawl.portal))
            crawl.archive.close()
            if crawl.warc:
                crawl.warc.close()
            finished_crawl_cleanup(self.server, crawl.portal, crawl_id)
            del self.crawls[crawl_id]
            self.log(f"ingest: crawl {crawl_id} of {crawl.portal} finished (run {run_id})")
            if run_id is not None:
                self.finished.append(run_id)
                self.on_finished(run_id)
