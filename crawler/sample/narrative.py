"""The prose around the tables: what a reader sees before, between and after them.

The record (``parsers.records.Report``) holds figures, not prose, so a sample
report carries its :class:`Narrative` beside the figures (see ``SampleReport``).
Generated prose states the number of requests received, as real reports do
("共收到政府信息公开申请N件"), so the narrative check has something to compare.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from parsers.records import Report

from .labels import SECTION_HEADINGS


@dataclass
class Narrative:
    """Paragraph lists by position; ``lead`` runs from the title to the end of section 一."""

    lead: list[str]
    problems: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    headings: tuple[str, ...] = SECTION_HEADINGS


@dataclass
class SampleReport(Report):
    """A report as the sample portal publishes it: the record plus its prose.

    ``planted`` names the consistency rule deliberately broken, if any.
    """

    narrative: Narrative | None = None
    planted: str | None = None

    def to_json(self) -> dict:
        data = super().to_json()
        data.pop("narrative", None)
        data.pop("planted", None)
        return data


WORK_SENTENCES = (
    "坚持以公开为常态、不公开为例外，围绕中心工作全面推进决策、执行、管理、服务、结果公开",
    "认真落实《中华人民共和国政府信息公开条例》，健全政务公开工作机制，明确专人负责信息审核发布",
    "依托政府网站、政务新媒体和政务公开专区及时发布政府信息，对公开目录和办事指南及时调整更新",
    "加强政策解读和回应关切，对重要政策文件做到同步起草、同步审签、同步发布解读材料",
    "严格落实保密审查制度，坚持先审查后公开、一事一审，确保公开信息合法、准确、及时",
)
_PROBLEMS = (
    "政策解读的形式还比较单一，图解、视频等解读方式运用不够。下一步将丰富解读形式，提升解读质量。",
    "重点领域信息公开的深度和时效有待提高。下一步将加强统筹，及时准确发布重点领域信息。",
    "工作人员业务能力有待提升。下一步将加强培训，提高政府信息公开工作规范化水平。",
)


def stated_requests(report: Report) -> int:
    """The count of requests received, as the prose of a consistent report states it."""
    if report.template == "beijing-2008":
        return int(next((i.value or 0 for i in report.indicators if i.path == "三.(一)"), 0))
    return int(report.requests.get("new", {}).get("total", 0))


def title_of(report: Report) -> str:
    return report.title or f"{report.agency}{report.year}年政府信息公开工作年度报告"


def _chinese_date(iso: str | None) -> str | None:
    """2020-01-14 as a signature line prints it: 2020年1月14日."""
    if not iso or len(iso) < 10:
        return None
    y, m, d = iso[:10].split("-")
    return f"{y}年{int(m)}月{int(d)}日"


def narrative_for(report: Report, rng: random.Random | None = None, stated: int | None = None) -> Narrative:
    """Plausible prose for a report; ``stated`` overrides the request count the text gives."""
    rng = rng or random.Random(f"{report.agency}{report.year}")
    count = stated_requests(report) if stated is None else stated
    year = report.year
    work = rng.sample(WORK_SENTENCES, 3)
    lead = [
        title_of(report),
        f"本报告依据《中华人民共和国政府信息公开条例》第五十条规定编制。报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    ]
    body = [
        f"{year}年，{report.agency}{work[0]}。",
        f"{work[1]}。{work[2]}。",
        f"{year}年共收到政府信息公开申请{count}件，均在法定期限内予以答复。",
    ]
    problems = rng.sample(_PROBLEMS, 2)
    other = [f"{year}年度未收取信息处理费。"]
    tail = [report.agency or "", _chinese_date(report.published) or f"{year + 1}年1月"]
    if report.template == "beijing-2008":
        return Narrative(lead=lead + ["一、概述", *body, "二、存在的不足和改进措施", *problems], tail=tail)
    return Narrative(lead=lead + [SECTION_HEADINGS[0], *body], problems=problems, other=other, tail=tail)
