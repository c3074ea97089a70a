"""Random but consistent reports: every schema check holds unless one is planted.

``make_report`` draws a request matrix column by column (outcomes first, then
``new`` from the balance), appeals group by group, the active-disclosure rows of
the template, and prose that states the request count. ``inconsistent`` names a
rule to break with the smallest edit that breaks that rule alone.
"""

from __future__ import annotations

import random

from parsers.records import REQUEST_COLUMNS, ActiveRow, Indicator

from .checks import APPLICANTS, compute_checks
from .indicators2008 import INDICATORS_2008, SUMS_2008
from .labels import OUTCOME_ROWS, active_items, outcome_groups
from .narrative import SampleReport, narrative_for, stated_requests

RULES = ("requests_balance", "requests_columns", "requests_handled_sum", "appeals_totals", "narrative_matches_table")
RULES_2008 = ("indicator_sums", "narrative_matches_table")
_WEIGHTS = {"natural_person": 1.0, "commercial": 0.35, "research": 0.03, "public_interest": 0.03, "legal_service": 0.08, "other_org": 0.05}
_OUTCOME_WEIGHTS = {"granted": 6, "partly_granted": 2, "unavailable_not_held": 4, "rejected_petition": 1, "withheld_process_info": 1, "withheld_third_party": 1, "rejected_duplicate": 1}


def template_for(year: int) -> str:
    """The layout a report year was due in (re-published reports may keep an older one)."""
    return "beijing-2008" if year <= 2018 else "gb-2019" if year <= 2020 else "gb-2021"


def make_report(agency: str, region: str, year: int, template: str, rng: random.Random, inconsistent: str | None = None, published: str | None = None) -> SampleReport:
    """A report whose figures pass every check, except ``inconsistent`` if given."""
    allowed = RULES_2008 if template == "beijing-2008" else RULES
    if inconsistent is not None and inconsistent not in allowed:
        raise ValueError(f"{template} can plant one of {allowed}, not {inconsistent!r}")
    report = SampleReport(agency=agency, region=region, year=year, template=template, published=published or f"{year + 1}-01-{rng.randint(10, 28):02d}")
    report.title = f"{agency}{year}年政府信息公开工作年度报告"
    scale = rng.choice((2, 5, 12, 40, 120))
    if template == "beijing-2008":
        report.indicators = _indicators(rng, scale)
    else:
        report.requests = _requests(rng, template, scale, force=inconsistent is not None)
        report.appeals = _appeals(rng)
        report.active = _active(rng, template)
    stated = stated_requests(report)
    if inconsistent == "narrative_matches_table":
        stated += rng.randint(1, 9)
    elif inconsistent:
        _PLANT[inconsistent](report)
    report.narrative = narrative_for(report, rng, stated)
    report.planted = inconsistent
    report.summary = summary_of(report)
    report.checks = compute_checks(report, report.narrative)
    return report


def _requests(rng: random.Random, template: str, scale: int, force: bool) -> dict[str, dict[str, int]]:
    rows = [key for g in outcome_groups(template) for key, _ in g.rows if key != "handled_total"]
    data: dict[str, dict[str, int]] = {key: dict.fromkeys(REQUEST_COLUMNS, 0) for key in ("new", "carried_in", *rows, "other", "handled_total", "carried_out")}
    for col in APPLICANTS:
        expected = scale * _WEIGHTS[col]
        for row in rows:
            weight = _OUTCOME_WEIGHTS.get(row, 0.15) / 16
            data[row][col] = _poisson(rng, expected * weight)
        data["carried_in"][col] = _poisson(rng, expected * 0.05)
        data["carried_out"][col] = _poisson(rng, expected * 0.08)
    if force:  # planting needs a few non-zero cells to move
        for row in ("granted", "partly_granted", "carried_out"):
            data[row]["natural_person"] = max(1, data[row]["natural_person"])
    for col in APPLICANTS:
        if template == "gb-2021":
            data["other"][col] = sum(data[r][col] for r in ("other_no_correction", "other_fee_unpaid", "other_misc"))
        handled = sum(data[r][col] for r in OUTCOME_ROWS) + data["other"][col]
        data["handled_total"][col] = handled
        data["carried_in"][col] = min(data["carried_in"][col], handled + data["carried_out"][col])
        data["new"][col] = handled + data["carried_out"][col] - data["carried_in"][col]
    for row in data.values():
        row["total"] = sum(row[c] for c in APPLICANTS)
    return data


def _poisson(rng: random.Random, lam: float) -> int:
    """A small count with mean ``lam`` (Knuth's method; lam stays small here)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, lam**0.5)))
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _appeals(rng: random.Random) -> dict[str, dict[str, int]]:
    out = {}
    for group, lam in (("review", 0.8), ("litigation_direct", 0.6), ("litigation_after_review", 0.3)):
        parts = {"upheld": _poisson(rng, lam), "corrected": _poisson(rng, lam / 6), "other": _poisson(rng, lam / 4), "pending": _poisson(rng, lam / 3)}
        out[group] = {**parts, "total": sum(parts.values())}
    return out


def _active(rng: random.Random, template: str) -> list[ActiveRow]:
    rows: list[ActiveRow] = []
    for item in active_items(template):
        for label in item.rows:
            for col, _ in item.columns:
                rows.append(ActiveRow(item.item, label, col, _active_value(rng, col), "万元" if "amount" in col else None))
    return rows


def _active_value(rng: random.Random, column: str) -> int | float:
    if column == "procurement_amount":
        return round(rng.uniform(0.5, 2000), rng.choice((2, 4)))
    if column == "fee_amount":
        return rng.choice((0, 0, round(rng.uniform(0.1, 80), 2)))
    if column == "change":
        return rng.choice((0, 0, rng.randint(-20, 40), rng.randint(1, 500)))
    if column in ("decisions", "previous_items"):
        return rng.choice((0, rng.randint(1, 40), rng.randint(50, 2000)))
    return rng.choice((0, 0, rng.randint(1, 12)))


def _indicators(rng: random.Random, scale: int) -> list[Indicator]:
    """Figures for the 2008 table: parts drawn, parents summed, requests all answered."""
    values: dict[str, float | None] = {}
    for spec in INDICATORS_2008:
        lam = 2.0 if spec.path[0] in "二八九六" else max(1.0, scale / 3)
        values[spec.path] = None if spec.unit is None else _poisson(rng, lam)
    values.update({"七": 0, "三.(二).2": 0, "八.(四)": round(rng.uniform(0, 5), 1)})
    answered = sum(values[f"三.(三).{i}"] or 0 for i in range(1, 9) if i != 4)
    answered += sum(values[f"三.(三).4.其中{i}"] or 0 for i in range(1, 7))
    values["三.(二).1"] = answered
    channels = [0, 0, 0, 0]
    for _ in range(int(answered)):
        channels[rng.randrange(4)] += 1
    for i, n in enumerate(channels, start=1):
        values[f"三.(一).{i}"] = n
    for parent, parts in reversed(SUMS_2008):
        values[parent] = sum(values[p] or 0 for p in parts)
    return [Indicator(s.path, s.label, s.unit, values[s.path]) for s in INDICATORS_2008]


def _plant_balance(report: SampleReport) -> None:
    for col in ("natural_person", "total"):
        report.requests["carried_out"][col] += 1


def _plant_columns(report: SampleReport) -> None:
    report.requests["granted"]["natural_person"] += 1
    report.requests["partly_granted"]["natural_person"] -= 1


def _plant_handled(report: SampleReport) -> None:
    for col in ("natural_person", "total"):
        report.requests["handled_total"][col] += 1
        report.requests["carried_out"][col] -= 1


def _plant_appeals(report: SampleReport) -> None:
    report.appeals["review"]["total"] += 1


def _plant_sums(report: SampleReport) -> None:
    for ind in report.indicators:
        if ind.path == "三.(三)":
            ind.value = (ind.value or 0) + 1


_PLANT = {
    "requests_balance": _plant_balance,
    "requests_columns": _plant_columns,
    "requests_handled_sum": _plant_handled,
    "appeals_totals": _plant_appeals,
    "indicator_sums": _plant_sums,
}


def summary_of(report: SampleReport) -> dict[str, float]:
    """The cross-template figures, present only where the template has them."""
    if report.template == "beijing-2008":
        v = {i.path: i.value for i in report.indicators}
        pairs = {"requests_new": "三.(一)", "requests_handled": "三.(二)", "reviews": "四", "litigations": "五", "proactive_items": "一.(一)", "fees_collected": "七"}
        return {k: v[p] for k, p in pairs.items() if v.get(p) is not None}
    req = report.requests
    out: dict[str, float] = {
        "requests_new": req["new"]["total"],
        "requests_handled": req["handled_total"]["total"],
        "granted": req["granted"]["total"],
        "partly_granted": req["partly_granted"]["total"],
        "reviews": report.appeals["review"]["total"],
        "litigations": report.appeals["litigation_direct"]["total"] + report.appeals["litigation_after_review"]["total"],
    }
    for a in report.active:
        if a.row == "行政处罚" and a.column == "decisions":
            out["penalty_decisions"] = a.value or 0
        if a.column == "fee_amount":
            out["fees_collected"] = a.value or 0
    return out
