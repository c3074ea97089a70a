"""Reading the number in a table cell.

Cells carry more than digits: units (42.21万元), signs (+410), full-width
digits and spaces, thousands separators, dashes or 无 for "none", and notes in
brackets. A cell that holds no readable number says why, so the record can
name it in ``problems`` instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .labels import strip_debris
from .records import Number

_NONE_MARKS = {"", "-", "--", "—", "——", "–", "/", "无", "空", "null", "none", "n/a", "na", "×", "\\"}
_UNITS = ("万元", "元", "件", "条", "项", "个", "次", "人次", "人", "篇", "家", "期", "份", "%")
_NUM = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)$")
_LEAD_NUM = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)\s*(万元|元|件|条|项|个|次|人次|人|篇|家|期|份|%)?\s*[(（].*[)）]$")
_SPACES = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_DIGIT_SEP = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")


@dataclass(frozen=True)
class CellValue:
    """A cell's number, or why there is none; ``blank`` cells mean 0 in a filled table."""

    value: Number | None
    unit: str | None = None
    blank: bool = False
    error: str | None = None
    parts: tuple[Number, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", strip_debris(text))
    text = text.replace("－", "-").replace("＋", "+").replace("−", "-")
    return _DIGIT_SEP.sub("", text).strip()


def _to_number(sign: str, digits: str) -> Number:
    value: Number = float(digits) if "." in digits else int(digits)
    return -value if sign == "-" else value


def parse_value(text: str) -> CellValue:
    """Read one cell; never raises."""
    raw = _clean(text)
    tokens = _SPACES.split(raw.strip(" \t\n\r\u3000\xa0\u200b\ufeff"))
    if len(tokens) > 1 and all(_NUM.match(t) for t in tokens):
        parts = tuple(_to_number(*_NUM.match(t).groups()) for t in tokens)  # type: ignore[union-attr]
        return CellValue(None, error=f"several numbers in one cell: {raw!r}", parts=parts)
    compact = _SPACES.sub("", raw)
    if compact.lower() in _NONE_MARKS:
        return CellValue(None, blank=True)
    if compact in {"O", "o", "〇"}:
        return CellValue(0)
    unit = None
    for u in _UNITS:
        if compact.endswith(u) and len(compact) > len(u):
            unit, compact = u, compact[: -len(u)]
            break
    m = _NUM.match(compact)
    if m:
        return CellValue(_to_number(m.group(1), m.group(2)), unit)
    m = _LEAD_NUM.match(_SPACES.sub("", raw))
    if m:
        return CellValue(_to_number(m.group(1), m.group(2)), m.group(3))
    return CellValue(None, error=f"not a number: {raw[:40]!r}")


def looks_numeric(text: str) -> bool:
    """True for cells that read as a value (including blank); used to split labels from values."""
    v = parse_value(text)
    return v.ok or bool(v.parts)


def to_wan_yuan(value: Number, unit: str | None, header_unit: str | None) -> Number:
    """Procurement amounts are always stored in 万元: 251000元 → 25.1, 42.21万元 → 42.21."""
    effective = unit or header_unit or "万元"
    if effective == "元":
        return round(value / 10000, 6)
    return value
