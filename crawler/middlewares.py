"""Downloader middlewares that see the network's own answers (before the cache turns a 304 into a page)."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from archive.records import FetchRecord
from archive.store import now
from parsers.pages import block_reason


def _header(response: Response, name: bytes) -> str:
    return response.headers.get(name, b"").decode("latin-1")


class FetchLogMiddleware:
    """Logs every answer and every failure to the archive, keeping the bytes of every full answer.

    The run (``crawler.zfxxgk``) takes each record: a local run writes it and the
    WARC record itself, a Redis worker sends both to the ingester in one message.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchLogMiddleware:
        return cls(crawler)

    @property
    def run(self) -> Any:
        return self.crawler.zfxxgk  # type: ignore[attr-defined]

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        self.stats.inc_value("zfxxgk/bytes_received", len(response.body))
        self.stats.inc_value(f"zfxxgk/status/{response.status}")
        blocked = block_reason(response.status, response.body)
        request.meta["blocked"] = blocked
        if blocked or response.status >= 400:
            self.stats.inc_value("zfxxgk/errors")
        self.run.log_answer(request, response, FetchRecord(
            url=request.url,
            role=request.meta.get("role", ""),
            status=response.status,
            fetched_at=now(),
            final_url=response.url,
            body=response.body if response.status == 200 and not blocked else None,
            content_type=_header(response, b"Content-Type"),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            bytes=len(response.body),
            error=blocked or "",
        ))
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if not isinstance(exception, IgnoreRequest):
            self.stats.inc_value("zfxxgk/errors")
        self.run.log_failure(FetchRecord(
            url=request.url,
            role=request.meta.get("role", ""),
            status=0,
            fetched_at=now(),
            error=f"{type(exception).__name__}: {exception}",
        ))
