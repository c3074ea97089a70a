"""The one spider: it walks any portal definition and knows only where links are.

Lists, pages and columns are read by the page objects in ``parsers.pages``; a
report page is read in the analysis processes (parsed once: for its links and,
when it has no other pieces, for the report itself). A report's continuation
pages, attachments and twin are fetched one after the other and travel with
the report, so a report leaves the spider whole (or with the reason each
missing piece failed).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.analysis import read_report_page
from crawler.items import FetchedDoc, ReportItem
from crawler.pool import AnalysisPool
from crawler.portal import PORTALS_DIR, Portal, load_portal
from parsers.pages import Link, read_list_page
from parsers.documents import decode_html


def describe_failure(failure: Failure) -> tuple[int, str]:
    """HTTP status (0 when there was no response) and a readable reason."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return response.status, f"HTTP {response.status}"
    return 0, f"{failure.type.__name__}: {failure.getErrorMessage()}"


def html_of(response: Response) -> str:
    declared = response.headers.get(b"Content-Type", b"").decode("latin-1")
    return decode_html(response.body, declared)[0]


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, portal: str = "sample", base_url: str | None = None, agency: str | None = None,
                 year: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        definition: Portal = load_portal(portal)
        if base_url:
            definition = definition.with_base_url(base_url)
        if not definition.base_url:
            raise ValueError(f"portal {portal!r} has no base URL: give one with --base-url")
        self.portal = definition
        self.logger.info("portal definition %s", PORTALS_DIR / f"{portal}.toml")
        self.allowed_domains = list(definition.allowed_domains)
        self.agency = agency
        self.year = int(year) if year else None
        self.done_urls: set[str] = set()
        self.pool: AnalysisPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.pool = AnalysisPool.of(crawler)
        return spider

    async def start(self) -> Any:
        for url in self.portal.start_urls:
            yield scrapy.Request(url, callback=self.parse_list, dont_filter=True, meta={"role": "list"})

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        page = read_list_page(html_of(response), response.url, self.portal.rules)
        for url in page.pages + [c.url for c in page.columns]:
            yield scrapy.Request(url, callback=self.parse_list, meta={"role": "list"})
        for link in page.reports:
            if link.url not in self.done_urls and self.wanted(link):
                yield scrapy.Request(link.url, callback=self.parse_report, meta={
                    "role": "page", "list_url": response.url, "link_title": link.text})

    def wanted(self, link: Link) -> bool:
        """Whether --agency and --year let this report through (judged from its URL and link text)."""
        if self.agency:
            code = self.portal.agency_of(link.url)
            if code != self.agency and self.agency not in link.text:
                return False
        if self.year:
            year = self.portal.year_of(link.url)
            if year is not None and year != self.year:
                return False
            if year is None and str(self.year) not in link.text:
                return False
        return True

    async def parse_report(self, response: Response) -> AsyncIterator[Any]:
        item = ReportItem(
            portal=self.portal.name,
            url=response.url,
            list_url=response.meta.get("list_url", ""),
            link_title=response.meta.get("link_title", ""),
            agency_code=self.portal.agency_of(response.url),
            year_hint=self.portal.year_of(response.url),
            redirected_from=list(response.meta.get("redirect_urls", [])),
            docs=[self.fetched(response, "page")],
        )
        reading = await self.pool.run(read_report_page, item) if self.pool else read_report_page(item)
        item.analysed = reading.report
        for out in self.follow_pieces(item, reading.pieces):
            yield out

    def follow_pieces(self, item: ReportItem, pending: list[tuple[str, str]]) -> Iterator[Any]:
        if not pending:
            yield item
            return
        url, role = pending[0]
        yield scrapy.Request(url, callback=self.collect, errback=self.collect_failed, dont_filter=True,
                             priority=10, meta={"role": role, "item": item, "pending": pending[1:]})

    def collect(self, response: Response) -> Iterator[Any]:
        item: ReportItem = response.meta["item"]
        item.docs.append(self.fetched(response, response.meta["role"]))
        yield from self.follow_pieces(item, response.meta["pending"])

    def collect_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        item: ReportItem = request.meta["item"]
        status, reason = describe_failure(failure)
        item.docs.append(FetchedDoc(url=request.url, role=request.meta["role"], status=status, error=reason))
        self.logger.warning("could not fetch %s for %s: %s", request.url, item.url, reason)
        yield from self.follow_pieces(item, request.meta["pending"])

    @staticmethod
    def fetched(response: Response, role: str) -> FetchedDoc:
        return FetchedDoc(
            url=response.url,
            role=role,
            status=response.status,
            body=response.body,
            content_type=response.headers.get(b"Content-Type", b"").decode("latin-1"),
            sha256=hashlib.sha256(response.body).hexdigest(),
            from_cache="cached" in response.flags,
        )
