"""Typed rows that the crawler hands to the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FetchRecord:
    """One answer from the network (or the reason there was none), for the fetch log."""

    url: str
    role: str
    status: int
    fetched_at: str
    final_url: str = ""
    body: bytes | None = None
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    bytes: int = 0
    error: str = ""


@dataclass
class DocumentSummary:
    """What became of one fetched file of a report."""

    url: str
    role: str
    status: int
    sha256: str
    kind: str = ""
    doc_status: str = ""
    reason: str = ""
    from_cache: bool = False


@dataclass
class AnalysedReport:
    """A report as the pipeline hands it to the archive: where it came from and what it says."""

    portal: str
    url: str
    list_url: str
    agency: str | None
    agency_code: str | None
    region: str | None
    year: int | None
    title: str | None
    published: str | None
    template: str
    status: str
    text: str
    content_hash: str
    parser_version: str
    record: dict[str, Any]
    redirected_from: list[str] = field(default_factory=list)
    cells: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    documents: list[DocumentSummary] = field(default_factory=list)
    search: tuple[str, str] | None = None  # archive.search.index_entry, made off the writer's thread
