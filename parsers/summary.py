"""Cross-template figures: the same meaning whatever the form.

Absent means not reported, never 0. For Beijing's old table the figures are
found by label (the table's rows changed over the years), for the national
forms from the requests, appeals and section 二 cells.
"""

from __future__ import annotations

from .labels import norm
from .narrative import stated_proactive
from .records import SUMMARY_KEYS, Number, Report

# summary key → (label keywords that must all occur, keywords that must not)
_BEIJING: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "proactive_items": (("主动公开政府信息数",), ("重点领域", "其中")),
    "requests_new": (("收到申请数",), ()),
    "requests_handled": (("申请办结数",), ()),
    "granted": (("同意公开答复数",), ("部分",)),
    "partly_granted": (("同意部分公开答复数",), ()),
    "reviews": (("行政复议数量",), ()),
    "litigations": (("行政诉讼数量",), ()),
    "fees_collected": (("依申请公开信息收取的费用",), ()),
}


def _find(labelled: list[tuple[str, Number]], must: tuple[str, ...], never: tuple[str, ...]) -> Number | None:
    for key, value in labelled:
        if all(w in key for w in must) and not any(w in key for w in never):
            return value
    return None


def _beijing(report: Report) -> dict[str, Number]:
    """Each figure from the first indicator with a value whose label has its keywords
    (labels normalised once, not once per figure)."""
    labelled = [(norm(ind.label), ind.value) for ind in report.indicators if ind.value is not None]
    out: dict[str, Number] = {}
    for name, (must, never) in _BEIJING.items():
        value = _find(labelled, must, never)
        if value is not None:
            out[name] = value
    return out


def _active(report: Report, row: str, column: str) -> Number | None:
    for a in report.active:
        if a.row == row and a.column == column and a.value is not None:
            return a.value
    return None


def _gb(report: Report, narrative: str) -> dict[str, Number]:
    req, app = report.requests, report.appeals
    pairs: dict[str, Number | None] = {
        "requests_new": req.get("new", {}).get("total"),
        "requests_handled": req.get("handled_total", {}).get("total"),
        "granted": req.get("granted", {}).get("total"),
        "partly_granted": req.get("partly_granted", {}).get("total"),
        "reviews": app.get("review", {}).get("total"),
        "penalty_decisions": _active(report, "行政处罚", "decisions"),
        "fees_collected": _active(report, "行政事业性收费", "fee_amount"),
        "proactive_items": stated_proactive(narrative),
    }
    direct = app.get("litigation_direct", {}).get("total")
    after = app.get("litigation_after_review", {}).get("total")
    if direct is not None and after is not None:
        pairs["litigations"] = direct + after
    return {k: v for k, v in pairs.items() if v is not None}


def build_summary(report: Report, narrative: str) -> dict[str, Number]:
    """The summary dict in the schema's key order."""
    found = _beijing(report) if report.template == "beijing-2008" else _gb(report, narrative)
    return {k: found[k] for k in SUMMARY_KEYS if k in found}
