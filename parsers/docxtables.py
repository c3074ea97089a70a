"""Word .docx attachments: body text in reading order and tables with their merges.

python-docx repeats a merged cell's text in every grid position it covers
(horizontally for gridSpan, vertically for vMerge), so cells are de-duplicated
on the underlying ``w:tc`` element and its extent becomes the cell's span.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from .documents import Document
from .errors import ParseError
from .tables import Cell, Table


def read_docx_table(table: DocxTable, index: int) -> Table:
    """Grid cells of one Word table, one Cell per underlying ``w:tc``."""
    extent: dict[int, list[int]] = {}
    first: dict[int, object] = {}
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            key = id(cell._tc)
            if key not in extent:
                extent[key] = [r, c, r, c]
                first[key] = cell
            else:
                box = extent[key]
                box[2], box[3] = max(box[2], r), max(box[3], c)
    cells = []
    for key, (r0, c0, r1, c1) in extent.items():
        text = "\n".join(p.text for p in first[key].paragraphs)  # type: ignore[attr-defined]
        cells.append(Cell(text, r0, c0, r1 - r0 + 1, c1 - c0 + 1))
    return Table(index, cells, grid=True)


def _table_lines(table: Table) -> str:
    return "\n".join("\t" + "\t".join(t.replace("\n", "") for t in row) for row in table.texts())


def read_docx(data: bytes, *, filename: str | None = None) -> Document:
    """A .docx file; a file that is not a Word package is reported as corrupt."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ParseError(f"not a readable .docx: {type(exc).__name__}: {exc}") from exc
    paragraphs: list[str] = []
    parts: list[str] = []
    tables: list[Table] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, document).text
            paragraphs.append(text)
            parts.append(text)
        elif child.tag == qn("w:tbl"):
            table = read_docx_table(DocxTable(child, document), len(tables))
            tables.append(table)
            parts.append(_table_lines(table))
    return Document("docx", "\n".join(parts), tables, filename=filename, narrative="\n".join(paragraphs))
