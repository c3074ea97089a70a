"""Politeness beyond Scrapy's defaults: back off a whole domain, and keep to a daily budget.

Scrapy's retry middleware retries at once; a struggling or blocking portal
needs the opposite, so retries here pause the domain's download slot first
(honouring Retry-After, else exponential backoff), and a WAF block pauses it
for the configured block time. A request that is still blocked after its
retries is dropped with its reason, never handed to the spider as content.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response


BACKOFF_MAX = 600.0
FORBIDDEN_BURST = 3          # this many 403s from a host within FORBIDDEN_WINDOW seconds is a block
FORBIDDEN_WINDOW = 60.0
FORBIDDEN_RETRIES = 3


def retry_after(response: Response) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date)."""
    value = response.headers.get(b"Retry-After", b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Retries 5xx, 429, timeouts and blocks after pausing the domain."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.block_pause = 60.0 * float(crawler.settings.getdict("ZFXXGK").get("block_backoff_minutes", 30))
        self.forbidden: dict[str, list[float]] = {}
        self.backoff_base = float(crawler.settings.getdict("ZFXXGK").get("retry_backoff", 2.0))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        return cls(crawler)

    def pause_domain(self, request: Request, seconds: float, why: str) -> None:
        """Hold back every request to this domain for ``seconds`` (AutoThrottle eases the delay back later)."""
        downloader = self.crawler.engine.downloader  # type: ignore[union-attr]
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None or seconds <= 0:
            return
        slot.delay = max(slot.delay, seconds)
        slot.lastseen = time.monotonic()
        self.crawler.stats.inc_value("zfxxgk/domain_pauses")
        self.crawler.spider.logger.info("pausing %s for %.0f s: %s", urlsplit(request.url).hostname, seconds, why)

    def backoff(self, request: Request) -> float:
        return min(BACKOFF_MAX, self.backoff_base * 2 ** request.meta.get("retry_times", 0))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Any:
        if request.meta.get("dont_retry", False):
            return response
        blocked = request.meta.pop("blocked", None)
        if blocked:
            self.pause_domain(request, self.block_pause, blocked)
            self.crawler.stats.inc_value("zfxxgk/blocked")
            retry = get_retry_request(request, spider=self.crawler.spider, reason=blocked,
                                      max_retry_times=self.max_retry_times)
            if retry is None:
                raise IgnoreRequest(blocked)
            return retry
        if response.status == 403:
            return self.forbidden_answer(request, response)
        if response.status in self.retry_http_codes:
            reason = f"HTTP {response.status}"
            self.pause_domain(request, max(retry_after(response) or 0.0, self.backoff(request)), reason)
            return self._retry(request, reason) or response
        return response

    def forbidden_answer(self, request: Request, response: Response) -> Any:
        """A 403 may be a real refusal or a WAF burst: retry a few times, and pause for a block on a burst."""
        host = urlsplit(request.url).hostname or ""
        now = time.monotonic()
        recent = [t for t in self.forbidden.get(host, []) if now - t < FORBIDDEN_WINDOW] + [now]
        self.forbidden[host] = recent
        if len(recent) >= FORBIDDEN_BURST:
            self.pause_domain(request, self.block_pause, f"blocked: {len(recent)} × HTTP 403")
            self.crawler.stats.inc_value("zfxxgk/blocked")
        else:
            self.pause_domain(request, self.backoff(request), "HTTP 403")
        retry = get_retry_request(request, spider=self.crawler.spider, reason="HTTP 403",
                                  max_retry_times=min(FORBIDDEN_RETRIES, self.max_retry_times))
        return retry or response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> Any:
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry", False):
            self.pause_domain(request, self.backoff(request), type(exception).__name__)
            return self._retry(request, exception)
        return None


class Ledger(Protocol):
    """Where a day's requests to a host are counted: this process (:class:`LocalLedger`), or Redis for workers."""

    def grant(self, host: str, day: str, budget: int) -> int:
        """How many more requests to ``host`` this process may send on ``day`` (UTC) within ``budget``."""

    def release(self, host: str, day: str, unused: int) -> None:
        """Give back what was granted and not sent."""


class LocalLedger:
    """One process's count: the requests the archive logged today, then this run's own."""

    def __init__(self, logged: Callable[[str], Counter[str]]) -> None:
        self.logged = logged
        self.day = ""
        self.sent: Counter[str] = Counter()

    def grant(self, host: str, day: str, budget: int) -> int:
        if day != self.day:
            self.day, self.sent = day, self.logged(day)
        n = max(0, budget - self.sent[host])
        self.sent[host] += n
        return n

    def release(self, host: str, day: str, unused: int) -> None:
        if day == self.day:
            self.sent[host] -= unused


class DailyBudgetMiddleware:
    """Sends at most ``daily_budget`` requests a day to one domain, as the run's ledger counts them.

    The ledger is ``crawler.zfxxgk.budget``: a crawl's own count, or the one a
    Redis frontier's workers share. Grants left unsent go back when the run ends.
    """

    def __init__(self, crawler: Crawler, budget: int) -> None:
        self.crawler = crawler
        self.budget = budget
        self.day = ""
        self.allowance: Counter[str] = Counter()
        self.spent: set[str] = set()  # hosts the ledger refused today: not asked again
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DailyBudgetMiddleware:
        budget = int(crawler.settings.getdict("ZFXXGK").get("daily_budget", 0))
        if budget <= 0:
            raise NotConfigured("no daily budget")
        return cls(crawler, budget)

    @property
    def ledger(self) -> Ledger:
        return self.crawler.zfxxgk.budget  # type: ignore[attr-defined,no-any-return]

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        today = datetime.now(timezone.utc).date().isoformat()
        if today != self.day:
            self.give_back()
            self.day, self.spent = today, set()
        host = urlsplit(request.url).hostname or ""
        if self.allowance[host] <= 0 and host not in self.spent:
            self.allowance[host] = self.ledger.grant(host, self.day, self.budget)
            if self.allowance[host] <= 0:
                self.spent.add(host)
        if self.allowance[host] <= 0:
            self.crawler.stats.inc_value("zfxxgk/over_budget")
            raise IgnoreRequest(f"daily request budget of {self.budget} for {host} used up")
        self.allowance[host] -= 1

    def closed(self, spider: Spider) -> None:
        self.give_back()

    def give_back(self) -> None:
        for host, unused in self.allowance.items():
            if unused > 0:
                self.ledger.release(host, self.day, unused)
        self.allowance.clear()
