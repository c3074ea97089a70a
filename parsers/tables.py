"""The table model every reader produces, whatever the file type.

HTML, .docx and PDF tables keep real grid positions and spans; text tables
(tab-prefixed cells, as Word's text export gives them) only keep the order of
cells in a row. Extractors therefore read a row as its list of slots: the
cells it holds plus, on grid tables, the cells reaching into it from above
(rowspan), which carry the row-group label (三、本年度办理结果).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass
class Cell:
    """One cell at its origin position; spans are in grid units."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


class Slot(NamedTuple):
    """A cell as seen from one row: ``covered`` when it starts in a row above.

    A tuple: a report's tables make hundreds, and a frozen dataclass is slow to build.
    """

    cell: Cell
    covered: bool = False

    @property
    def text(self) -> str:
        return self.cell.text


_new_slot = tuple.__new__


def _column(slot: Slot) -> int:
    return slot.cell.col


@dataclass
class Table:
    """A table of one file; ``index`` counts tables in that file from 0."""

    index: int
    cells: list[Cell] = field(default_factory=list)
    grid: bool = True
    _rows: list[list[Slot]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> list[list[Slot]]:
        """Slots per row in column order; covered slots only on grid tables.

        Made once: a table is complete when its reader returns it, and the
        parsers, the identity and the text each ask for its rows.
        """
        if self._rows is None:
            self._rows = self._slots()
        return self._rows

    def _slots(self) -> list[list[Slot]]:
        """Rows are sorted by column only where a slot came after one further right (the
        readers give cells row by row, left to right, so only rows under a rowspan usually);
        slots are made by ``tuple.__new__``, skipping the NamedTuple's Python-level constructor."""
        out: list[list[Slot]] = [[] for _ in range(self.n_rows)]
        unsorted: set[int] = set()
        for cell in self.cells:
            below = range(cell.row + 1, cell.row + cell.rowspan) if self.grid else range(0)
            for r, covered in ((cell.row, False), *((r, True) for r in below)):
                slots = out[r]
                if slots and slots[-1].cell.col > cell.col:
                    unsorted.add(r)
                slots.append(_new_slot(Slot, (cell, covered)))
        for r in unsorted:
            out[r].sort(key=_column)
        return out

    def texts(self, first: int | None = None) -> list[list[str]]:
        """Cell texts per row (the ``first`` rows only, if given), origin cells only."""
        return [[s.text for s in row if not s.covered] for row in self.rows()[:first]]


def table_from_rows(index: int, rows: list[list[str]], *, grid: bool = False) -> Table:
    """A table from plain rows of cell texts, one cell per position."""
    cells = [Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(index, cells, grid=grid)
