"""A duplicate filter that lives only as long as the process.

Scrapy's JOBDIR dupefilter appends fingerprints to ``requests.seen`` while the
disk queue saves its positions only on a clean close, so after a SIGKILL the two
disagree and requests that were seen but never fetched would be filtered for
good. Here a resumed crawl starts with an empty filter and re-walks the lists;
what it must not redo is known from the archive (reports already stored by the
run), not from a file that a kill can leave out of step.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter


class MemoryDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MemoryDupeFilter:
        return cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"), fingerprinter=crawler.request_fingerprinter)
