"""Tables in plain text as Word's text export writes them.

A cell is a line starting with a TAB, rows are separated by blank lines, and a
cell's text may continue on following lines without a tab. Word also breaks
short labels over blank lines (结 / 果 / 维 / 持, （三）不予 / 公开): a short
untabbed block between two table rows continues the cell above it, while a
longer one (a section heading) ends the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .labels import strip_debris
from .tables import Table, table_from_rows

_MAX_CONTINUATION = 6


@dataclass
class TextLayout:
    """A text file split into narrative paragraphs and tables."""

    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if "\t" not in line and not line.strip(" \u3000\xa0\r"):
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(line.rstrip("\r"))
    if current:
        blocks.append(current)
    return blocks


def _is_continuation(line: str) -> bool:
    bare = line.strip(" \u3000\xa0")
    return 0 < len(bare) <= _MAX_CONTINUATION and "、" not in bare


class _Builder:
    def __init__(self) -> None:
        self.layout = TextLayout()
        self.rows: list[list[str]] = []
        self.in_row = False

    def end_table(self) -> None:
        if self.rows:
            self.layout.tables.append(table_from_rows(len(self.layout.tables), self.rows))
        self.rows = []
        self.in_row = False

    def add_block(self, block: list[str], table_follows: bool) -> None:
        lead = 0
        while lead < len(block) and not block[lead].startswith("\t"):
            lead += 1
        head, tail = block[:lead], block[lead:]
        joins = self.in_row and (bool(tail) or table_follows)
        if head and joins and all(_is_continuation(ln) for ln in head):
            row = self.rows[-1]
            row[-1] += "\n" + "\n".join(head)
            self._add_cells(tail, row)
            return
        if head:
            self.end_table()
            self.layout.paragraphs.append("\n".join(head))
        if tail:
            self.rows.append([])
            self.in_row = True
            self._add_cells(tail, self.rows[-1])
        else:
            self.in_row = False

    @staticmethod
    def _add_cells(lines: list[str], row: list[str]) -> None:
        for line in lines:
            if line.startswith("\t"):
                row.extend(line.split("\t")[1:])
            elif row:
                row[-1] += "\n" + line
            else:
                row.append(line)


def _table_follows(blocks: list[list[str]], start: int) -> bool:
    """True when, past short untabbed blocks, the next block holds table cells."""
    for block in blocks[start:]:
        if any(ln.startswith("\t") for ln in block):
            return all(_is_continuation(ln) for ln in block if not ln.startswith("\t")) or block[0].startswith("\t")
        if not all(_is_continuation(ln) for ln in block):
            return False
    return False


def split_text(text: str) -> TextLayout:
    """Split a text export into paragraphs and tables; never raises."""
    builder = _Builder()
    blocks = _blocks(strip_debris(text))
    for i, block in enumerate(blocks):
        builder.add_block(block, _table_follows(blocks, i + 1))
    builder.end_table()
    return builder.layout
