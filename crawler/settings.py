"""Scrapy settings, derived from the resolved zfxxgk settings (``archive.config``).

``scrapy crawl portal`` from the repo root gets defaults < zfxxgk.toml <
ZFXXGK_* environment; the ``zfxxgk`` command passes its flags through
:func:`scrapy_settings` as well, so there is still one place that reads them.
"""

from __future__ import annotations

from typing import Any

from archive.config import Settings, load_settings

def scrapy_settings(s: Settings) -> dict[str, Any]:
    """The Scrapy settings that follow from zfxxgk's own."""
    return {
        "BOT_NAME": "zfxxgk",
        "SPIDER_MODULES": ["crawler.spiders"],
        "NEWSPIDER_MODULE": "crawler.spiders",
        "ZFXXGK": s.as_dict(),
        "USER_AGENT": s.full_user_agent,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": s.concurrency_per_domain,
        "CONCURRENT_ITEMS": s.concurrent_items,
        "DOWNLOAD_DELAY": s.download_delay,
        "DOWNLOAD_TIMEOUT": s.timeout,
        "DOWNLOAD_MAXSIZE": s.max_size_mb * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 0,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(s.download_delay, 0.0),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": s.autothrottle_target,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": s.retry_times,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "HTTPERROR_ALLOW_ALL": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "FEED_EXPORT_ENCODING": "utf-8",
        "LOG_LEVEL": "INFO",
        # Scrapy's check reads each callback's source on every response (its cache misses bound methods).
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "ITEM_PIPELINES": {"crawler.pipelines.ArchivePipeline": 300},
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.politeness.BackoffRetryMiddleware": 550,
            "crawler.politeness.DailyBudgetMiddleware": 560,
            "crawler.middlewares.FetchLogMiddleware": 950,
        },
        "DUPEFILTER_CLASS": "crawler.dupefilter.MemoryDupeFilter",
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_STORAGE": "crawler.cache.ArchiveCacheStorage",
        "HTTPCACHE_POLICY": "crawler.cache.RevalidatePolicy",
        "EXTENSIONS": {"crawler.extensions.ArchiveRun": 0},
    }


globals().update(scrapy_settings(load_settings()))
