"""HTML report bodies: tables from the markup, narrative from trafilatura.

Statistics are read from the ``<table>`` elements themselves (rowspan and
colspan expanded onto a grid), never from flattened text; trafilatura only
supplies the readable narrative. Layout tables (tables holding tables) are
skipped: the data tables inside them are read on their own.
"""

from __future__ import annotations

import re

import lxml.html
import parsel
import trafilatura
from lxml import etree

from .documents import Document, decode_html
from .errors import ParseError
from .tables import Cell, Table

_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}
_MAX_SPAN = (500, 64)
_META_TITLE = ("ArticleTitle", "title", "Title", "og:title")
_META_DATE = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time", "Date")
_DATE_IN_PAGE = re.compile(r"(?:发布(?:时间|日期)|日期|时间)\s*[:：]\s*((?:19|20)\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_TITLE_SPLIT = re.compile(r"\s*[_|｜—-]\s*")


def cell_text(el: etree._Element) -> str:
    """Text of a cell with line breaks where the markup has blocks (<p>, <br>)."""
    parts: list[str] = []

    def walk(e: etree._Element) -> None:
        tag = e.tag.lower() if isinstance(e.tag, str) else ""
        if tag in ("script", "style"):
            return
        if tag in _BLOCK:
            parts.append("\n")
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK:
            parts.append("\n")

    walk(el)
    return re.sub(r"\n\s*\n+", "\n", "".join(parts)).strip("\n")


def _span(value: str | None, limit: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), limit)


def read_table(el: etree._Element, index: int) -> Table:
    """One ``<table>`` onto a grid: each cell at its first free position in its row."""
    occupied: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    rows = el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in occupied:
                c += 1
            rowspan = min(_span(td.get("rowspan"), _MAX_SPAN[0]), len(rows) - r)
            colspan = _span(td.get("colspan"), _MAX_SPAN[1])
            cells.append(Cell(cell_text(td), r, c, rowspan, colspan))
            occupied.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            c += colspan
    return Table(index, cells, grid=True)


def _meta(sel: parsel.Selector, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = sel.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content').get()
        if value and value.strip():
            return value.strip()
    return None


def _title(sel: parsel.Selector) -> str | None:
    title = _meta(sel, _META_TITLE[:1]) or sel.xpath("normalize-space(//h1)").get()
    if not title:
        page_title = sel.xpath("normalize-space(//title)").get() or ""
        title = _TITLE_SPLIT.split(page_title)[0] if page_title else None
    return title or None


def _published(sel: parsel.Selector, html: str) -> str | None:
    value = _meta(sel, _META_DATE)
    m = re.match(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", value or "")
    if not m:
        m = _DATE_IN_PAGE.search(html[:200000])
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def _narrative(root: etree._Element) -> str:
    body = root.find(".//body")
    tree = body if body is not None else root
    for el in tree.xpath(".//table|.//script|.//style|.//noscript"):
        el.drop_tree() if isinstance(el, lxml.html.HtmlElement) else el.getparent().remove(el)
    return cell_text(tree)


def read_html(data: bytes, *, filename: str | None = None) -> Document:
    """An HTML page or fragment: grid tables, trafilatura text, title and date from the page."""
    html, _ = decode_html(data)
    html = _XML_DECL.sub("", html, count=1)
    if "<" not in html:
        raise ParseError("no markup in an HTML document")
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"HTML not parseable: {exc}") from exc
    sel = parsel.Selector(root=root, type="html")
    tables = [read_table(t, i) for i, t in enumerate(root.xpath("//table[not(.//table)]"))]
    title, published = _title(sel), _published(sel, html)
    narrative = _narrative(root)

    def text() -> str:
        extracted = trafilatura.extract(html, include_tables=True, favor_precision=True, deduplicate=False)
        return extracted if extracted and extracted.strip() else narrative

    return Document(
        "html", None, tables, filename=filename, title=title, published=published, narrative=narrative, text_factory=text
    )
