"""Typed items the spider hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.records import AnalysedReport


@dataclass
class FetchedDoc:
    """One fetched file that belongs to a report: its page, a continuation page, an attachment or its twin.

    ``body`` is empty when the fetch failed; ``error`` then says why.
    """

    url: str
    role: str
    status: int
    body: bytes = b""
    content_type: str = ""
    sha256: str = ""
    from_cache: bool = False
    error: str = ""


@dataclass
class ReportItem:
    """Everything fetched for one report page, with what the list and the page said of it."""

    portal: str
    url: str
    list_url: str
    link_title: str
    agency_code: str | None = None
    year_hint: int | None = None
    redirected_from: list[str] = field(default_factory=list)
    docs: list[FetchedDoc] = field(default_factory=list)
    # Analysed with its page, in one reading, when the page has no other pieces.
    analysed: AnalysedReport | None = None
