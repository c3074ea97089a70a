"""PDF attachments: the text layer, and tables rebuilt from ruled cell boxes.

pdfplumber and PyMuPDF's ``find_tables`` disagree on CJK text and merged
cells. Both give cell bounding boxes; the grid is rebuilt from the distinct box
edges so a merged cell gets its rowspan/colspan, and its text is read from
the text layer inside the box. PyMuPDF is tried first (on LibreOffice and Word
PDFs its cell text is clean, while cropping with pdfplumber bleeds neighbouring
cells' text); a page where it yields ``(cid:…)``/U+FFFD garbage or nothing is
read with pdfplumber, each character going to the cell holding its centre. A file with
no text layer (a scan) is reported as needing OCR, not as an empty report.
"""

from __future__ import annotations

import io
import logging
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

import pdfplumber
import pymupdf

if hasattr(pymupdf, "no_recommend_layout"):
    pymupdf.no_recommend_layout()  # it would print an advert for pymupdf_layout on stdout, into --json output

from .documents import Document
from .errors import ParseError
from .tables import Cell, Table

logging.getLogger("pdfminer").setLevel(logging.ERROR)

Box = tuple[float, float, float, float]
_TOL = 2.0
_MIN_TEXT = 20


def _edges(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    i = bisect_left(edges, v - _TOL)
    return min(i, len(edges) - 1)


def grid_from_boxes(boxes: list[Box], text_of: Callable[[Box], str], index: int) -> Table:
    """Cells with spans from bounding boxes: spans count the grid lines a box crosses."""
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    cells = []
    for box in boxes:
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        cells.append(Cell(text_of(box), r0, c0, max(r1 - r0, 1), max(c1 - c0, 1)))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(index, cells, grid=True)


def _centre_in(obj: dict[str, object], box: Box) -> bool:
    """pdfplumber object whose centre lies in the box: a cell's own characters, not its neighbours'."""
    if obj.get("object_type") != "char":
        return False
    x = (float(obj["x0"]) + float(obj["x1"])) / 2  # type: ignore[arg-type]
    y = (float(obj["top"]) + float(obj["bottom"])) / 2  # type: ignore[arg-type]
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _garbled(table: Table) -> bool:
    text = "".join(c.text for c in table.cells)
    return "(cid:" in text or "\ufffd" in text


Found = tuple[Box, Table]


def _bbox(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _plumber_tables(page: pdfplumber.page.Page, start: int) -> list[Found]:
    out: list[Found] = []
    for found in page.find_tables():
        boxes = [tuple(map(float, c)) for c in found.cells]

        def text_of(box: Box) -> str:
            return page.filter(lambda obj: _centre_in(obj, box)).extract_text() or ""

        if boxes:
            out.append((_bbox(boxes), grid_from_boxes(boxes, text_of, start + len(out))))  # type: ignore[arg-type]
    return out


def _mupdf_tables(page: pymupdf.Page, start: int) -> list[Found]:
    out: list[Found] = []
    for found in page.find_tables().tables:
        boxes = [tuple(map(float, c)) for c in found.cells if c is not None]

        def text_of(box: Box) -> str:
            return str(page.get_textbox(pymupdf.Rect(box))).strip()

        if boxes:
            out.append((_bbox(boxes), grid_from_boxes(boxes, text_of, start + len(out))))  # type: ignore[arg-type]
    return out


def _usable(table: Table) -> bool:
    return not _garbled(table) and any(c.text.strip() for c in table.cells)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _page_tables(plumber_page: pdfplumber.page.Page, mupdf_page: pymupdf.Page, start: int) -> list[Table]:
    """PyMuPDF's tables (clean CJK cell text), plus pdfplumber's where PyMuPDF found none or garbage.

    Each finder misses tables the other sees (narrow 15-column tables, tables
    without outer rules), so pdfplumber's tables that do not overlap a usable
    PyMuPDF table are kept too, in reading order.
    """
    found: list[Found] = []
    finders: list[Callable[[], list[Found]]] = [
        lambda: _mupdf_tables(mupdf_page, start),
        lambda: _plumber_tables(plumber_page, start),
    ]
    for finder in finders:
        try:
            tables = finder()
        except Exception:  # noqa: BLE001 - either finder fails on odd pages; the other may still read them
            continue
        found += [(box, t) for box, t in tables if _usable(t) and not any(_overlaps(box, b) for b, _ in found)]
    found.sort(key=lambda f: (f[0][1], f[0][0]))
    return [t for _, t in found]


_OUTLINE_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、])")


def _continues(first_row: list[Cell]) -> bool:
    """A row cut by a page break: no outline number starts it and it holds no number of its own."""
    texts = [c.text.strip() for c in first_row if c.text.strip()]
    return bool(texts) and not any(_OUTLINE_START.match(t) or t.isdigit() for t in texts)


def _append(into: Table, more: Table) -> None:
    first = [c for c in more.cells if c.row == 0]
    offset = into.n_rows
    if _continues(first):
        last = into.n_rows - 1
        for cell in first:
            target = next((c for c in into.cells if c.row <= last < c.row + c.rowspan and c.col <= cell.col < c.col + c.colspan), None)
            if target is not None and cell.text.strip():
                target.text = target.text + cell.text
        offset -= 1
        more_cells = [c for c in more.cells if c.row > 0]
    else:
        more_cells = list(more.cells)
    into.cells.extend(Cell(c.text, c.row + offset, c.col, c.rowspan, c.colspan) for c in more_cells)


def join_pages(pages: list[list[Table]]) -> list[Table]:
    """One table for a table that runs over a page break (same column count), cut rows rejoined."""
    out: list[Table] = []
    for i, tables in enumerate(pages):
        for j, table in enumerate(tables):
            continues_previous_page = j == 0 and i > 0 and bool(pages[i - 1]) and bool(out)
            if continues_previous_page and out[-1].n_cols == table.n_cols:
                _append(out[-1], table)
                continue
            table.index = len(out)
            out.append(table)
    return out


def read_pdf(data: bytes, *, filename: str | None = None) -> Document:
    """A PDF with a text layer; scans come back as status 'needs_ocr'."""
    try:
        mdoc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises its own error types on bad bytes
        raise ParseError(f"not a readable PDF: {exc}") from exc
    mpages = list(mdoc.pages())
    texts = [str(page.get_text("text")) for page in mpages]
    text = "\n".join(texts)
    if len("".join(text.split())) < _MIN_TEXT:
        images = sum(len(page.get_images()) for page in mpages)
        reason = f"no text layer ({mdoc.page_count} pages, {images} images)"
        return Document("pdf", text, [], status="needs_ocr" if images else "empty", reason=reason, filename=filename)
    pages: list[list[Table]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for ppage, mpage in zip(pdf.pages, mpages):
            pages.append(_page_tables(ppage, mpage, sum(len(p) for p in pages)))
    tables = join_pages(pages)
    return Document("pdf", text, tables, filename=filename, narrative=_outside_tables(mdoc))


def _outside_tables(mdoc: pymupdf.Document) -> str:
    """Text blocks that lie outside any table, for figures stated in sentences."""
    parts = []
    for page in mdoc.pages():
        rects = [pymupdf.Rect(t.bbox) for t in page.find_tables().tables]
        for block in page.get_text("blocks"):
            r = pymupdf.Rect(block[:4])
            if not any(r.intersects(t) for t in rects):
                parts.append(str(block[4]))
    return "\n".join(parts)
