"""PDF attachments: the text layer, and tables rebuilt from ruled cell boxes.

pdfplumber and PyMuPDF's ``find_tables`` disagree on CJK text and merged
cells. Both give cell bounding boxes; the grid is rebuilt from the distinct box
edges so a merged cell gets its rowspan/colspan, and its text is read from
the text layer inside the box (see ``pdfgrid`` for the grid and for tables
that run over a page break). PyMuPDF is tried first (on LibreOffice and Word
PDFs its cell text is clean, while cropping with pdfplumber bleeds neighbouring
cells' text); a page where it yields ``(cid:…)``/U+FFFD garbage or nothing is
read with pdfplumber, each character going to the cell holding its centre. A file with
no text layer (a scan) is reported as needing OCR, not as an empty report.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable

import pdfplumber
import pymupdf

if hasattr(pymupdf, "no_recommend_layout"):
    pymupdf.no_recommend_layout()  # it would print an advert for pymupdf_layout on stdout, into --json output

from .documents import Document
from .errors import ParseError
from .pdfgrid import Piece, TextBox, join_pages

logging.getLogger("pdfminer").setLevel(logging.ERROR)

Box = tuple[float, float, float, float]
_MIN_TEXT = 20
# Running heads, footers and page numbers (- 2 -, 第2页) do not separate a table from its continuation.
_MARGIN = 0.07
_PAGE_NUMBER = re.compile(r"^[\s\-—－–第页共/\d]+$")


def _centre_in(obj: dict[str, object], box: Box) -> bool:
    """pdfplumber object whose centre lies in the box: a cell's own characters, not its neighbours'."""
    if obj.get("object_type") != "char":
        return False
    x = (float(obj["x0"]) + float(obj["x1"])) / 2  # type: ignore[arg-type]
    y = (float(obj["top"]) + float(obj["bottom"])) / 2  # type: ignore[arg-type]
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _inside(box: Box) -> Callable[[dict[str, object]], bool]:
    return lambda obj: _centre_in(obj, box)


def _garbled(piece: Piece) -> bool:
    text = "".join(b.text for b in piece.boxes)
    return "(cid:" in text or "\ufffd" in text


def _plumber_tables(page: pdfplumber.page.Page, number: int) -> list[Piece]:
    out: list[Piece] = []
    for found in page.find_tables():
        boxes = []
        for cell in found.cells:
            x0, y0, x1, y1 = map(float, cell)
            text = page.filter(_inside((x0, y0, x1, y1))).extract_text() or ""
            boxes.append(TextBox(x0, y0, x1, y1, text))
        if boxes:
            out.append(Piece(number, boxes))
    return out


def _find_tables(page: pymupdf.Page) -> list[pymupdf.table.Table]:
    """Ruled tables on a page, without the layout model of pymupdf-layout (slow, and it merges columns)."""
    try:
        return list(page.find_tables(use_layout=False).tables)
    except TypeError:  # PyMuPDF before 1.26 has no layout gate
        return list(page.find_tables().tables)


def _page_chars(page: pymupdf.Page) -> list[TextBox]:
    chars: list[TextBox] = []
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                for ch in span["chars"]:
                    x0, y0, x1, y1 = map(float, ch["bbox"])
                    chars.append(TextBox(x0, y0, x1, y1, str(ch["c"])))
    return chars


def _lines_text(chars: list[TextBox]) -> str:
    """Characters of one cell as lines, top to bottom and left to right.

    Glyphs of another font (“” in DejaVu beside Noto CJK) come as lines of
    their own in the text layer; putting each character on the line its
    centre falls in keeps them where they are printed.
    """
    lines: list[tuple[float, list[TextBox]]] = []
    for ch in sorted(chars, key=lambda c: c.y0 + c.y1):
        centre, half = (ch.y0 + ch.y1) / 2, (ch.y1 - ch.y0) / 2
        if lines and abs(centre - lines[-1][0]) <= half:
            lines[-1][1].append(ch)
        else:
            lines.append((centre, [ch]))
    texts = ("".join(c.text for c in sorted(line, key=lambda c: c.x0)).strip() for _, line in lines)
    return "\n".join(t for t in texts if t)


def _cell_texts(boxes: list[Box], chars: list[TextBox]) -> list[str]:
    """Text of each cell box: the characters whose centre lies in it."""
    band = 20.0
    index: dict[int, list[int]] = {}
    for i, b in enumerate(boxes):
        for k in range(int(b[1] // band), int(b[3] // band) + 1):
            index.setdefault(k, []).append(i)
    inside: list[list[TextBox]] = [[] for _ in boxes]
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.y0 + ch.y1) / 2
        for i in index.get(int(cy // band), ()):
            b = boxes[i]
            if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                inside[i].append(ch)
                break
    return [_lines_text(c) for c in inside]


def _mupdf_tables(page: pymupdf.Page, number: int) -> list[Piece]:
    out: list[Piece] = []
    chars: list[TextBox] | None = None
    for found in _find_tables(page):
        boxes: list[Box] = [tuple(map(float, c)) for c in found.cells if c is not None]  # type: ignore[misc]
        if not boxes:
            continue
        chars = _page_chars(page) if chars is None else chars
        texts = _cell_texts(boxes, chars)
        out.append(Piece(number, [TextBox(*b, t) for b, t in zip(boxes, texts)]))
    return out


def _usable(piece: Piece) -> bool:
    return not _garbled(piece) and any(b.text.strip() for b in piece.boxes)


def _overlaps(a: Piece, b: Piece) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom


def _page_tables(plumber_page: pdfplumber.page.Page, mupdf_page: pymupdf.Page, number: int) -> list[Piece]:
    """PyMuPDF's tables (clean CJK cell text), plus pdfplumber's where PyMuPDF found none or garbage.

    Each finder misses tables the other sees (narrow 15-column tables, tables
    without outer rules), so pdfplumber's tables that do not overlap a usable
    PyMuPDF table are kept too, in reading order.
    """
    found: list[Piece] = []
    finders: list[Callable[[], list[Piece]]] = [
        lambda: _mupdf_tables(mupdf_page, number),
        lambda: _plumber_tables(plumber_page, number),
    ]
    for finder in finders:
        try:
            pieces = finder()
        except Exception:  # noqa: BLE001 - either finder fails on odd pages; the other may still read them
            continue
        found += [p for p in pieces if _usable(p) and not any(_overlaps(p, f) for f in found)]
    found.sort(key=lambda p: (p.top, p.left))
    _mark_page_ends(found, mupdf_page)
    return found


def _mark_page_ends(pieces: list[Piece], page: pymupdf.Page) -> None:
    """Whether any text other than running heads and page numbers lies above or below each table."""
    if not pieces:
        return
    height = float(page.rect.height)
    words = []
    for w in page.get_text("words"):
        x0, y0, x1, y1, word = float(w[0]), float(w[1]), float(w[2]), float(w[3]), str(w[4])
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if cy < height * _MARGIN or cy > height * (1 - _MARGIN) or _PAGE_NUMBER.match(word):
            continue
        if any(p.left <= cx <= p.right and p.top <= cy <= p.bottom for p in pieces):
            continue
        words.append((y0, y1))
    for piece in pieces:
        piece.opens_page = not any(y1 <= piece.top for _, y1 in words) and piece is pieces[0]
        piece.closes_page = not any(y0 >= piece.bottom for y0, _ in words) and piece is pieces[-1]


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
    pieces: list[Piece] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, (ppage, mpage) in enumerate(zip(pdf.pages, mpages)):
            pieces += _page_tables(ppage, mpage, number)
    return Document("pdf", text, join_pages(pieces), filename=filename, narrative=_outside_tables(mdoc, pieces))


def _outside_tables(mdoc: pymupdf.Document, pieces: list[Piece]) -> str:
    """Text blocks that lie outside any table, one paragraph each, for figures stated in sentences."""
    parts = []
    for number, page in enumerate(mdoc.pages()):
        rects = [pymupdf.Rect(p.left, p.top, p.right, p.bottom) for p in pieces if p.page == number]
        for block in page.get_text("blocks"):
            r = pymupdf.Rect(block[:4])
            if not any(r.intersects(t) for t in rects):
                parts.append(_unwrap(str(block[4])))
    return "\n".join(parts)


_WRAP_BY_CJK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\n|\n(?=[\u3000-\u9fff\uff00-\uffef])")


def _unwrap(block: str) -> str:
    """A text block's lines as one paragraph: the PDF wraps sentences (申请\n91件) where the file did not."""
    return _WRAP_BY_CJK.sub("", block.strip()).replace("\n", " ")
