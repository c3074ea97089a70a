"""Conditional requests from the archive, through Scrapy's own HTTP cache middleware.

The archive is the cache: its last full answer for a URL supplies ETag and
Last-Modified, a 304 hands the spider the archived bytes, and anything else is
a fresh answer. Validators can lie (a CMS republishes without touching them),
so a URL whose last full fetch is older than ``full_fetch_days`` is fetched
without validators.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy import Request, Spider
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings

from archive.store import Archive


class RevalidatePolicy(RFC2616Policy):
    """Always ask the server (never trust freshness heuristics); only a 304 revives the archived copy."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.full = settings.getbool("ZFXXGK_FULL_FETCH")

    def should_cache_request(self, request: Request) -> bool:
        return not self.full and super().should_cache_request(request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        return response.status == 304


class ArchiveCacheStorage:
    """Read side of the cache; the fetch log middleware archives every answer, so storing is done there."""

    def __init__(self, settings: BaseSettings) -> None:
        self.max_age = timedelta(days=settings.getdict("ZFXXGK").get("full_fetch_days", 30))
        self.archive: Archive | None = None

    def open_spider(self, spider: Spider) -> None:
        """Use the archive the run extension opened for this crawler."""
        self.archive = spider.crawler.zfxxgk.archive  # type: ignore[attr-defined]

    def close_spider(self, spider: Spider) -> None:
        """Nothing to close: the archive is closed by the run extension."""

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        assert self.archive is not None
        row = self.archive.last_good_fetch(request.url)
        if row is None or not (row["etag"] or row["last_modified"]):
            return None
        fetched = datetime.fromisoformat(row["fetched_at"])
        if datetime.now(timezone.utc) - fetched > self.max_age:
            return None
        headers: dict[str, Any] = {"Content-Type": row["content_type"] or "application/octet-stream"}
        if row["etag"]:
            headers["ETag"] = row["etag"]
        if row["last_modified"]:
            headers["Last-Modified"] = row["last_modified"]
        hdrs = Headers(headers)
        cls = responsetypes.from_args(headers=hdrs, url=request.url, body=row["content"])
        return cls(url=request.url, headers=hdrs, status=200, body=row["content"])

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        """Answers are archived by :class:`crawler.middlewares.FetchLogMiddleware`, 304s and errors included."""
