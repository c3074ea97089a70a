"""Beijing's 政府信息公开情况统计表 (report years 2008–2018).

Every indicator row is kept with its outline path and its label as printed,
because the table changed over the years and no fixed list covers them all.
Paths follow the printed numbering (一 / (一) / 1); unnumbered rows (其中：…
and the rows listed under it) hang under the last numbered row as 其中1, 其中2.
"""

from __future__ import annotations

import re

from ..labels import norm, printed, to_simplified
from ..records import Indicator
from ..values import parse_value
from .rows import Row
from .sink import Sink

_L1 = re.compile(r"^([一二三四五六七八九十]+)[、.．]")
_L2 = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]")
_L3 = re.compile(r"^(\d{1,2})[.．、]")
_UNIT = re.compile(r"^(条|件|次|篇|个|人|人次|万元|元|项|份|期|家|%|个数)$")


def is_statistics_table(rows: list[Row]) -> bool:
    """True when the rows hold the 统计指标 / 单位 / 统计数 table."""
    joined = "".join(r.joined for r in rows[:6])
    return "统计指标" in joined or ("统计数" in joined and "单位" in joined)


class _Outline:
    def __init__(self) -> None:
        self.levels: list[str] = []
        self.sub = 0

    def path(self, label: str) -> str:
        text = label.strip(" \u3000\xa0")
        for depth, pattern, fmt in ((0, _L1, "{}"), (1, _L2, "({})"), (2, _L3, "{}")):
            m = pattern.match(text)
            if m:
                self.levels = self.levels[:depth] + [fmt.format(m.group(1))]
                self.sub = 0
                return ".".join(self.levels)
        self.sub += 1
        return ".".join(self.levels + [f"其中{self.sub}"])


def _split(row: Row) -> tuple[str, str, str] | None:
    texts = [s.text for s in row.slots if not s.covered]
    if len(texts) < 2:
        return None
    value = texts[-1]
    unit = texts[-2] if len(texts) >= 3 else ""
    label_parts = texts[:-2] if len(texts) >= 3 else texts[:-1]
    if unit and not _UNIT.match(norm(unit)) and norm(unit):
        label_parts, unit = texts[:-1], ""
    label = " ".join(filter(None, map(printed, label_parts)))
    return (label, unit, value) if label else None


def read_indicators(rows: list[Row], sink: Sink) -> bool:
    """Fill ``report.indicators``; returns False when there is no statistics table."""
    tables = sorted({(r.document, r.table) for r in rows})
    for doc, table in tables:
        mine = [r for r in rows if (r.document, r.table) == (doc, table)]
        if is_statistics_table(mine):
            _read(mine, sink)
            return True
    return False


def _read(rows: list[Row], sink: Sink) -> None:
    outline = _Outline()
    started = False
    for row in rows:
        parts = _split(row)
        if parts is None:
            continue
        label, unit, value = parts
        if not started:
            started = "统计指标" in norm(label) or bool(_L1.match(label))
            if not started or "统计指标" in norm(label):
                continue
        path = outline.path(label)
        v = parse_value(value)
        if v.error:
            sink.problem(f"indicators.{path}", v.error)
        number = None if v.blank else v.value
        source = row.ref(row.slots[-1])
        unit = to_simplified(printed(unit))
        sink.report.indicators.append(Indicator(path, to_simplified(label), unit or None, number, source))
