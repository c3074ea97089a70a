"""The consistency rules of the schema, run on the finished record.

A rule is only reported when the record has the figures it needs; a rule that
fails says which row or column broke it. Failed checks never drop a record.
"""

from __future__ import annotations

from .narrative import stated_requests
from .records import APPEAL_GROUPS, REQUEST_COLUMNS, REQUEST_ROWS, Check, Indicator, Report

_APPLICANTS = REQUEST_COLUMNS[:-1]
# Outcome rows counted once in 三(七) 总计: from 予以公开 to 三(六) 其他处理, whose gb-2021 sub-rows are in "other".
_OUTCOME_ROWS = REQUEST_ROWS[REQUEST_ROWS.index("granted"):REQUEST_ROWS.index("other") + 1]


def _cell(report: Report, row: str, col: str) -> int | None:
    return report.requests.get(row, {}).get(col)


def _verdict(rule: str, failures: list[str], evaluated: int) -> Check | None:
    if not evaluated:
        return None
    if failures:
        return Check(rule, False, "; ".join(failures))
    return Check(rule, True, f"{evaluated} evaluated")


def requests_balance(report: Report) -> Check | None:
    failures, evaluated = [], 0
    for col in REQUEST_COLUMNS:
        cells = [_cell(report, r, col) for r in ("new", "carried_in", "handled_total", "carried_out")]
        if any(c is None for c in cells):
            continue
        new, carried_in, handled, carried_out = (int(c or 0) for c in cells)
        evaluated += 1
        if new + carried_in != handled + carried_out:
            failures.append(f"{col}: {new}+{carried_in} != {handled}+{carried_out}")
    return _verdict("requests_balance", failures, evaluated)


def requests_columns(report: Report) -> Check | None:
    failures, evaluated = [], 0
    for row, cols in report.requests.items():
        if "total" not in cols or any(c not in cols for c in _APPLICANTS):
            continue
        evaluated += 1
        parts = sum(cols[c] for c in _APPLICANTS)
        if parts != cols["total"]:
            failures.append(f"{row}: total {cols['total']} != {parts}")
    return _verdict("requests_columns", failures, evaluated)


def requests_handled_sum(report: Report) -> Check | None:
    failures, evaluated = [], 0
    for col in REQUEST_COLUMNS:
        total = _cell(report, "handled_total", col)
        parts = [_cell(report, r, col) for r in _OUTCOME_ROWS]
        if total is None or any(p is None for p in parts):
            continue
        evaluated += 1
        summed = sum(int(p or 0) for p in parts)
        if summed != total:
            failures.append(f"{col}: handled_total {total} != {summed}")
    return _verdict("requests_handled_sum", failures, evaluated)


def appeals_totals(report: Report) -> Check | None:
    failures, evaluated = [], 0
    for group in APPEAL_GROUPS:
        cells = report.appeals.get(group, {})
        parts = [cells.get(o) for o in ("upheld", "corrected", "other", "pending")]
        if "total" not in cells or any(p is None for p in parts):
            continue
        evaluated += 1
        summed = sum(int(p or 0) for p in parts)
        if summed != cells["total"]:
            failures.append(f"{group}: total {cells['total']} != {summed}")
    return _verdict("appeals_totals", failures, evaluated)


def _numbered_children(report: Report) -> dict[str, list[Indicator]]:
    """Direct sub-rows of each beijing-2008 row that carry an outline number of their own."""
    children: dict[str, list[Indicator]] = {}
    for ind in report.indicators:
        parent, _, last = ind.path.rpartition(".")
        if parent and not last.startswith("其中"):
            children.setdefault(parent, []).append(ind)
    return children


def indicator_sums(report: Report) -> Check | None:
    """beijing-2008: a row with a figure equals the sum of its numbered sub-rows.

    The numbered sub-items of the statistics table split their parent
    (收到申请数 = 当面 + 传真 + 网络 + 信函, 行政复议数量 = 维持 + 纠错 + 其他); the
    unnumbered 其中 rows name only a part of it, so they are not summed. A
    blank figure in a row that has a unit counts as 0.
    """
    failures, evaluated = [], 0
    children = _numbered_children(report)
    for parent in report.indicators:
        parts = children.get(parent.path, [])
        if parent.value is None or not parts or any(p.unit is None for p in parts):
            continue
        evaluated += 1
        summed = sum(p.value or 0 for p in parts)
        if abs(summed - parent.value) > 1e-6:
            failures.append(f"{parent.path}: {parent.value} != {summed}")
    return _verdict("indicator_sums", failures, evaluated)


def _table_received(report: Report) -> tuple[int | None, int | None]:
    """Requests received per the table, and received plus carried over."""
    if report.template == "beijing-2008":
        value = report.summary.get("requests_new")
        return (int(value), None) if value is not None else (None, None)
    new = _cell(report, "new", "total")
    carried = _cell(report, "carried_in", "total")
    return new, (new + carried if new is not None and carried is not None else None)


def _counts_carried(sentence: str) -> bool:
    """The sentence counts requests carried over from last year in (含上年结转3件)."""
    return "结转" in sentence or "上年" in sentence


def narrative_matches_table(report: Report, text: str) -> Check | None:
    new, with_carried = _table_received(report)
    if new is None:
        return None
    stated = stated_requests(text)
    if not stated:
        return None
    failures = [
        f"text says {n} ({sentence[:50]}), table says {new}"
        for n, sentence in stated
        if n != new and not (n == with_carried and _counts_carried(sentence))
    ]
    return _verdict("narrative_matches_table", failures, len(stated))


def run_checks(report: Report, narrative: str) -> list[Check]:
    """Every rule that the record has the figures for."""
    found = [
        requests_balance(report),
        requests_columns(report),
        requests_handled_sum(report),
        appeals_totals(report),
        indicator_sums(report),
        narrative_matches_table(report, narrative),
    ]
    return [c for c in found if c is not None]
