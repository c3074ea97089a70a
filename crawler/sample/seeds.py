"""The five real seed reports, read from their Word-extracted text into sample reports.

The seeds' figures and prose are kept as written; only their tables are re-laid
by the official layouts when rendered, with the damage each seed shows (spaced
labels in 002, signed changes in 003, split labels in 004 …) so the published
forms look like the originals. Reading is positional: the tables are the
official ones, so figures come in the template's row order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from parsers.records import REQUEST_COLUMNS, ActiveRow, Indicator

from .checks import compute_checks
from .damage import Damage
from .labels import SECTION_HEADINGS, active_items, request_rows
from .narrative import Narrative, SampleReport
from .variants import summary_of


@dataclass(frozen=True)
class Seed:
    """Identity of a seed report (what the page around it states) and the damage it shows."""

    id: str
    agency: str
    region: str | None
    year: int
    published: str
    damage: Damage


SEEDS = (
    Seed("000_e0962b715bf85ce8", "北京市丰台区人民政府西罗园街道办事处", "北京市丰台区", 2019, "2020-01-21", Damage()),
    Seed("001_cd2bc9b6f9130266", "北京市东城区人民政府建国门街道办事处", "北京市东城区", 2018, "2019-03-29", Damage(fullwidth_spaces=True)),
    Seed("002_619ff23674f91ae2", "咸丰路街道办事处", None, 2019, "2020-01-13", Damage(spaced_labels=True, variant_chars=True, amount_unit="万元")),
    Seed("003_8e92e5233c244faa", "北京市大兴区西红门镇人民政府", "北京市大兴区", 2020, "2021-01-26", Damage(signed_changes=True, split_labels=True)),
    Seed("004_86514a3b0928ab2f", "北京市西城区什刹海街道", "北京市西城区", 2024, "2025-01-17", Damage(split_labels=True)),
)
SEED_BY_ID = {s.id: s for s in SEEDS}

_HEADING_KEYS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议、行政诉讼情况", "存在的主要问题", "其他需要报告的事项")
_SECTION = re.compile(r"^(\[bookmark: [^\]]+\])?[一二三四五六1-6][、.]")
_NUMBER = re.compile(r"^[+\-]?\d+(\.\d+)?$")
_BOOKMARK = re.compile(r"^\[bookmark: ([^\]]+)\]")


def seed_text(seed_id: str) -> str:
    return resources.files(__package__).joinpath("seeds", f"{seed_id}.txt").read_text(encoding="utf-8")


def load_seed(seed: Seed) -> SampleReport:
    """The seed as a sample report: its figures, its prose, its identity."""
    lines = seed_text(seed.id).splitlines()
    template = _template(lines)
    report = SampleReport(agency=seed.agency, region=seed.region, year=seed.year, published=seed.published, template=template)
    report.title = _title(lines, seed)
    if template == "beijing-2008":
        report.narrative = _narrative_2008(lines)
        report.indicators = _indicators(lines)
    else:
        marks = _headings(lines)
        report.narrative = _narrative_gb(lines, marks)
        report.active = _active(_rows(lines[marks[1] + 1 : marks[2]]), template)
        report.requests = _requests(_numbers(lines[marks[2] + 1 : marks[3]]), template)
        report.appeals = _appeals(_numbers(lines[marks[3] + 1 : min(marks[4], marks[5])]))
    report.summary = summary_of(report)
    report.checks = compute_checks(report, report.narrative)
    return report


def _template(lines: list[str]) -> str:
    text = "\n".join(lines)
    if "统 计 指 标" in text or "统计指标" in text:
        return "beijing-2008"
    return "gb-2021" if "本年制发件数" in text else "gb-2019"


def _title(lines: list[str], seed: Seed) -> str:
    """The report's own title line; a title printed over two lines is joined (agency, then year)."""
    head = [ln.strip() for ln in lines[:6] if ln.strip()]
    for n, line in enumerate(head):
        if "年度报告" in line:
            return head[n - 1] + line if line[:1].isdigit() and n else line
    return f"{seed.agency}{seed.year}年政府信息公开工作年度报告"


def _prose(lines: list[str]) -> list[str]:
    return [ln.strip(" ") for ln in lines if ln.strip() and not ln.startswith("\t")]


def _headings(lines: list[str]) -> list[int]:
    """Line index of each section heading 一 … 六 (numbering varies: 二、 or 2、).

    A section the report leaves out (seed 002 has no 六) gets the index of the
    end of the text, so the slices around it are simply empty.
    """
    marks, start = [], 0
    for key in _HEADING_KEYS:
        hits = (i for i in range(start, len(lines)) if key in lines[i] and _SECTION.match(lines[i]))
        found = next(hits, len(lines))
        marks.append(found)
        start = min(found + 1, len(lines))
    return marks


def _narrative_gb(lines: list[str], marks: list[int]) -> Narrative:
    headings = tuple(lines[i].strip() if i < len(lines) else default for i, default in zip(marks, SECTION_HEADINGS))
    missing = len(lines)
    problems = _prose(lines[marks[4] + 1 : marks[5]]) if marks[4] < missing else []
    other = _prose(lines[marks[5] + 1 :]) if marks[5] < missing else []
    tail: list[str] = []
    if marks[5] == missing:  # no 六: the signature lines close section 五
        problems, tail = problems[:-2], problems[-2:]
    return Narrative(lead=_prose(lines[: marks[1]]), problems=problems, other=other, tail=tail, headings=headings)


def _narrative_2008(lines: list[str]) -> Narrative:
    end = next(i for i, ln in enumerate(lines) if ln.strip() == "附表")
    return Narrative(lead=_prose(lines[:end]))


def _rows(lines: list[str]) -> list[list[str]]:
    """Table rows as cell texts; a line without a tab continues the cell before it."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.startswith("\t"):
            current.append(line[1:])
        elif line.strip() and (current or rows):
            target = current if current else rows[-1]
            target[-1] += "\n" + line.strip()
        elif not line.strip() and current:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def _numbers(lines: list[str]) -> list[float]:
    cells = [c.replace(" ", "").replace("\u3000", "") for row in _rows(lines) for c in row]
    return [float(c) for c in cells if _NUMBER.match(c)]


def _value(text: str) -> int | float | None:
    text = re.sub(r"[\s\u3000]", "", text)
    scale = 1.0
    if text.endswith("万元"):
        text = text[:-2]
    elif text.endswith("元"):
        text, scale = text[:-1], 1 / 10000
    if not _NUMBER.match(text):
        return None
    value = float(text) * scale
    return int(value) if value.is_integer() else round(value, 6)


def _key(label: str) -> str:
    return re.sub(r"\s", "", label).replace("釆", "采")


def _active(rows: list[list[str]], template: str) -> list[ActiveRow]:
    items = {_key(i.heading): i for i in active_items(template)}
    out: list[ActiveRow] = []
    item = None
    for row in rows:
        first = _key(row[0])
        if first in items:
            item = items[first]
            continue
        if item is None or first == "信息内容" or not row:
            continue
        cols = item.columns
        labels, values = row[: len(row) - len(cols)], row[len(row) - len(cols) :]
        name = _key(labels[-1]) if labels else ""
        for (col, _), text in zip(cols, values):
            unit = "万元" if "amount" in col else None
            out.append(ActiveRow(item.item, name, col, _value(text), unit))
    return out


def _requests(numbers: list[float], template: str) -> dict[str, dict[str, int]]:
    keys = request_rows(template)
    if len(numbers) != 7 * len(keys):
        raise ValueError(f"section 三 has {len(numbers)} figures, expected {7 * len(keys)}")
    data = {key: dict(zip(REQUEST_COLUMNS, map(int, numbers[i * 7 : i * 7 + 7]))) for i, key in enumerate(keys)}
    if template == "gb-2021":
        parts = ("other_no_correction", "other_fee_unpaid", "other_misc")
        data["other"] = {c: sum(data[p][c] for p in parts) for c in REQUEST_COLUMNS}
    return data


def _appeals(numbers: list[float]) -> dict[str, dict[str, int]]:
    if len(numbers) != 15:
        raise ValueError(f"section 四 has {len(numbers)} figures, expected 15")
    outcomes = ("upheld", "corrected", "other", "pending", "total")
    groups = ("review", "litigation_direct", "litigation_after_review")
    return {g: dict(zip(outcomes, map(int, numbers[i * 5 : i * 5 + 5]))) for i, g in enumerate(groups)}


_TOP = "一二三四五六七八九"
_SUB = re.compile(r"^（([一二三四五六七八九])）")
_NUM = re.compile(r"^(\d+)\.")


def _indicators(lines: list[str]) -> list[Indicator]:
    start = next(i for i, ln in enumerate(lines) if "统 计 指 标" in ln or "统计指标" in ln)
    out: list[Indicator] = []
    path = _PathCounter()
    for row in _rows(lines[start:])[1:]:
        if len(row) < 3:
            continue
        label = "\n".join(part.strip(" \u3000") for part in row[0].split("\n"))
        out.append(Indicator(path.next(label), label, row[1].strip(" \u3000") or None, _value(row[2])))
    return out


class _PathCounter:
    """Outline paths for printed labels: 一, 一.(一), 一.(一).1, and 其中N for unnumbered rows."""

    def __init__(self) -> None:
        self.top = self.sub = self.num = ""
        self.extra = 0

    def next(self, label: str) -> str:
        if label[:1] in _TOP and label[1:2] == "、":
            self.top, self.sub, self.num, self.extra = label[0], "", "", 0
            return self.top
        if m := _SUB.match(label):
            self.sub, self.num, self.extra = f"({m.group(1)})", "", 0
            return f"{self.top}.{self.sub}"
        if m := _NUM.match(label):
            self.num, self.extra = m.group(1), 0
            return ".".join(p for p in (self.top, self.sub, self.num) if p)
        self.extra += 1
        return ".".join(p for p in (self.top, self.sub, self.num) if p) + f".其中{self.extra}"
