"""Section 四 of the national formats: administrative review and litigation.

The official table is one header block and a single row of 15 numbers
(复议, 未经复议直接起诉, 复议后起诉 × 维持, 纠正, 其他, 尚未审结, 总计). The order of
the outcome headers is read from the header rows when all 15 are legible;
some reports turn the table round (one row per group), which is read too.
"""

from __future__ import annotations

from ..labels import norm
from ..records import APPEAL_GROUPS, APPEAL_OUTCOMES
from ..tables import Slot
from ..values import CellValue
from .gblabels import APPEAL_GROUP_RULES, APPEAL_OUTCOME_RULES, match_keywords
from .rows import Row, expand_values, split_values
from .sink import Sink

_N = len(APPEAL_GROUPS) * len(APPEAL_OUTCOMES)
_OFFICIAL = [(g, o) for g in APPEAL_GROUPS for o in APPEAL_OUTCOMES]


def _find_header(rows: list[Row]) -> int | None:
    for i, row in enumerate(rows):
        joined = row.joined
        if "行政复议" in joined and ("行政诉讼" in joined or "起诉" in joined):
            return i
        if "行政复议" in joined and i + 1 < len(rows) and "起诉" in rows[i + 1].joined:
            return i
    return None


def _outcome_order(headers: list[Row]) -> list[tuple[str, str]]:
    """(group, outcome) per value position, from the header labels when all 15 are legible."""
    found: list[tuple[int, int, str]] = []
    for r, row in enumerate(headers):
        for s in row.slots:
            if s.covered:
                continue
            outcome = match_keywords(norm(s.text), APPEAL_OUTCOME_RULES)
            if outcome:
                found.append((s.cell.col if row.grid else 0, r * 100 + len(found), outcome))
    if len(found) != _N:
        return _OFFICIAL
    if headers and headers[0].grid:
        found.sort()
    outcomes = [o for _, _, o in found]
    order = [(APPEAL_GROUPS[i // 5], outcomes[i]) for i in range(_N)]
    if sorted(outcomes[:5]) != sorted(APPEAL_OUTCOMES):
        return _OFFICIAL
    return order


def _store(pairs: list[tuple[tuple[str, str], Slot, CellValue, Row]], sink: Sink) -> None:
    if not any(v.value is not None for _, _, v, _ in pairs):
        sink.problem("appeals", "table present but every cell is blank")
        return
    for (group, outcome), slot, v, row in pairs:
        if v.error:
            sink.problem(f"appeals.{group}.{outcome}", v.error)
        elif not (v.blank and outcome == "total"):
            sink.put("appeals", group, outcome, int(v.value or 0), row.ref(slot))
    for group in APPEAL_GROUPS:
        cells = sink.report.appeals.get(group, {})
        parts = APPEAL_OUTCOMES[:-1]
        if "total" not in cells and all(p in cells for p in parts):
            cells["total"] = sum(cells[p] for p in parts)
            sink.computed(f"appeals.{group}.total")
    for group in APPEAL_GROUPS:
        if group not in sink.report.appeals:
            sink.problem(f"appeals.{group}", "group not found in the table")


def _transposed(rows: list[Row], sink: Sink) -> bool:
    pairs = []
    for row in rows[:8]:
        split_values(row, len(APPEAL_OUTCOMES))
        group = match_keywords("".join(norm(t) for t in row.labels), APPEAL_GROUP_RULES)
        values = expand_values(row.values)
        if group and len(values) == len(APPEAL_OUTCOMES):
            pairs += [((group, o), s, v, row) for o, (s, v) in zip(APPEAL_OUTCOMES, values)]
    if len(pairs) < len(APPEAL_OUTCOMES):
        return False
    _store(pairs, sink)
    return True


def read_appeals(rows: list[Row], sink: Sink) -> bool:
    """Fill ``report.appeals``; returns False when the report has no such table."""
    start = _find_header(rows)
    if start is None:
        return False
    headers: list[Row] = []
    for row in rows[start : start + 8]:
        split_values(row, _N)
        values = expand_values(row.values)
        unlabelled = not any(norm(t) for t in row.labels)
        if len(values) >= 10 and (unlabelled or any(v.value is not None for _, v in values)):
            if len(values) != _N:
                sink.problem("appeals", f"data row has {len(values)} cells, expected 15; not read")
                return True
            order = _outcome_order(headers)
            _store([(order[i], s, v, row) for i, (s, v) in enumerate(values)], sink)
            return True
        headers.append(row)
    if _transposed(rows[start:], sink):
        return True
    sink.problem("appeals", "table header found but no data row")
    return True
