"""Section 三 of the national formats: requests received and handled.

Rows are identified by their labels (the most specific label of the row, with
its group labels for the ambiguous ``3.其他``); a data row whose label cannot
be read is placed by position only when exactly one official row is missing
between its identified neighbours. Blank cells in a filled table are 0; a
blank 总计 is computed from its row and marked as computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..labels import norm
from ..records import REQUEST_COLUMNS, REQUEST_ROWS, CellRef
from ..values import CellValue
from .gblabels import REQUEST_COLUMN_RULES, match_keywords, match_request_row
from .rows import Row, expand_values, inherit_labels, join_broken, split_values
from .sink import Sink

APPLICANTS = REQUEST_COLUMNS[:-1]
_HEADER_WORDS = ("自然人", "商业企业", "科研机构", "法律服务机构", "申请人情况", "勾稽关系", "法人或其他组织")
_OTHER_PARTS = ("other_no_correction", "other_fee_unpaid", "other_misc")


@dataclass
class _Data:
    row: Row
    key: str | None
    cells: dict[str, tuple[CellValue, CellRef]] = field(default_factory=dict)


def _is_header(row: Row) -> bool:
    return any(w in k for k in row.keys() for w in _HEADER_WORDS)


def _is_end(row: Row) -> bool:
    joined = row.joined
    return "行政复议" in joined or "行政诉讼" in joined or "第二十条" in joined


def find_start(rows: list[Row]) -> int | None:
    """Index of the first header or data row of the requests table."""
    for i, row in enumerate(rows):
        if _is_header(row) or "本年新收" in row.joined:
            return i
    return None


def _grid_columns(headers: list[Row]) -> dict[tuple[int, int], str]:
    """Column key per (table, grid column) from the header rows of grid tables."""
    found: dict[tuple[int, int], str] = {}
    for row in headers:
        if not row.grid:
            continue
        for slot in row.slots:
            key = norm(slot.text)
            if "法人或其他组织" in key or "申请人情况" in key:
                continue
            name = match_keywords(key, REQUEST_COLUMN_RULES)
            if name:
                found[(row.table, slot.cell.col)] = name
    return found


def _assign(data: _Data, grid_cols: dict[tuple[int, int], str], sink: Sink) -> None:
    values = expand_values(data.row.values)
    where = f"requests.{data.key}"
    if len(values) > len(REQUEST_COLUMNS):
        values = values[-len(REQUEST_COLUMNS) :]
    if len(values) < len(REQUEST_COLUMNS) and data.row.grid:
        by_col = [(grid_cols.get((data.row.table, s.cell.col)), s, v) for s, v in values]
        if all(name for name, _, _ in by_col) and len({n for n, _, _ in by_col}) == len(by_col):
            for name, slot, v in by_col:
                data.cells[str(name)] = (v, data.row.ref(slot))
            return
    if len(values) == len(REQUEST_COLUMNS) or len(values) == len(APPLICANTS):
        if len(values) == len(APPLICANTS):
            sink.problem(where, "总计 cell missing from the row; computed")
        for name, (slot, v) in zip(REQUEST_COLUMNS, values):
            data.cells[name] = (v, data.row.ref(slot))
        return
    sink.problem(where, f"row has {len(values)} value cells, expected 7; not read")


def _collect(rows: list[Row], start: int) -> tuple[list[_Data], list[Row]]:
    data: list[_Data] = []
    headers: list[Row] = []
    previous: list[str] = []
    for row in join_broken(rows[start:], len(REQUEST_COLUMNS)):
        if data and _is_end(row):
            break
        if _is_header(row):
            headers.append(row)
            continue
        split_values(row, len(REQUEST_COLUMNS))
        labels = row.labels if row.grid else inherit_labels(row.labels, previous)
        previous = labels
        named = [t for t in labels if norm(t)]
        if len(row.values) < 3:
            continue
        values = {id(s) for s in row.values}  # by identity: comparing slots field by field cost more than the rest
        own = [s.text for s in row.slots if not s.covered and id(s) not in values and norm(s.text)]
        specific = own[-1] if own else ""
        key = match_request_row(specific, named[:-1]) if specific else None
        data.append(_Data(row, key))
        if key == "carried_out":
            break
    return data, headers


def _place_unlabelled(data: list[_Data], template: str, sink: Sink) -> None:
    order = [k for k in REQUEST_ROWS if not _skip_row(k, template)]
    known = {d.key for d in data if d.key}
    labelled = [i for i, d in enumerate(data) if d.key in order]
    for i, d in enumerate(data):
        if d.key:
            continue
        lo_i = max((j for j in labelled if j < i), default=-1)
        hi_i = min((j for j in labelled if j > i), default=len(data))
        lo = order.index(str(data[lo_i].key)) + 1 if lo_i >= 0 else 0
        hi = order.index(str(data[hi_i].key)) if hi_i < len(data) else len(order)
        gap = [k for k in order[lo:hi] if k not in known]
        if len(gap) == 1 and hi_i - lo_i == 2:
            d.key = gap[0]
            known.add(gap[0])
            sink.problem(f"requests.{d.key}", "row label unreadable; identified by its position")


def _skip_row(key: str, template: str) -> bool:
    if template == "gb-2021":
        return key == "other"
    return key in _OTHER_PARTS


def read_requests(rows: list[Row], template: str, sink: Sink) -> bool:
    """Fill ``report.requests``; returns False when the report has no requests table."""
    start = find_start(rows)
    if start is None:
        return False
    data, headers = _collect(rows, start)
    if not data:
        sink.problem("requests", "requests table header found but no data rows")
        return True
    _place_unlabelled(data, template, sink)
    grid_cols = _grid_columns(headers)
    seen: set[str] = set()
    for d in data:
        if d.key is None:
            sink.problem(f"requests[row {d.row.index}]", f"row label not recognised: {' / '.join(d.row.labels)[:60]!r}")
            continue
        if d.key in seen:
            sink.problem(f"requests.{d.key}", "row appears twice; first kept")
            continue
        seen.add(d.key)
        _assign(d, grid_cols, sink)
    _store(data, sink)
    _finish(template, sink)
    return True


def _store(data: list[_Data], sink: Sink) -> None:
    filled = any(v.value not in (None,) for d in data for v, _ in d.cells.values())
    if not filled:
        sink.problem("requests", "table present but every cell is blank")
        return
    for d in data:
        if d.key is None or d.key in sink.report.requests or not d.cells:
            continue
        readable = True
        for name in REQUEST_COLUMNS:
            if name not in d.cells:
                continue
            v, ref = d.cells[name]
            if v.error:
                readable = readable and name == "total"
                sink.problem(f"requests.{d.key}.{name}", v.error)
                continue
            if v.blank and name == "total":
                continue
            if v.blank:
                sink.blank_zero()
            sink.put("requests", d.key, name, int(v.value or 0), ref)
        _complete_total(d, readable, sink)


def _complete_total(d: _Data, readable: bool, sink: Sink) -> None:
    row = sink.report.requests.get(str(d.key), {})
    if "total" in row:
        return
    if readable and all(name in row for name in APPLICANTS):
        row["total"] = sum(row[name] for name in APPLICANTS)
        sink.report.requests[str(d.key)] = row
        sink.computed(f"requests.{d.key}.total")


def _finish(template: str, sink: Sink) -> None:
    req = sink.report.requests
    for key in REQUEST_ROWS:
        if key not in req and not _skip_row(key, template):
            sink.problem(f"requests.{key}", "row not found in the table")
    parts = [req[k] for k in _OTHER_PARTS if k in req]
    if "other" not in req and len(parts) == len(_OTHER_PARTS):
        req["other"] = {c: sum(p.get(c, 0) for p in parts) for c in REQUEST_COLUMNS if all(c in p for p in parts)}
        for c in req["other"]:
            sink.computed(f"requests.other.{c}")
    ordered = {k: req[k] for k in REQUEST_ROWS if k in req}
    sink.report.requests.clear()
    sink.report.requests.update(ordered)
