"""Who reported, about which year, and when.

The reported year is the year the report is about: a report published in
January 2025 is about 2024, and old reports are re-published years later, so
the year comes from the title or the text (2018年度, 统计期限自2018年1月1日起)
and falls back to the publication year minus one only when nothing says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .labels import printed, to_simplified

_TITLE_WORDS = ("年度报告", "工作报告", "年报")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?")
_YEAR_IN_TEXT = (
    re.compile(r"[(（]\s*((?:19|20)\d{2})\s*年度?\s*[)）]"),
    re.compile(r"统计期限自\s*((?:19|20)\d{2})\s*年"),
    re.compile(r"((?:19|20)\d{2})\s*年度?(?:政府)?信息公开(?:工作)?年度报告"),
    re.compile(r"((?:19|20)\d{2})\s*年1月1日起?至\s*(?:19|20)\d{2}\s*年12月31日"),
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*(?:[月\-/.]\s*(\d{1,2})\s*日?)?")
_AGENCY_END = re.compile(r"(人民政府|政府|办事处|街道|委员会|管委会|局|厅|办公室|办|委|院|中心|镇|乡|所|署|会)$")
_REPORT_TAIL = re.compile(
    r"((?:19|20)\d{2}\s*年度?)?\s*(?:政府|政务)?(?:信息)?(?:和政务)?公开(?:工作)?(?:年度)?(?:报告|年报).*$"
)
_PROVINCE = re.compile(r"^(北京市|天津市|上海市|重庆市|[\u4e00-\u9fff]{2,3}?(?:省|自治区))")
_DISTRICT = re.compile(r"^([\u4e00-\u9fff]{1,5}?(?:区|县|自治州|地区|盟|市))")


@dataclass
class Identity:
    """The identity fields of a report."""

    title: str | None = None
    agency: str | None = None
    region: str | None = None
    year: int | None = None
    published: str | None = None


def _lines(text: str) -> list[str]:
    return [printed(ln) for ln in text.splitlines() if printed(ln)]


def find_title(text: str) -> str | None:
    """The first line naming the report, joined with a preceding agency line if split."""
    lines = _lines(to_simplified(text))[:12]
    for i, line in enumerate(lines):
        if any(w in line for w in _TITLE_WORDS) and len(line) <= 80:
            if i > 0 and len(lines[i - 1]) <= 40 and _AGENCY_END.search(lines[i - 1]) and not _DATE.search(lines[i - 1]):
                return lines[i - 1] + line
            return line
    return None


def find_year(title: str | None, text: str, published: str | None) -> int | None:
    if title:
        m = _YEAR_IN_TITLE.search(to_simplified(title))
        if m:
            return int(m.group(1))
    simple = to_simplified(text)
    for pattern in _YEAR_IN_TEXT:
        m = pattern.search(simple)
        if m:
            return int(m.group(1))
    if published and published[:4].isdigit():
        return int(published[:4]) - 1
    return None


def find_agency(title: str | None) -> str | None:
    """The issuing body: the title without its year and report words."""
    if not title:
        return None
    name = _REPORT_TAIL.sub("", to_simplified(title)).strip(" ：:，,")
    name = re.sub(r"^((?:19|20)\d{2}\s*年度?)", "", name).strip()
    return name or None


def find_region(agency: str | None) -> str | None:
    """Province/city and district where the agency name states them (北京市西城区)."""
    if not agency:
        return None
    m = _PROVINCE.match(agency)
    if not m:
        return None
    region = m.group(1)
    rest = agency[len(region) :]
    d = _DISTRICT.match(rest)
    if d and len(d.group(1)) < len(rest):
        region += d.group(1)
    return region


def find_published(text: str, year: int | None) -> str | None:
    """The date signed at the end of the report (2020年1月13日, 2019年3月), ISO-formatted."""
    tail = _lines(text)[-8:]
    for line in reversed(tail):
        if len(line) > 40:
            continue
        m = _DATE.search(line)
        if not m:
            continue
        y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= mo <= 12 or (year is not None and y < year):
            continue
        return f"{y:04d}-{mo:02d}-{int(d):02d}" if d else f"{y:04d}-{mo:02d}"
    return None


def identify(text: str, prose: str, *, title: str | None, published: str | None, agency: str | None) -> Identity:
    """Identity from what the caller knows, completed from the text."""
    title = title or find_title(text)
    agency = agency or find_agency(title)
    year = find_year(title, text, published)
    published = published or find_published(prose, year)
    if year is None and published:
        year = int(published[:4]) - 1
    return Identity(title, agency, find_region(agency), year, published)
