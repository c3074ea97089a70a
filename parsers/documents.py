"""Reading one file (page body or attachment) into text and tables.

Every input type ends as a :class:`Document`: readable narrative text plus the
file's tables as grids. Bad bytes never raise: a truncated or mislabelled file
becomes a Document whose ``status`` and ``reason`` say what went wrong, so the
crawler can store the failure next to the bytes.
"""

from __future__ import annotations

import codecs
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml.html import HtmlElement

from .errors import ParseError
from .tables import Table
from .texttables import split_text

KINDS = ("html", "text", "docx", "pdf", "doc")
STATUSES = ("ok", "needs_ocr", "unsupported_format", "corrupt", "empty")


@dataclass(init=False)
class Document:
    """One file's text and tables; ``status`` is 'ok' or why it could not be read.

    ``text`` may be computed on first access (``text_factory``): trafilatura
    costs more than the rest of parsing an HTML report, and the parser itself
    only needs the tables and ``prose``. So may ``published`` (``published_factory``):
    a page body's date is searched in its markup, which is made only if asked for,
    and the page's own date usually makes it unneeded.
    """

    kind: str
    tables: list[Table]
    status: str
    reason: str
    filename: str | None
    title: str | None
    narrative: str | None
    _text: str | None = field(repr=False)
    _text_factory: Callable[[], str] | None = field(repr=False, compare=False)
    _published: str | None = field(repr=False)
    _published_factory: Callable[[], str | None] | None = field(repr=False, compare=False)

    def __init__(
        self,
        kind: str,
        text: str | None = "",
        tables: list[Table] | None = None,
        status: str = "ok",
        reason: str = "",
        filename: str | None = None,
        title: str | None = None,
        published: str | None = None,
        narrative: str | None = None,
        text_factory: Callable[[], str] | None = None,
        published_factory: Callable[[], str | None] | None = None,
    ) -> None:
        self.kind, self.tables, self.status, self.reason = kind, tables or [], status, reason
        self.filename, self.title, self.narrative = filename, title, narrative
        self._text, self._text_factory = (None if text_factory else text), text_factory
        self._published, self._published_factory = published, published_factory

    @property
    def published(self) -> str | None:
        """Publication date printed in the file, ``YYYY-MM-DD``."""
        if self._published_factory is not None:
            self._published, self._published_factory = self._published_factory(), None
        return self._published

    @property
    def text(self) -> str:
        """Readable text of the whole file (for HTML: trafilatura's, tables kept)."""
        if self._text is None:
            self._text = self._text_factory() if self._text_factory else ""
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text, self._text_factory = value, None

    @property
    def prose(self) -> str:
        """Text without the tables, for figures stated in sentences."""
        return self.narrative if self.narrative is not None else self.text


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "big5-hkscs": "big5hkscs"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes: BOM, then valid UTF-8, then the declared or meta charset, then gb18030/big5.

    Valid UTF-8 wins over a declared legacy charset because pages that declare
    gb2312 but are served as UTF-8 are common, while GBK text that happens to
    be valid UTF-8 is vanishingly rare.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    candidates: list[str | None] = [
        _codec(declared),
        _codec(m.group(1).decode("ascii", "ignore") if m else None),
        "gb18030",
        "big5",
    ]
    for codec in candidates:
        if not codec or codec == "utf-8":
            continue
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return data.decode("gb18030", errors="replace"), "gb18030"


def _sniff(data: bytes, filename: str, content_type: str | None) -> str:
    head = data[:1024].lstrip()
    lower_name = filename.lower()
    ctype = (content_type or "").lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if re.search(rb"<(?:!doctype|html|table|body|div|p)\b", head[:1024].lower()):
        return "html"
    if lower_name.endswith((".html", ".htm", ".shtml", ".xhtml")) or "html" in ctype:
        return "html"
    if lower_name.endswith(".pdf") or "pdf" in ctype:
        return "pdf"
    if lower_name.endswith(".docx"):
        return "docx"
    if lower_name.endswith((".doc", ".wps")) or "msword" in ctype:
        return "doc"
    if lower_name.endswith((".xls", ".xlsx", ".et", ".ofd", ".zip", ".rar")):
        return "other"
    return "text"


def read_text(data: bytes | str, *, filename: str | None = None) -> Document:
    """A plain-text report, tables as Word's text export writes them (TAB-prefixed cells)."""
    text = data if isinstance(data, str) else decode_html(data)[0]
    layout = split_text(text)
    return Document("text", text, layout.tables, filename=filename, narrative="\n".join(layout.paragraphs))


def _read(kind: str, data: bytes, filename: str) -> Document:
    if kind == "html":
        from .htmltables import read_html

        return read_html(data, filename=filename)
    if kind == "docx":
        from .docxtables import read_docx

        return read_docx(data, filename=filename)
    if kind == "pdf":
        from .pdftables import read_pdf

        return read_pdf(data, filename=filename)
    if kind == "doc":
        from .legacydoc import read_doc

        return read_doc(data, filename=filename)
    return read_text(data, filename=filename)


_BINARY_EXTENSIONS = {".docx": "docx", ".pdf": "pdf", ".doc": "doc"}


def read_document(data: bytes, *, filename: str, content_type: str | None = None) -> Document:
    """Read one file of any supported type; never raises.

    A .docx/.pdf/.doc whose bytes are an HTML page is the portal's error page
    served in its place (文件不存在…): corrupt, not a report.
    """
    if not data or not data.strip():
        return Document("text", status="empty", reason="no bytes", filename=filename)
    kind = _sniff(data, filename, content_type)
    expected = _BINARY_EXTENSIONS.get(Path(filename).suffix.lower())
    if expected and kind in ("html", "text"):
        return Document(expected, status="corrupt", filename=filename,
                        reason=f"not a {expected} file: the server sent {'an HTML page' if kind == 'html' else 'text'}")
    if kind == "other":
        return Document("text", status="unsupported_format", reason=f"not a report format: {filename}", filename=filename)
    return _checked(kind, filename, lambda: _read(kind, data, filename))


def read_page_body(body: HtmlElement, html: Callable[[], str], filename: str = "body.html") -> Document:
    """A report page's body element, from the tree its page was parsed into, read as an HTML
    document; ``html`` gives its markup (``DetailPage.body_html``), made only if the date is asked for."""
    from .htmltables import read_tree

    def read() -> Document:
        root = copy.deepcopy(body)  # trafilatura changes the tree it reads
        root.tail = None
        return read_tree(root, html, filename=filename)

    return _checked("html", filename, read)


def _checked(kind: str, filename: str, read: Callable[[], Document]) -> Document:
    """``read()``, its failure as a corrupt document, and a document with nothing in it as empty."""
    try:
        doc = read()
    except ParseError as exc:
        return Document(kind, status="corrupt", reason=str(exc), filename=filename)
    except Exception as exc:  # noqa: BLE001 - third-party readers raise anything on bad bytes
        return Document(kind, status="corrupt", reason=f"{type(exc).__name__}: {exc}"[:300], filename=filename)
    if doc.status == "ok" and not doc.prose.strip() and not doc.tables:
        doc.status, doc.reason = "empty", "no text and no tables"
    return doc
