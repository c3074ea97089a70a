"""Rows of all tables of a report, split into label slots and value slots.

Values sit at the right end of a row in every template, while labels take a
varying number of cells on the left (a row-group label, an item, a sub-item),
so a row is read from the right: its trailing run of number-like cells are
the values, the rest are labels. Label cells left blank under a vertically
merged group (text exports) inherit the label printed above them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..labels import norm
from ..records import CellRef
from ..tables import Slot, Table
from ..values import CellValue, looks_numeric, parse_value


@dataclass
class Row:
    """One table row with where it came from."""

    document: int
    table: int
    index: int
    slots: list[Slot]
    grid: bool
    labels: list[str] = field(default_factory=list)
    values: list[Slot] = field(default_factory=list)

    def ref(self, slot: Slot) -> CellRef:
        return CellRef(self.table, slot.cell.row, slot.cell.col, self.document)

    def own_texts(self) -> list[str]:
        return [s.text for s in self.slots if not s.covered]

    def keys(self) -> list[str]:
        """Normalised text of every slot, covered ones included."""
        return self._keys

    @cached_property
    def _keys(self) -> list[str]:
        """Made once: the readers ask for a row's keys again and again."""
        return [norm(s.text) for s in self.slots]

    @cached_property
    def joined(self) -> str:
        return "".join(self.keys())


def all_rows(tables: list[tuple[int, Table]]) -> list[Row]:
    """Rows of every table in reading order; ``tables`` pairs a document index with a table."""
    out = []
    for doc, table in tables:
        for i, slots in enumerate(table.rows()):
            if slots:
                out.append(Row(doc, table.index, i, slots, table.grid))
    return out


def split_values(row: Row, max_values: int) -> None:
    """Fill ``row.values`` (the trailing number-like cells, at most ``max_values``) and ``row.labels``."""
    own = [s for s in row.slots if not s.covered]
    n = 0
    while n < len(own) and n < max_values and looks_numeric(own[len(own) - 1 - n].text):
        n += 1
    row.values = own[len(own) - n :]
    value_ids = {id(s) for s in row.values}
    row.labels = [s.text for s in row.slots if id(s) not in value_ids]


def join_broken(rows: list[Row], n_values: int) -> list[Row]:
    """Rejoin a row that a stray line break split in two: labels and a few values, then only values.

    Only for text tables, where an empty line inside a row ends the row.
    """
    out: list[Row] = []
    for row in rows:
        prev = out[-1] if out else None
        own = [s for s in row.slots if not s.covered]
        if (
            prev is not None
            and not row.grid
            and prev.table == row.table
            and own
            and all(looks_numeric(s.text) for s in own)
        ):
            split_values(prev, n_values)
            has_label = any(norm(t) for t in prev.labels)
            if has_label and 0 < len(prev.values) < n_values and len(prev.values) + len(own) == n_values:
                out[-1] = Row(prev.document, prev.table, prev.index, prev.slots + own, prev.grid)
                continue
        out.append(row)
    return out


def inherit_labels(labels: list[str], previous: list[str]) -> list[str]:
    """Blank label cells take the label above them (a vertically merged group in a text export)."""
    out = list(labels)
    for i, text in enumerate(out):
        if not norm(text) and i < len(previous) and i < len(out) - 1:
            out[i] = previous[i]
    return out


def expand_values(values: list[Slot]) -> list[tuple[Slot, CellValue]]:
    """Each value slot with its parsed value; a cell holding several numbers counts as several."""
    out: list[tuple[Slot, CellValue]] = []
    for slot in values:
        v = parse_value(slot.text)
        if v.parts:
            out.extend((slot, CellValue(p)) for p in v.parts)
        else:
            out.append((slot, v))
    return out
