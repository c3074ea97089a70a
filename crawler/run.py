"""Running one crawl of one portal, as the ``zfxxgk crawl`` command does."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from archive.config import Settings
from crawler.redis_mode import redis_settings
from crawler.settings import scrapy_settings
from crawler.spiders.portal import PortalSpider


@dataclass(frozen=True)
class CrawlRequest:
    """What to crawl and how; ``None`` means the portal's own default."""

    portal: str
    base_url: str | None = None
    agency: str | None = None
    year: int | None = None
    full: bool = False
    resume: bool = False
    progress: bool = False


def jobdir_for(settings: Settings, portal: str) -> Path:
    return Path(settings.jobdir) / portal


def keep_clean_queue(jobdir: Path) -> bool:
    """Drop a request queue that was not closed cleanly; say whether one was dropped.

    Scrapy writes the queue's positions (``active.json``, ``info.json``) only on a
    clean close, so after a SIGKILL the chunk files disagree with them and reading
    them fails. Nothing is lost by dropping it: a resumed crawl re-walks the lists
    and skips the reports the interrupted run already archived.
    """
    queue = jobdir / "requests.queue"
    if queue.exists() and not (queue / "active.json").exists():
        shutil.rmtree(queue)
        return True
    return False


def crawl(settings: Settings, request: CrawlRequest) -> dict[str, Any]:
    """Crawl into the archive and return the Scrapy stats of the run.

    The job directory is kept until the crawl finishes, so a crawl killed at any
    point can be resumed with ``resume=True``; a fresh crawl starts from a clean one.
    With ``settings.redis`` the process is one worker of a shared crawl instead:
    its frontier lives in Redis (so there is no job directory) and its records
    go to ``zfxxgk ingest``.
    """
    jobdir = jobdir_for(settings, request.portal)
    if not request.resume and jobdir.exists():
        shutil.rmtree(jobdir)
    elif request.resume and keep_clean_queue(jobdir):
        logging.getLogger(__name__).warning("the interrupted crawl's request queue was not closed cleanly: "
                                            "re-walking the lists instead")
    values = scrapy_settings(settings)
    if settings.redis:
        values.update(redis_settings(settings))
    else:
        values["JOBDIR"] = str(jobdir)
    values.update({
        "ZFXXGK_FULL_FETCH": request.full,
        "ZFXXGK_RESUME": request.resume,
        "ZFXXGK_PROGRESS": request.progress,
        "ZFXXGK_PORTAL": request.portal,
    })
    if request.progress:
        log = Path(settings.jobdir) / "logs" / f"{request.portal}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        values.update({"LOG_FILE": str(log), "LOG_FILE_APPEND": False})
    process = CrawlerProcess(ScrapySettings(values))
    crawler = process.create_crawler(PortalSpider)
    args: dict[str, Any] = {"portal": request.portal, "base_url": request.base_url,
                            "agency": request.agency, "year": request.year}
    process.crawl(crawler, **{k: v for k, v in args.items() if v is not None})
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats.get("finish_reason") == "finished" and jobdir.exists():
        shutil.rmtree(jobdir)
    return stats
