"""HTML report bodies: tables from the markup, narrative from trafilatura.

Statistics are read from the ``<table>`` elements themselves (rowspan and
colspan expanded onto a grid), never from flattened text; trafilatura only
supplies the readable narrative. Layout tables (tables holding tables) are
skipped: the data tables inside them are read on their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
import trafilatura
from lxml import etree

from .documents import Document, decode_html
from .errors import ParseError
from .htmltree import parse_fragment
from .tables import Cell, Table

_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}
_MAX_SPAN = (500, 64)
_META_TITLE = ("ArticleTitle", "title", "Title", "og:title")
_META_DATE = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time", "Date")
# 发布日期：2025-01-17 in the page, also split by markup (<td>日期：</td><td>…) and as the big5
# gateway prints it (發佈日期); never the visitor clock (当前时间).
_DATE_IN_PAGE = re.compile(
    r"(?:(?:发布|發佈|發布)(?:时间|時間|日期)|(?<!当前)(?<!當前)(?:日期|时间|時間))\s*[:：](?:\s|&nbsp;|<[^>]{0,200}>)*"
    r"((?:19|20)\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})"
)
_METAS = etree.XPath("//meta[@content]")
_H1 = etree.XPath("normalize-space(//h1)")
_TITLE = etree.XPath("normalize-space(//title)")
_DATE_KEY = re.compile(r"(?:日期|时间|時間)\s*[:：]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_TITLE_SPLIT = re.compile(r"\s*[_|｜—-]\s*")


_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACE = re.compile(r"\s+")
_DATA_TABLES = "//table[not(.//table)]"
_NO_TEXT = ("script", "style")
_NOT_NARRATIVE = frozenset({"table", "noscript"})  # script and style are never text
# Stands in for a table while trafilatura reads the text (letters it keeps as they are).
_MARKER = "ZFXXGKTABLE"
_MARKED = re.compile(_MARKER + r"(\d+)" + _MARKER)
# trafilatura's metadata dates, which we do not extract; given, so it does not work out "today" for every page.
_NO_DATES = {"original_date": True, "extensive_search": False, "max_date": "2099-12-31"}


def cell_text(el: etree._Element, skip: frozenset[str] = frozenset()) -> str:
    """Text of a cell with line breaks where the markup has blocks (<p>, <br>); elements
    below ``el`` named in ``skip`` are left out (their tails kept)."""
    if len(el) == 0 and el.tag not in _BLOCK and el.tag not in _NO_TEXT:  # bare text: nothing to walk
        text = el.text or ""
    elif len(el) == 1 and not el.text and el.tag not in _NO_TEXT and _lone_block(el[0], skip):
        return el[0].text  # most cells are <td><p>text</p></td>: the walk would give the same text
    else:
        parts: list[str] = []
        _walk(el, parts, skip)
        text = "".join(parts)
    return _BLANK_LINES.sub("\n", text).strip("\n") if "\n" in text else text


def _lone_block(child: etree._Element, skip: frozenset[str]) -> bool:
    """``child`` is a block leaf (not skipped, no tail) whose text is one line, not blank: the
    walk would only wrap it in line breaks, which are then stripped."""
    text = child.text
    return (len(child) == 0 and child.tag in _BLOCK and child.tag not in skip and not child.tail
            and bool(text) and "\n" not in text and not text.isspace())


def _walk(e: etree._Element, parts: list[str], skip: frozenset[str]) -> None:
    tag = e.tag.lower() if isinstance(e.tag, str) else ""
    if tag in _NO_TEXT:
        return
    block = tag in _BLOCK
    if block:
        parts.append("\n")
    if e.text:
        parts.append(e.text)
    for child in e:
        name = child.tag
        if not isinstance(name, str):  # a comment or processing instruction: its text, as any element's
            _walk(child, parts, skip)
        elif (name := name.lower()) in skip:
            pass
        elif len(child):
            _walk(child, parts, skip)
        elif name in _BLOCK:  # a leaf (most cells are <td><p>text</p></td>): written here, no call
            parts.extend(("\n", child.text or "", "\n"))
        elif child.text and name not in _NO_TEXT:
            parts.append(child.text)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")


def _span(value: str | None, limit: int) -> int:
    if value is None:
        return 1
    value = value.strip()
    if not value.isdigit():
        return 1
    return min(max(int(value), 1), limit)


def read_table(el: etree._Element, index: int) -> Table:
    """One ``<table>`` onto a grid: each cell at its first free position in its row.

    Rows are read in order, left to right, so only the positions a cell covers in
    the rows below its own are ever asked about again.
    """
    occupied: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    rows = el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.iterchildren("td", "th", "TD", "TH"):
            while (r, c) in occupied:
                c += 1
            rowspan, colspan = td.get("rowspan"), td.get("colspan")
            rowspan = 1 if rowspan is None else min(_span(rowspan, _MAX_SPAN[0]), len(rows) - r)
            colspan = 1 if colspan is None else _span(colspan, _MAX_SPAN[1])
            cells.append(Cell(cell_text(td), r, c, rowspan, colspan))
            if rowspan > 1:
                occupied.update((r + i, c + j) for i in range(1, rowspan) for j in range(colspan))
            c += colspan
    return Table(index, cells, grid=True)


def _metas(root: etree._Element) -> dict[str, str]:
    """Each meta name and property, with the content of the first meta that carries it
    (the page asked once, by compiled queries: a parsel query compiles its XPath every time)."""
    found: dict[str, str] = {}
    for meta in _METAS(root):
        for key in (meta.get("name"), meta.get("property")):
            if key is not None:
                found.setdefault(key, meta.get("content"))
    return found


def _meta(metas: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = metas.get(name)
        if value and value.strip():
            return value.strip()
    return None


def _title(root: etree._Element, metas: dict[str, str]) -> str | None:
    title = _meta(metas, _META_TITLE[:1]) or _H1(root)
    if not title:
        page_title = _TITLE(root)
        title = _TITLE_SPLIT.split(page_title)[0] if page_title else None
    return title or None


def _date_in_page(html: str) -> re.Match[str] | None:
    """``_DATE_IN_PAGE.search(html)``, tried only where its keyword stands before a colon.

    Every match starts at the keyword or two characters before it (发布/發佈); a
    plain search tries the whole pattern at every position of the page.
    """
    for key in _DATE_KEY.finditer(html):
        for start in (key.start() - 2, key.start()):
            match = _DATE_IN_PAGE.match(html, max(start, 0))
            if match:
                return match
    return None


def _published(metas: dict[str, str], html: str) -> str | None:
    value = _meta(metas, _META_DATE)
    m = re.match(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", value or "")
    if not m:
        m = _date_in_page(html[:200000])
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def _narrative(root: etree._Element) -> str:
    """The page's text without its tables, read from the tree as it stands (trafilatura gets it next)."""
    body = root.find(".//body")
    return cell_text(body if body is not None else root, skip=_NOT_NARRATIVE)


def _one_line(text: str) -> str:
    """Runs of blanks as one space; a printable text without two spaces in a row has none
    (every blank but the space is unprintable), so most cells skip the regex."""
    return text if text.isprintable() and "  " not in text else _SPACE.sub(" ", text)


def table_lines(table: Table) -> str:
    """A table as text, a line per row (``| a | b |``), as trafilatura prints the tables it keeps."""
    return "\n".join("| " + " | ".join(map(_one_line, row)) + " |" for row in table.texts() if row)


def _main_text(tree: etree._Element, tables: list[Table], elements: list[etree._Element], narrative: str) -> str:
    """trafilatura's main text, each table put back where it stood as read from the markup.

    trafilatura reads the narrative (and drops page furniture) from the already
    parsed ``tree`` (which it changes) with tables swapped for markers: extracting tables
    itself costs it two thirds of its time and flattens them worse than
    ``read_table``. A marker it dropped (a table it judged furniture) puts that
    table at the end, so no table's text is lost; with no text at all, the
    narrative stands in.
    ``elements`` are the tables' elements in ``tree``, as :func:`read_html` found them.
    """
    for table, element in zip(tables, elements):
        if element.getparent() is None:
            continue
        marker = lxml.html.Element("p")
        marker.text, marker.tail = f"{_MARKER}{table.index}{_MARKER}", element.tail
        element.getparent().replace(element, marker)
    extracted = trafilatura.extract(tree, include_tables=False, favor_precision=True, deduplicate=False, fast=True,
                                    date_extraction_params=_NO_DATES)
    text = extracted if extracted and extracted.strip() else narrative
    rendered = {str(t.index): table_lines(t) for t in tables}
    text = _MARKED.sub(lambda m: rendered.pop(m.group(1), ""), text)
    return "\n".join([text, *(r for r in rendered.values() if r)]).strip("\n")


def read_html(data: bytes, *, filename: str | None = None) -> Document:
    """An HTML page or fragment: grid tables, trafilatura text, title and date from the page."""
    html, _ = decode_html(data)
    html = _XML_DECL.sub("", html, count=1)
    if "<" not in html:
        raise ParseError("no markup in an HTML document")
    try:
        root = parse_fragment(html)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"HTML not parseable: {exc}") from exc
    return read_tree(root, lambda: html, filename=filename)


def read_tree(root: lxml.html.HtmlElement, html: Callable[[], str], *, filename: str | None = None) -> Document:
    """:func:`read_html` of a parsed tree (which trafilatura will change); ``html`` gives its markup,
    where a printed date is looked for (when the document's date is asked for)."""
    metas = _metas(root)
    elements = root.xpath(_DATA_TABLES)
    tables = [read_table(t, i) for i, t in enumerate(elements)]
    narrative = _narrative(root)
    return Document(
        "html", None, tables, filename=filename, title=_title(root, metas), narrative=narrative,
        text_factory=lambda: _main_text(root, tables, elements, narrative),
        published_factory=lambda: _published(metas, html()),
    )
