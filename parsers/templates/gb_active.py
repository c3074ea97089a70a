"""Section 二 of the national formats: active disclosure per article item.

The section is a run of small blocks: an item row (第二十条第（五）项), a column
header row (信息内容 | 上一年项目数量 | …) and data rows. Local sub-rows (行政检查,
行政确认 under 其他对外管理服务事项) keep their own label with the official row
as ``parent``. Procurement amounts are converted to 万元.
"""

from __future__ import annotations

import re

from ..labels import norm, printed
from ..records import ActiveRow
from ..values import to_wan_yuan
from .gblabels import ACTIVE_COLUMN_RULES, ITEM_NUMBERS, canonical_active_row, match_keywords
from .rows import Row, expand_values, inherit_labels, split_values
from .sink import Sink

_ITEM = re.compile(r"第二十条第([一二三四五六七八九]|\d)项")
_AMOUNTS = ("procurement_amount", "fee_amount")
_ROW_ITEMS = {
    "规章": "20.1",
    "规范性文件": "20.1",
    "行政规范性文件": "20.1",
    "行政许可": "20.5",
    "其他对外管理服务事项": "20.5",
    "行政处罚": "20.6",
    "行政强制": "20.6",
    "行政事业性收费": "20.8",
    "政府集中采购": "20.9",
}


def _item(row: Row) -> str | None:
    m = _ITEM.search(row.joined)
    if not m:
        return None
    number = m.group(1)
    return "20." + ITEM_NUMBERS.get(number, number)


def _columns(row: Row) -> list[tuple[str, str | None]] | None:
    """Column keys (with the unit a header states) when the row is a column header."""
    cols: list[tuple[str, str | None]] = []
    for slot in row.slots:
        key = norm(slot.text)
        name = match_keywords(key, ACTIVE_COLUMN_RULES)
        if name:
            unit = "万元" if "万元" in key else "元" if "元" in key else None
            cols.append((name, unit))
    return cols or None


def _is_end(row: Row) -> bool:
    joined = row.joined
    return any(w in joined for w in ("自然人", "申请人情况", "本年新收", "勾稽关系", "行政复议"))


class _ActiveReader:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.item: str | None = None
        self.columns: list[tuple[str, str | None]] = []
        self.previous: list[str] = []
        self.rows: list[ActiveRow] = []

    def feed(self, row: Row) -> None:
        item = _item(row)
        if item:
            self.item, self.columns, self.previous = item, [], []
        cols = _columns(row)
        if cols:
            self.columns = cols
            return
        if item or not self.columns:
            return
        self._data(row)

    def _data(self, row: Row) -> None:
        split_values(row, len(self.columns))
        labels = row.labels if row.grid else inherit_labels(row.labels, self.previous)
        self.previous = labels
        named = [printed(t) for t in labels if norm(t)]
        if not named:
            return
        values = expand_values(row.values)
        label = canonical_active_row(named[-1])
        parent = canonical_active_row(named[-2]) if len(named) > 1 else None
        item = self.item or _ROW_ITEMS.get(parent or label)
        if item is None:
            self.sink.problem(f"active.{label}", "row outside any 第二十条 item; not read")
            return
        where = f"active.{item}.{label}"
        if len(values) != len(self.columns):
            self.sink.problem(where, f"{len(values)} value cells for {len(self.columns)} columns; not read")
            return
        for (name, header_unit), (slot, v) in zip(self.columns, values):
            if v.error:
                self.sink.problem(f"{where}.{name}", v.error)
                continue
            value = v.value if v.value is not None else (0 if v.blank else None)
            unit = None
            if name in _AMOUNTS and value is not None:
                value = to_wan_yuan(value, v.unit, header_unit)
                unit = "万元"
            self.rows.append(ActiveRow(item, label, name, value, unit, row.ref(slot), parent))


def read_active(rows: list[Row], sink: Sink) -> bool:
    """Fill ``report.active``; returns False when there is no section 二 table."""
    reader = _ActiveReader(sink)
    started = False
    for row in rows:
        if started and _is_end(row):
            break
        if _item(row) or _columns(row):
            started = True
        if started:
            reader.feed(row)
    if not started:
        return False
    sink.report.active.extend(reader.rows)
    return True
