"""PDF tables as grids: cell boxes onto rows and columns, and one table over page breaks.

A table finder gives each cell's bounding box; the grid is rebuilt from the
distinct box edges, so a merged cell gets its rowspan/colspan. A Word table
that runs over a page break is found as one table per page, and the pieces
need not have the same columns (the first page may hold no row that splits
the label columns), so pieces are joined as boxes before the grid is built:
the next page's piece is stacked under the previous one, a header row that
Word repeats on the new page is dropped, and a row cut by the break (its
label's last lines on the new page) is merged back into the row it belongs to.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from .tables import Cell, Table

_TOL = 2.0
_EXTENT_TOL = 4.0
_OUTLINE_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、])")
_NUMBER = re.compile(r"^[\s\u3000]*[+\-]?\d+(?:\.\d+)?\s*(?:万元|元|件|条|个|次|人)?[\s\u3000]*$")
_SPACE = re.compile(r"[\s\u3000]+")


@dataclass
class TextBox:
    """One cell as found on the page: its box (points, top-left origin) and its text."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Piece:
    """A table as found on one page; ``opens_page``/``closes_page``: no text above/below it there."""

    page: int
    boxes: list[TextBox]
    opens_page: bool = False
    closes_page: bool = False

    @property
    def top(self) -> float:
        return min(b.y0 for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.y1 for b in self.boxes)

    @property
    def left(self) -> float:
        return min(b.x0 for b in self.boxes)

    @property
    def right(self) -> float:
        return max(b.x1 for b in self.boxes)


def _edges(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    i = bisect_left(edges, v - _TOL)
    return min(i, len(edges) - 1)


def grid_from_boxes(boxes: list[TextBox], index: int) -> Table:
    """Cells with spans from bounding boxes: spans count the grid lines a box crosses."""
    xs = _edges([b.x0 for b in boxes] + [b.x1 for b in boxes])
    ys = _edges([b.y0 for b in boxes] + [b.y1 for b in boxes])
    cells = []
    for box in boxes:
        c0, c1 = _index(xs, box.x0), _index(xs, box.x1)
        r0, r1 = _index(ys, box.y0), _index(ys, box.y1)
        cells.append(Cell(box.text, r0, c0, max(r1 - r0, 1), max(c1 - c0, 1)))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(index, cells, grid=True)


def _continues(prev: Piece, piece: Piece) -> bool:
    """The next page's first table carries on the previous page's last one: nothing between, same width."""
    return (
        piece.page == prev.page + 1
        and prev.closes_page
        and piece.opens_page
        and abs(piece.left - prev.left) <= _EXTENT_TOL
        and abs(piece.right - prev.right) <= _EXTENT_TOL
    )


def _key(text: str) -> str:
    return _SPACE.sub("", text)


def _row_bands(boxes: list[TextBox]) -> list[float]:
    return _edges([b.y0 for b in boxes] + [b.y1 for b in boxes])


def _band_texts(boxes: list[TextBox], top: float, bottom: float) -> list[str]:
    """Texts of the boxes that start in a row band, left to right, without spaces."""
    return [_key(b.text) for b in sorted(boxes, key=lambda b: b.x0) if top - _TOL <= b.y0 < bottom - _TOL]


def _drop_repeated_header(table: list[TextBox], piece: list[TextBox]) -> list[TextBox]:
    """Without the leading rows that repeat the table's first rows (Word's repeated header row)."""
    mine, theirs = _row_bands(piece), _row_bands(table)
    repeated = 0
    for n in range(min(len(mine), len(theirs)) - 1):
        ours = _band_texts(piece, mine[n], mine[n + 1])
        if not any(ours) or ours != _band_texts(table, theirs[n], theirs[n + 1]):
            break
        repeated = n + 1
    if not repeated:
        return piece
    cut = mine[repeated]
    rest = [b for b in piece if b.y0 >= cut - _TOL]
    return rest if rest else piece


def _is_number(text: str) -> bool:
    return bool(text.strip()) and bool(_NUMBER.match(text))


def _overlap(a: TextBox, b: TextBox) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _pairs(upper: list[TextBox], lower: list[TextBox]) -> list[tuple[TextBox, TextBox]]:
    """Each box of the lower row with the upper box over most of its width."""
    out = []
    for box in lower:
        above = max(upper, key=lambda u: _overlap(u, box))
        if _overlap(above, box) > 0:
            out.append((above, box))
    return out


def _row_is_cut(pairs: list[tuple[TextBox, TextBox]]) -> bool:
    """The first row on the new page is the rest of the last row above it (a row broken by the page break).

    A broken row carries on over the break while some of its cells ended
    above it (or start below, when cells are centred vertically): either a
    cell's text continues on both sides (a label's last lines), or only
    figures are below, under blank cells of a labelled row (the second line
    of a figure wrapped or centred in its cell). A new row starts with an
    outline number, or puts a figure under words or under another figure
    (a data row under its header row); a figure is never split.
    """
    continued = complementary = words_below = numbers_below = words_above = False
    for up, low in pairs:
        u, w = up.text.strip(), low.text.strip()
        if _OUTLINE_START.match(w) or (u and w and (_is_number(u) or _is_number(w))):
            return False
        continued = continued or bool(u and w)
        complementary = complementary or bool(u) != bool(w)
        words_below = words_below or bool(w and not _is_number(w))
        numbers_below = numbers_below or _is_number(w)
        words_above = words_above or bool(u and not _is_number(u))
    return complementary and (continued or (numbers_below and not words_below and words_above))


def _merge_cut_row(table: list[TextBox], piece: list[TextBox]) -> list[TextBox]:
    """Merge each box of the piece's first row into the box above it; the piece's other boxes stay."""
    bottom = max(b.y1 for b in table)
    top = min(b.y0 for b in piece)
    upper = [b for b in table if abs(b.y1 - bottom) <= _TOL]
    lower = [b for b in piece if abs(b.y0 - top) <= _TOL]
    pairs = _pairs(upper, lower) if upper else []
    if len(pairs) != len(lower) or not _row_is_cut(pairs):
        return piece
    merged = {id(low) for _, low in pairs}
    for up, low in pairs:
        up.text = _join_text(up.text, low.text)
        up.y1 = max(up.y1, low.y1)
    return [b for b in piece if id(b) not in merged]


def _join_text(first: str, second: str) -> str:
    if not second.strip():
        return first
    if not first.strip():
        return second
    return first + "\n" + second


def _stack(table: list[TextBox], piece: Piece) -> None:
    """Put the piece's boxes under the table's, as one continuous table."""
    rest = _drop_repeated_header(table, piece.boxes)
    shift = max(b.y1 for b in table) - min(b.y0 for b in rest)
    boxes = [TextBox(b.x0, b.y0 + shift, b.x1, b.y1 + shift, b.text) for b in rest]
    table.extend(_merge_cut_row(table, boxes))


def join_pages(pieces: list[Piece]) -> list[Table]:
    """Tables in reading order; a table that carries on over a page break becomes one table."""
    groups: list[list[TextBox]] = []
    previous: Piece | None = None
    for piece in pieces:
        if previous is not None and groups and _continues(previous, piece):
            _stack(groups[-1], piece)
        else:
            groups.append([TextBox(b.x0, b.y0, b.x1, b.y1, b.text) for b in piece.boxes])
        previous = piece
    return [grid_from_boxes(boxes, i) for i, boxes in enumerate(groups)]
