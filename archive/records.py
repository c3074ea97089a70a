"""Typed rows that the crawler hands to the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


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


class Cell(NamedTuple):
    """One table cell as a ``cells`` row, fields in the table's column order.

    A tuple, not a dict: a report carries hundreds from the analysis process to
    the writer, and a dict per cell made unpickling them the writer's cost.
    """

    section: str
    row: str
    column: str
    value: float | None
    unit: str | None = None
    computed: int = 0
    document: int | None = None
    tbl: int | None = None  # ``table`` is a reserved word in SQL
    cell_row: int | None = None
    cell_col: int | None = None


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
    record: str  # the parsed record as JSON, serialised in the analysis process
    redirected_from: list[str] = field(default_factory=list)
    # Rows in Cell's field order; the analysis sends plain tuples, since building a Cell
    # (a Python-level constructor) doubled what unpickling a report's hundreds of cells cost.
    cells: list[tuple[Any, ...]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    documents: list[DocumentSummary] = field(default_factory=list)
    search: tuple[str, str] | None = None  # archive.search.index_entry, made off the writer's thread
