"""The schema's consistency checks, as the sample's ground truth computes them.

The parser has its own; this copy lets the generator prove that every sample
report is consistent except for the one rule it plants, and lets the manifest
say which rule a crawl should find broken.
"""

from __future__ import annotations

import re

from parsers.records import APPEAL_GROUPS, REQUEST_COLUMNS, Check, Report

from .indicators2008 import SUMS_2008
from .labels import OUTCOME_ROWS, request_rows
from .narrative import Narrative, stated_requests

APPLICANTS = REQUEST_COLUMNS[:-1]
STATED = re.compile(r"共(?:收到|接到|受理)[^，。；\d]{0,14}?申请(?:总数为)?(\d+)件")


def _cell(report: Report, row: str, col: str) -> int:
    return int(report.requests.get(row, {}).get(col, 0) or 0)


def requests_balance(report: Report) -> Check:
    bad = [
        c
        for c in REQUEST_COLUMNS
        if _cell(report, "new", c) + _cell(report, "carried_in", c) != _cell(report, "handled_total", c) + _cell(report, "carried_out", c)
    ]
    return Check("requests_balance", not bad, f"columns off: {bad}" if bad else "")


def requests_columns(report: Report) -> Check:
    bad = [r for r in request_rows(report.template) if _cell(report, r, "total") != sum(_cell(report, r, c) for c in APPLICANTS)]
    return Check("requests_columns", not bad, f"rows off: {bad}" if bad else "")


def requests_handled_sum(report: Report) -> Check:
    rows = (*OUTCOME_ROWS, "other")
    bad = [c for c in REQUEST_COLUMNS if _cell(report, "handled_total", c) != sum(_cell(report, r, c) for r in rows)]
    return Check("requests_handled_sum", not bad, f"columns off: {bad}" if bad else "")


def appeals_totals(report: Report) -> Check:
    parts = ("upheld", "corrected", "other", "pending")
    bad = [g for g in APPEAL_GROUPS if report.appeals.get(g, {}).get("total", 0) != sum(report.appeals.get(g, {}).get(p, 0) for p in parts)]
    return Check("appeals_totals", not bad, f"groups off: {bad}" if bad else "")


def indicator_sums(report: Report) -> Check:
    values = {i.path: i.value or 0 for i in report.indicators}
    bad = [p for p, parts in SUMS_2008 if p in values and values[p] != sum(values.get(x, 0) for x in parts)]
    return Check("indicator_sums", not bad, f"rows off: {bad}" if bad else "")


def narrative_matches_table(report: Report, narrative: Narrative) -> Check:
    text = "\n".join(narrative.lead)
    found = [int(n) for n in STATED.findall(text)]
    table = stated_requests(report)
    ok = all(n == table for n in found)
    return Check("narrative_matches_table", ok, "" if ok else f"text states {found}, table {table}")


def compute_checks(report: Report, narrative: Narrative) -> list[Check]:
    if report.template == "beijing-2008":
        return [indicator_sums(report), narrative_matches_table(report, narrative)]
    return [
        requests_balance(report),
        requests_columns(report),
        requests_handled_sum(report),
        appeals_totals(report),
        narrative_matches_table(report, narrative),
    ]
