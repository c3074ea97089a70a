"""Turning a fetched report into what the archive stores. Runs in worker processes, off the reactor.

The content hash covers only what a report means, its normalised text and
its table cells, so page furniture (counters, dates in the header, scripts)
never makes a new version.
"""

from __future__ import annotations

import copy
import functools
import gc
import hashlib
import importlib
import json
import os
import pickle
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml.html import HtmlElement

import parsers
from archive.records import AnalysedReport, DocumentSummary
from archive.search import index_entry
from crawler.items import FetchedDoc, ReportItem
from crawler.portal import PortalError, load_portal
from parsers.documents import Document, decode_html, read_document, read_page_body
from parsers.pages import DetailPage, PageRules, read_detail_page
from parsers.records import TidyCell, tidy_cells
from parsers.report import parse_report

PARSED_ROLES = ("page", "attachment")


def content_hash(text: str, cells: list[tuple[Any, ...]]) -> str:
    """What a version is: its text with blanks folded (``str.split`` folds exactly what ``\\s+``
    did when archives were first hashed) and its cells' values."""
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8"))
    key = [cell[:4] for cell in cells]  # section, row, column, value
    digest.update(json.dumps(key, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def cell_row(cell: TidyCell) -> tuple[Any, ...]:
    """A tidy cell as a ``cells`` row, a plain tuple in :class:`Cell`'s field order."""
    return (cell.section, cell.row, cell.column, cell.value, cell.unit, int(cell.computed),
            cell.document, cell.table, cell.cell_row, cell.cell_col)


WORKER_NICENESS = 10
"""How far an analysis process stands back for the crawl's own process.

That one process feeds every worker (answers in, results written), and with
as many workers as cores it waited behind them for a core: the workers then
ran dry, idle a quarter of their time, and two cores were 15 % idle during a
crawl. Standing back, they take whatever CPU the crawl leaves: 155 → 171
pages/s on two cores, measured by interleaved crawls of the bulk portal.
"""


def settle_gc() -> None:
    """Tune the garbage collector for a crawl's long run, once its code is loaded.

    What is loaded by now (Scrapy, Twisted, the parsers) lives as long as the
    process, so the collector stops scanning it: each full collection walked it
    all again. And it runs after 20,000 new objects rather than 700: each run
    scans what is in flight (requests, answers, a report's tree), about as much
    whenever it runs, and cycles are rare here. In a 2,100-page crawl the
    crawler process spent 0.57 s collecting, 0.13 s after this.
    """
    gc.freeze()
    gc.set_threshold(20_000, *gc.get_threshold()[1:])


def prepare_worker(crawl_pid: int | None = None) -> None:
    """Start an analysis process: below the crawl in the scheduler's order (:data:`WORKER_NICENESS`),
    the HTML reader loaded, the collector settled (:func:`settle_gc`), and the process ended
    when the process that started the pool (``crawl_pid``) is gone.

    ``parsers.documents`` loads its readers on first use (the crawler process never needs
    them); every report page needs the HTML one, and with trafilatura it took 0.2–0.4 s,
    which the first page paid after the crawl had started.

    A crawl killed outright (SIGKILL, the OOM killer) cannot stop its pool, and a pool
    process waits on its task queue for ever: every such kill left the processes and
    their forkserver behind, ≈ 200 MB.
    """
    os.nice(WORKER_NICENESS)
    importlib.import_module("parsers.htmltables")
    settle_gc()
    if crawl_pid is not None:
        threading.Thread(target=_exit_with, args=(crawl_pid,), name="crawl-watch", daemon=True).start()


def serve(tasks: Connection, results: Connection) -> None:
    """An analysis process: run each task it is sent, send back its result, until the crawl is gone.

    The crawl holds the other end of ``tasks``: when it ends, however it ends (SIGKILL and
    the OOM killer included), the pipe closes and this process ends with it.
    """
    prepare_worker()
    while True:
        try:
            task_id, fn, arg = pickle.loads(tasks.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            outcome: tuple[bool, Any] = (True, fn(arg))
        except Exception as exc:  # noqa: BLE001 - the task's failure is the crawl's to handle
            outcome = (False, exc)
        try:
            data = ForkingPickler.dumps((task_id, *outcome))
        except Exception as exc:  # noqa: BLE001 - a result or error that cannot be pickled
            data = ForkingPickler.dumps((task_id, False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        try:
            results.send_bytes(data)
        except OSError:  # the crawl is gone (BrokenPipeError)
            return


def _exit_with(pid: int) -> None:
    while not _gone(pid):
        time.sleep(1.0)
    os._exit(0)


def _gone(pid: int) -> bool:
    """Whether ``pid`` has ended; a zombie has (its parent has only not read its status yet)."""
    if os.path.isdir("/proc"):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
                return stat.read().rpartition(")")[2].split()[0] in ("Z", "X")
        except FileNotFoundError:
            return True
    try:
        os.kill(pid, 0)  # no /proc (macOS): a zombie still counts as alive there
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _filename(url: str) -> str:
    return PurePosixPath(urlsplit(url).path).name or "index.html"


@functools.cache
def portal_rules(portal: str) -> PageRules:
    """A portal's page rules (the sample portal's for a portal no longer defined), once a process."""
    try:
        return load_portal(portal).rules
    except PortalError:
        return load_portal("sample").rules


def read_page(doc: FetchedDoc, portal: str) -> DetailPage:
    return read_detail_page(decode_html(doc.body, doc.content_type)[0], doc.url, portal_rules(portal))


@dataclass
class PageReading:
    """A report page read in an analysis process: the pieces that belong to it, to be fetched,
    or, when there are none, the whole report analysed from the same tree."""

    pieces: list[tuple[str, str]]
    report: AnalysedReport | None = None


def read_report_page(item: ReportItem) -> PageReading:
    """What the spider needs of a report page (its only document so far)."""
    page = read_page(item.docs[0], item.portal)
    pieces = [(url, "part") for url in page.parts] + [(a.url, "attachment") for a in page.attachments]
    if page.twin:
        pieces.append((page.twin, "twin"))
    return PageReading(pieces) if pieces else PageReading([], _analyse(item, [page]))


def analyse(item: ReportItem) -> AnalysedReport:
    """Extract and parse every document of a report (page body with its parts, then attachments)."""
    return _analyse(item, [read_page(d, item.portal) for d in item.docs if d.role in ("page", "part") and d.body])


def _body(pages: list[DetailPage]) -> tuple[HtmlElement, Callable[[], str]]:
    """The page's body, continued by its parts' bodies, and how to get its markup."""
    if len(pages) == 1:
        return pages[0].body, lambda: pages[0].body_html
    joined = lxml.html.Element("div")
    for page in pages:
        joined.append(copy.deepcopy(page.body))
    return joined, lambda: "".join(page.body_html for page in pages)


def _analyse(item: ReportItem, pages: list[DetailPage]) -> AnalysedReport:
    """``pages``: the report's page and continuation pages, read (those fetched)."""
    documents: list[Document] = []
    summaries: list[DocumentSummary] = []
    for doc in item.docs:
        summary = DocumentSummary(url=doc.url, role=doc.role, status=doc.status, sha256=doc.sha256,
                                  reason=doc.error, from_cache=doc.from_cache)
        summaries.append(summary)
        if doc.role not in PARSED_ROLES or not doc.body:
            continue
        if doc.role == "page":
            parsed = read_page_body(*_body(pages))
        else:
            parsed = read_document(doc.body, filename=_filename(doc.url), content_type=doc.content_type)
        summary.kind, summary.doc_status, summary.reason = parsed.kind, parsed.status, parsed.reason
        documents.append(parsed)
    page = pages[0] if any(d.role == "page" and d.body for d in item.docs) else None
    title, published = (page.title, page.published) if page else (None, None)
    record = parse_report(documents, title=title or item.link_title or None, published=published,
                          source_url=item.url)
    cells = [cell_row(c) for c in tidy_cells(record)]
    text = "\n\n".join(d.text for d in documents if d.text)
    title = record.title or title or item.link_title
    return AnalysedReport(
        portal=item.portal, url=item.url, list_url=item.list_url,
        agency=record.agency, agency_code=item.agency_code, region=record.region,
        year=record.year or item.year_hint, title=title,
        published=record.published or published, template=record.template,
        status="incomplete" if any(d.error and not d.body for d in item.docs) else record.status,
        text=text, content_hash=content_hash(text, cells), parser_version=parsers.PARSER_VERSION,
        record=record.json_text(), redirected_from=item.redirected_from, cells=cells,
        checks=[{"rule": c.rule, "ok": int(c.ok), "detail": c.detail} for c in record.checks],
        documents=summaries, search=index_entry(title, text),
    )
