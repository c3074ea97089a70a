"""One report from its documents: identity, template, sections, summary, checks.

A report can span several documents (a page body and its attachment, a body
split over ``t…_1.html`` pages); their tables are read as one sequence. What
cannot be read is listed in ``problems`` and the partial record is kept.
"""

from __future__ import annotations

from .checks import run_checks
from .documents import Document
from .identity import identify
from .records import DocumentInfo, Report
from .summary import build_summary
from .templates.beijing2008 import read_indicators
from .templates.detect import detect_template
from .templates.gb_active import read_active
from .templates.gb_appeals import read_appeals
from .templates.gb_requests import read_requests
from .templates.rows import all_rows
from .templates.sink import Sink
from .version import PARSER_VERSION


def _first(values: list[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _table_heads(docs: list[tuple[int, Document]]) -> str:
    """First rows of each table (统计表 titles such as （2018年度）), for the identity."""
    lines = []
    for _, d in docs:
        for table in d.tables:
            lines += [" ".join(row) for row in table.texts(3)]
    return "\n".join(lines)


def _read_sections(report: Report, docs: list[tuple[int, Document]], sink: Sink) -> None:
    tables = [(i, t) for i, d in docs for t in d.tables]
    rows = all_rows(tables)
    template, why = detect_template(rows, report.year)
    report.template = template
    if template == "unknown":
        sink.problem("template", why)
    if template == "beijing-2008":
        if not read_indicators(rows, sink):
            sink.problem("indicators", "statistics table not found")
        return
    found_active = read_active(rows, sink)
    found_requests = read_requests(rows, template, sink)
    found_appeals = read_appeals(rows, sink)
    if template != "unknown":
        for name, found in (("active", found_active), ("requests", found_requests), ("appeals", found_appeals)):
            if not found:
                sink.problem(name, "section table not found")


def _status(report: Report, docs: list[Document]) -> str:
    has_data = bool(report.requests or report.appeals or report.active or report.indicators)
    if not has_data:
        if any(d.status == "needs_ocr" for d in docs):
            return "needs_ocr"
        if all(d.status != "ok" for d in docs):
            return "unreadable"
        return "no_tables"
    return "partial" if report.problems else "parsed"


def parse_report(
    documents: list[Document],
    *,
    title: str | None = None,
    published: str | None = None,
    source_url: str | None = None,
    agency: str | None = None,
) -> Report:
    """The record of one report; never raises on content, only reports problems."""
    report = Report(source_url=source_url, parser_version=PARSER_VERSION)
    sink = Sink(report)
    report.documents = [DocumentInfo(d.kind, d.status, d.reason, len(d.tables), d.filename) for d in documents]
    docs = [(i, d) for i, d in enumerate(documents) if d.status == "ok"]
    for d in documents:
        if d.status != "ok":
            sink.problem(f"document {d.filename or d.kind}", f"{d.status}: {d.reason}")
    prose = "\n".join(d.prose for _, d in docs)
    text = prose + "\n" + _table_heads(docs)
    ident = identify(
        text,
        prose,
        title=title or _first([d.title for _, d in docs]),
        published=published or _first([d.published for _, d in docs]),
        agency=agency,
    )
    report.title, report.agency, report.region = ident.title, ident.agency, ident.region
    report.year, report.published = ident.year, ident.published
    if docs:
        _read_sections(report, docs, sink)
    report.summary = build_summary(report, prose)
    report.checks = run_checks(report, prose)
    report.status = _status(report, documents)
    return report
