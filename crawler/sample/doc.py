"""A format-neutral document: the paragraphs and merged-cell tables every renderer writes.

Layouts (``layouts.py``) build a :class:`Document` from a report once, damage
(``damage.py``) edits it, and each writer (text, HTML, docx) only decides how a
paragraph or a cell looks. Tables list origin cells only, as HTML does; a cell
covered by a row span from above is implied by the grid.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Cell:
    """One origin cell; ``text`` may hold line breaks (a label split over lines)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    numeric: bool = False


@dataclass
class Table:
    """A Word table: rows of origin cells on a grid of ``columns`` columns."""

    rows: list[list[Cell]]
    columns: int
    widths: list[int] = field(default_factory=list)

    def grid(self) -> list[list[tuple[Cell, bool] | None]]:
        """Each grid slot as (origin cell, is_origin_row); ``None`` for a slot a colspan covers."""
        height = len(self.rows)
        slots: list[list[tuple[Cell, bool] | None]] = [[None] * self.columns for _ in range(height)]
        taken = [[False] * self.columns for _ in range(height)]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while c < self.columns and taken[r][c]:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken[r + dr][c + dc] = True
                    slots[r + dr][c] = (cell, dr == 0)
                c += cell.colspan
        return slots

    def word_rows(self) -> Iterator[list[tuple[Cell, bool]]]:
        """Rows as Word stores them: one entry per cell, vertical continuations included."""
        for row in self.grid():
            yield [slot for slot in row if slot is not None]

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row


@dataclass
class Paragraph:
    text: str
    heading: bool = False
    bookmark: str | None = None


Block = Paragraph | Table


@dataclass
class Document:
    title: str
    blocks: list[Block]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
