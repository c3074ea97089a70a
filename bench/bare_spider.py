"""The baseline of bench/pipeline.py: a bare Scrapy spider with default settings that only fetches.

    .venv/bin/python bench/bare_spider.py URL

It walks the same list pages (createPageHTML pagination, report links) and
fetches every report page, doing nothing with them; prints Scrapy's stats as JSON.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess

PAGER = re.compile(r'createPageHTML\((\d+),\s*(\d+),\s*"(\w+)",\s*"(\w+)"\)')


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [url]

    def parse(self, response: Any) -> Any:
        for href in response.css("a::attr(href)").getall():
            if re.search(r"/t\d{8}_\d+\.html$", href):
                yield response.follow(href, callback=self.fetched)
        pager = PAGER.search(response.text)
        if pager and int(pager[2]) == 0:
            total, stem, ext = int(pager[1]), pager[3], pager[4]
            for page in range(1, total):
                yield response.follow(f"{stem}_{page}.{ext}", callback=self.parse)

    def fetched(self, response: Any) -> None:
        """Only fetch."""


def main() -> None:
    process = CrawlerProcess({"LOG_LEVEL": "WARNING"})
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, url=sys.argv[1])
    process.start()
    print(json.dumps(crawler.stats.get_stats(), default=str))


if __name__ == "__main__":
    main()
