"""Which template a report follows, read from its table layout.

The year alone misleads (agencies used the old form late, re-published old
reports, or filled the 2021 form for 2020), so the decision rests on column
headers and row structure; the year only breaks a tie.
"""

from __future__ import annotations

from .rows import Row

_BEIJING = ("统计指标", "统计数", "主动公开政府信息数", "回应解读情况", "申请办结数", "同意公开答复数")
_GB2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "本年处理决定数量", "逾期不补正", "收费通知")
_GB2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增减", "采购项目数量")
_GB_ANY = ("本年新收政府信息公开申请", "上年结转政府信息公开申请", "予以公开", "结转下年度", "申请人情况", "自然人")


def _score(keys: set[str], words: tuple[str, ...]) -> int:
    """How many of ``words`` stand in some key (one search in the keys joined by a separator none holds)."""
    joined = "\n".join(keys)
    return sum(1 for w in words if w in joined)


def detect_template(rows: list[Row], year: int | None) -> tuple[str, str]:
    """(template, why) from the rows of all tables."""
    keys = {k for row in rows for k in row.keys() if k}
    beijing = _score(keys, _BEIJING)
    gb21 = _score(keys, _GB2021)
    gb19 = _score(keys, _GB2019)
    gb_any = _score(keys, _GB_ANY)
    if beijing >= 3 and beijing > gb21 + gb19:
        return "beijing-2008", f"{beijing} statistics-table labels"
    if gb21 > gb19:
        return "gb-2021", f"{gb21} gb-2021 labels vs {gb19} gb-2019"
    if gb19 > gb21:
        return "gb-2019", f"{gb19} gb-2019 labels vs {gb21} gb-2021"
    if gb_any >= 2:
        if any("其他处理" in k for k in keys):
            return "gb-2019", "requests table with a single 其他处理 row"
        if year is not None:
            return ("gb-2021" if year >= 2021 else "gb-2019"), "national requests table; year breaks the tie"
        return "unknown", "national requests table but no layout marker to tell 2019 from 2021"
    return "unknown", "no known table layout found"
