"""The official table layouts, built from a report into a :class:`~.doc.Document`.

gb-2019 / gb-2021: section 二 (one table, a block per 第二十条 item), section 三
(10 grid columns: three label columns, six applicant columns and 总计) and
section 四 (15 cells under 行政复议 / 行政诉讼). beijing-2008: the three-column
统计指标 / 单位 / 统计数 table appended after the prose (附表), as Beijing printed it.
"""

from __future__ import annotations

import re

from parsers.records import REQUEST_COLUMNS, ActiveRow, Report

from . import labels as L
from .damage import Damage, amount_text, change_text, count_text, header_label, variant
from .doc import Block, Cell, Document, Paragraph, Table
from .indicators2008 import SPEC_BY_PATH
from .narrative import Narrative, narrative_for, title_of

_BOOKMARK = re.compile(r"^\[bookmark: ([^\]]+)\]")


def build_document(report: Report, damage: Damage, narrative: Narrative | None = None) -> Document:
    """The whole report, prose and tables, in reading order."""
    narrative = narrative or getattr(report, "narrative", None) or narrative_for(report)
    blocks: list[Block] = [_para(p, heading=i < 2) for i, p in enumerate(narrative.lead)]
    if report.template == "beijing-2008":
        blocks += [_para(p) for p in narrative.tail]
        blocks += [Paragraph("附表"), indicator_table(report, damage)]
    else:
        h = narrative.headings
        blocks += [Paragraph(h[1], heading=True), active_table(report, damage)]
        blocks += [Paragraph(h[2], heading=True), requests_table(report, damage)]
        blocks += [Paragraph(h[3], heading=True), appeals_table(report, damage)]
        for name, heading, paras in (("problems", h[4], narrative.problems), ("other", h[5], narrative.other)):
            if name not in damage.missing and paras:
                blocks += [Paragraph(heading, heading=True), *(_para(p) for p in paras)]
        blocks += [_para(p) for p in narrative.tail]
    if damage.goback:
        _mark_goback(blocks)
    return Document(title_of(report), blocks)


def _para(text: str, heading: bool = False) -> Paragraph:
    """A paragraph; prose carried over from Word text may open with ``[bookmark: NAME]``."""
    match = _BOOKMARK.match(text)
    if match:
        return Paragraph(text[match.end() :], heading, bookmark=match.group(1))
    return Paragraph(text, heading)


def _mark_goback(blocks: list[Block]) -> None:
    """Word leaves its _GoBack bookmark where the last edit was: near the end."""
    paras = [b for b in blocks if isinstance(b, Paragraph) and not b.heading and b.text]
    if paras:
        paras[-1 if len(paras) < 3 else -3].bookmark = "_GoBack"


def _head(text: str, damage: Damage, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(header_label(text, damage), rowspan, colspan, header=True)


def _value(text: str, colspan: int = 1) -> Cell:
    return Cell(text, 1, colspan, numeric=True)


def _active_lookup(report: Report) -> dict[tuple[str, str, str], ActiveRow]:
    return {(a.item, a.row, a.column): a for a in report.active}


def _sub_rows(report: Report) -> list[str]:
    """Local rows under 其他对外管理服务事项 (gb-2019 item 20.5), in record order."""
    known = {"行政许可", L.OTHER_SERVICE_PARENT}
    seen: list[str] = []
    for a in report.active:
        if a.item == "20.5" and a.row not in known and a.row not in seen:
            seen.append(a.row)
    return seen


def active_table(report: Report, damage: Damage) -> Table:
    items = [i for i in L.active_items(report.template) if not (i.item == "20.9" and "procurement" in damage.missing)]
    subs = _sub_rows(report) if report.template != "gb-2021" else []
    lab = 2 if subs else 1
    look = _active_lookup(report)
    rows: list[list[Cell]] = []
    slot = 0
    for item in items:
        spans = _SPANS[len(item.columns)]
        rows.append([_head(item.heading, damage, colspan=lab + 3)])
        heads = [_head(_column_header(h, damage), damage, colspan=s) for (_, h), s in zip(item.columns, spans)]
        rows.append([_head("信息内容", damage, colspan=lab), *heads])
        for label in item.rows:
            keys = subs if (label == L.OTHER_SERVICE_PARENT and subs) else [label]
            for n, key in enumerate(keys):
                if key == label:
                    row = [_head(label, damage, colspan=lab)]
                elif n == 0:
                    row = [_head(label, damage, rowspan=len(keys)), _head(key, damage)]
                else:
                    row = [_head(key, damage)]
                for (col, _), span in zip(item.columns, spans):
                    row.append(_value(_active_text(col, look.get((item.item, key, col)), damage, slot), span))
                    slot += 1
                rows.append(row)
    return Table(rows, lab + 3, [120] * lab + [90] * 3)


_SPANS = {1: (3,), 2: (1, 2), 3: (1, 1, 1)}


def _column_header(header: str, damage: Damage) -> str:
    """With the unit written in the cells, the header drops its own (采购总金额)."""
    return "采购总金额" if header == L.PROCUREMENT_HEADER and damage.amount_unit else header


def _active_text(column: str, hit: ActiveRow | None, damage: Damage, slot: int) -> str:
    value = hit.value if hit else None
    if column == "procurement_amount":
        return amount_text(value, damage)
    if column == "change":
        return change_text(value, damage, slot)
    return count_text(value, damage, slot)


def requests_table(report: Report, damage: Damage) -> Table:
    labels = L.APPLICANT_LABELS
    rows: list[list[Cell]] = [
        [_head(L.BALANCE_NOTE, damage, rowspan=3, colspan=3), _head("申请人情况", damage, colspan=7)],
        [_head(labels[0], damage, rowspan=2), _head("法人或其他组织", damage, colspan=5), _head(labels[6], damage, rowspan=2)],
        [_head(x, damage) for x in labels[1:6]],
    ]
    slot = 0

    def values(key: str) -> list[Cell]:
        nonlocal slot
        data = report.requests.get(key, {})
        out = []
        for col in REQUEST_COLUMNS:
            out.append(_value(count_text(data.get(col), damage, slot, total=col == "total")))
            slot += 1
        return out

    for key, label in L.TOP_ROWS:
        rows.append([_head(label, damage, colspan=3), *values(key)])
    groups = L.outcome_groups(report.template)
    height = sum(len(g.rows) for g in groups)
    for gi, group in enumerate(groups):
        for ri, (key, sub) in enumerate(group.rows):
            row = [_head(L.OUTCOMES_LABEL, damage, rowspan=height)] if gi == 0 and ri == 0 else []
            if not sub:
                row.append(_head(group.label, damage, colspan=2))
            else:
                row += [_head(group.label, damage, rowspan=len(group.rows))] if ri == 0 else []
                row.append(_head(sub, damage))
            rows.append(row + values(key))
    rows.append([_head(L.CARRIED_OUT[1], damage, colspan=3), *values(L.CARRIED_OUT[0])])
    return Table(rows, 10, [80, 70, 150] + [54] * 7)


def appeals_table(report: Report, damage: Damage) -> Table:
    outcomes = L.APPEAL_OUTCOME_LABELS
    rows: list[list[Cell]] = [
        [_head("行政复议", damage, colspan=5), _head("行政诉讼", damage, colspan=10)],
        [_head(x, damage, rowspan=2) for x in outcomes]
        + [_head(L.APPEAL_GROUP_LABELS["litigation_direct"], damage, colspan=5), _head(L.APPEAL_GROUP_LABELS["litigation_after_review"], damage, colspan=5)],
        [_head(x, damage) for x in outcomes * 2],
    ]
    figures: list[Cell] = []
    for group in L.APPEAL_GROUP_LABELS:
        data = report.appeals.get(group, {})
        for n, key in enumerate(("upheld", "corrected", "other", "pending", "total")):
            figures.append(_value(count_text(data.get(key), damage, len(figures), total=key == "total")))
    rows.append(figures)
    return Table(rows, 15, [40] * 15)


def indicator_table(report: Report, damage: Damage) -> Table:
    year = report.year
    rows: list[list[Cell]] = [
        [_head("政府信息公开情况统计表", damage, colspan=3)],
        [_head(f"（{year}年度）", damage, colspan=3)],
        [_head("统 计 指 标", damage), _head("单位", damage), _head("统计数", damage)],
    ]
    for n, ind in enumerate(report.indicators):
        spec = SPEC_BY_PATH.get(ind.path)
        depth = spec.depth if spec else ind.path.count(".")
        label = "  " * depth + ind.label.replace("\n", "\n" + "  " * (depth + 1))
        value = count_text(ind.value, Damage(fullwidth_spaces=damage.fullwidth_spaces), n + 1)
        rows.append([Cell(variant(label, damage), header=True), Cell(ind.unit or ""), _value(value)])
    return Table(rows, 3, [420, 60, 80])
