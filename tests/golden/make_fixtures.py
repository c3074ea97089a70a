"""Generate golden reports in every template and input form, with real-world damage.

Used two ways: ``python tests/golden/make_fixtures.py`` writes the generated
golden cases (input + truth.json; expected.json then comes from
``pytest --update-golden`` and is reviewed by hand), and the property tests
import the builders to render random consistent tables and parse them back.

Tables are built as grids of merged cells the way the official Word forms
are laid out, then rendered as Word's text export (TAB cells, blank line per
row, vertically covered cells as empty cells), TRS-style pasted HTML
(``<td rowspan><p>…</p></td>``, ``&nbsp;`` blanks), .docx with real merges,
and .pdf / .doc through LibreOffice.
"""

from __future__ import annotations

import html as htmlmod
import json
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers.records import APPEAL_GROUPS, APPEAL_OUTCOMES, REQUEST_COLUMNS  # noqa: E402
from parsers.templates.gblabels import OFFICIAL_REQUEST_LABELS  # noqa: E402

APPLICANTS = REQUEST_COLUMNS[:-1]
GROUPS = {
    "withheld": ("（三）不予公开", [k for k in OFFICIAL_REQUEST_LABELS if k.startswith("withheld_")]),
    "unavailable": ("（四）无法提供", [k for k in OFFICIAL_REQUEST_LABELS if k.startswith("unavailable_")]),
    "rejected": ("（五）不予处理", [k for k in OFFICIAL_REQUEST_LABELS if k.startswith("rejected_")]),
}
OUTCOME_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass
class GCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    n_cols: int
    cells: list[GCell] = field(default_factory=list)
    n_rows: int = 0

    def add_row(self, items: list[tuple[str, int, int] | str], start_col: int = 0) -> None:
        """Append a row: items are text or (text, rowspan, colspan), placed at the free columns."""
        r = self.n_rows
        taken = {(c.row + i, c.col + j) for c in self.cells for i in range(c.rowspan) for j in range(c.colspan)}
        col = start_col
        for item in items:
            text, rs, cs = (item, 1, 1) if isinstance(item, str) else item
            while (r, col) in taken:
                col += 1
            self.cells.append(GCell(text, r, col, rs, cs))
            col += cs
        self.n_rows += 1


@dataclass
class Damage:
    """Real-file damage to apply while rendering."""

    blank_zeros: bool = False
    blank_totals: bool = False
    spaced_labels: bool = False
    split_labels: bool = False
    variants: bool = False
    fullwidth: bool = False
    no_check_row: bool = False
    bookmark: bool = False
    traditional: bool = False
    amount_unit: str | None = None


# ---------------------------------------------------------------- data


def random_requests(rng: random.Random, template: str) -> dict[str, list[int]]:
    """A consistent requests matrix: rows sum to totals, outcomes to handled, balance holds."""
    outcome_rows = [k for k in OFFICIAL_REQUEST_LABELS if k not in ("new", "carried_in", "handled_total", "carried_out")]
    if template == "gb-2021":
        outcome_rows.remove("other")
    else:
        outcome_rows = [k for k in outcome_rows if not k.startswith("other_")]
    m: dict[str, list[int]] = {}
    for key in outcome_rows:
        m[key] = [rng.choice([0, 0, 0, 1, 2, 5, 13]) if rng.random() < 0.4 else 0 for _ in APPLICANTS]
    handled = [sum(m[k][i] for k in outcome_rows) for i in range(6)]
    carried_in = [rng.choice([0, 0, 1, 2]) for _ in APPLICANTS]
    carried_out = [rng.choice([0, 0, 1]) for _ in APPLICANTS]
    new = [handled[i] + carried_out[i] - carried_in[i] for i in range(6)]
    for i in range(6):
        if new[i] < 0:
            carried_in[i] += new[i]
            new[i] = 0
    m.update(new=new, carried_in=carried_in, handled_total=handled, carried_out=carried_out)
    if template == "gb-2021":
        m["other"] = [sum(m[k][i] for k in ("other_no_correction", "other_fee_unpaid", "other_misc")) for i in range(6)]
    return {k: v + [sum(v)] for k, v in m.items()}


def random_appeals(rng: random.Random) -> list[int]:
    out: list[int] = []
    for _ in APPEAL_GROUPS:
        parts = [rng.choice([0, 0, 0, 1, 2, 5]) for _ in range(4)]
        out += parts + [sum(parts)]
    return out


def gb2019_active(rng: random.Random, subrows: bool) -> list[tuple[str, str | None, str, list[str]]]:
    n = lambda: str(rng.choice([0, 0, 1, 3, 12, 153]))  # noqa: E731
    sign = lambda: rng.choice(["0", "+410", "-3", "+20", "0"])  # noqa: E731
    rows = [
        ("20.1", None, "规章", [n(), n(), n()]),
        ("20.1", None, "规范性文件", [n(), n(), n()]),
        ("20.5", None, "行政许可", [n(), sign(), n()]),
    ]
    if subrows:
        rows += [("20.5", "其他对外管理服务事项", "行政检查", [n(), sign(), n()]),
                 ("20.5", "其他对外管理服务事项", "行政确认", [n(), sign(), n()])]
    else:
        rows.append(("20.5", None, "其他对外管理服务事项", [n(), sign(), n()]))
    rows += [
        ("20.6", None, "行政处罚", [n(), sign(), n()]),
        ("20.6", None, "行政强制", [n(), sign(), n()]),
        ("20.8", None, "行政事业性收费", [n(), sign()]),
        ("20.9", None, "政府集中采购", [n(), rng.choice(["42.21", "1167.3159", "5.6", "0"])]),
    ]
    return rows


def gb2021_active(rng: random.Random) -> list[tuple[str, str | None, str, list[str]]]:
    n = lambda: str(rng.choice([0, 0, 1, 3, 12, 1758]))  # noqa: E731
    return [
        ("20.1", None, "规章", [n(), n(), n()]),
        ("20.1", None, "行政规范性文件", [n(), n(), n()]),
        ("20.5", None, "行政许可", [n()]),
        ("20.6", None, "行政处罚", [n()]),
        ("20.6", None, "行政强制", [n()]),
        ("20.8", None, "行政事业性收费", [rng.choice(["0", "12.5", "3.0417"])]),
    ]


ACTIVE_HEADERS = {
    ("gb-2019", "20.1"): ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
    ("gb-2019", "20.5"): ["上一年项目数量", "本年增/减", "处理决定数量"],
    ("gb-2019", "20.6"): ["上一年项目数量", "本年增/减", "处理决定数量"],
    ("gb-2019", "20.8"): ["上一年项目数量", "本年增/减"],
    ("gb-2019", "20.9"): ["采购项目数量", "采购总金额（万元，保留四位小数）"],
    ("gb-2021", "20.1"): ["本年制发件数", "本年废止件数", "现行有效件数"],
    ("gb-2021", "20.5"): ["本年处理决定数量"],
    ("gb-2021", "20.6"): ["本年处理决定数量"],
    ("gb-2021", "20.8"): ["本年收费金额（单位：万元）"],
}
ACTIVE_KEYS = {
    "本年新制作数量": "made", "本年新公开数量": "published", "对外公开总数量": "in_force",
    "上一年项目数量": "previous_items", "本年增/减": "change", "处理决定数量": "decisions",
    "采购项目数量": "procurement_items", "采购总金额（万元，保留四位小数）": "procurement_amount",
    "本年制发件数": "made", "本年废止件数": "repealed", "现行有效件数": "in_force",
    "本年处理决定数量": "decisions", "本年收费金额（单位：万元）": "fee_amount",
}
ITEM_TITLES = {"20.1": "第二十条第（一）项", "20.5": "第二十条第（五）项", "20.6": "第二十条第（六）项",
               "20.8": "第二十条第（八）项", "20.9": "第二十条第（九）项"}


BEIJING_ROWS: list[tuple[str, str, str | None]] = [
    ("一", "一、主动公开情况", None),
    ("一.(一)", "（一）主动公开政府信息数\n（不同渠道和方式公开相同信息计1条）", "条"),
    ("一.(一).其中1", "其中：主动公开规范性文件数", "条"),
    ("一.(一).其中2", "制发规范性文件总数", "件"),
    ("一.(二)", "（二）重点领域公开政府信息数", "条"),
    ("一.(二).其中1", "其中：主动公开财政预算决算、“三公”经费和行政经费信息数", "条"),
    ("一.(三)", "（三）通过不同渠道和方式公开政府信息的情况", None),
    ("一.(三).1", "1.政府公报公开政府信息数", "条"),
    ("一.(三).2", "2.政府网站公开政府信息数", "条"),
    ("二", "二、回应解读情况", None),
    ("二.(一)", "（一）回应公众关注热点或重大舆情数", "次"),
    ("三", "三、依申请公开情况", None),
    ("三.(一)", "（一）收到申请数", "件"),
    ("三.(一).1", "1.当面申请数", "件"),
    ("三.(一).2", "2.网络申请数", "件"),
    ("三.(二)", "（二）申请办结数", "件"),
    ("三.(三)", "（三）申请答复数", "件"),
    ("三.(三).1", "1.属于已主动公开范围数", "件"),
    ("三.(三).2", "2.同意公开答复数", "件"),
    ("三.(三).3", "3.同意部分公开答复数", "件"),
    ("三.(三).4", "4.不同意公开答复数", "件"),
    ("三.(三).4.其中1", "其中：涉及国家秘密", "件"),
    ("三.(三).4.其中2", "涉及商业秘密", "件"),
    ("四", "四、行政复议数量", "件"),
    ("四.(一)", "（一）维持具体行政行为数", "件"),
    ("五", "五、行政诉讼数量", "件"),
    ("六", "六、举报投诉数量", "件"),
    ("七", "七、依申请公开信息收取的费用", "万元"),
    ("八", "八、机构建设和保障经费情况", None),
    ("八.(一)", "（一）政府信息公开工作专门机构数", "个"),
    ("八.(四)", "（四）政府信息公开专项经费", "万元"),
]


def random_indicators(rng: random.Random) -> list[tuple[str, str, str | None, float | int | None]]:
    out = []
    for path, label, unit in BEIJING_ROWS:
        value: float | int | None = None
        if unit == "万元":
            value = rng.choice([0, 0.2, 1.5])
        elif unit:
            value = rng.choice([0, 1, 2, 5, 17, 1280])
        out.append((path, label, unit, value))
    return out


# ---------------------------------------------------------------- grids


def fmt(v: object, dmg: Damage, *, total: bool = False) -> str:
    text = str(v)
    if dmg.blank_totals and total:
        return ""
    if dmg.blank_zeros and text == "0":
        return ""
    if dmg.fullwidth and text:
        return "\u3000" + text
    return text


def lab(text: str, dmg: Damage) -> str:
    if dmg.variants:
        text = text.replace("采购", "釆购")
    if dmg.spaced_labels and 4 <= len(text) <= 6 and "\n" not in text:
        text = text[:2] + " " + text[2:]
    if dmg.split_labels and len(text) == 4 and text.isalpha():
        text = "\n".join(text)
    return text


def active_grid(template: str, rows: list[tuple[str, str | None, str, list[str]]], dmg: Damage) -> Grid:
    subrows = any(parent for _, parent, _, _ in rows)
    width = 2 if subrows else 1
    g = Grid(width + 3)
    item = None
    i = 0
    while i < len(rows):
        it, parent, label, values = rows[i]
        if it != item:
            item = it
            g.add_row([(ITEM_TITLES[it], 1, g.n_cols)])
            heads = ACTIVE_HEADERS[(template, it)]
            spans = _value_spans(len(heads))
            g.add_row([("信息内容", 1, width)] + [(lab(h, dmg), 1, s) for h, s in zip(heads, spans)])
        spans = _value_spans(len(values))
        cells = [(fmt(v, dmg), 1, s) for v, s in zip(values, spans)]
        if parent:
            group = [r for r in rows[i:] if r[1] == parent]
            g.add_row([(parent, len(group), 1), lab(label, dmg)] + cells)
            for _, _, sub, vals in group[1:]:
                g.add_row([lab(sub, dmg)] + [(fmt(v, dmg), 1, s) for v, s in zip(vals, spans)], start_col=1)
            i += len(group)
            continue
        g.add_row([(lab(label, dmg), 1, width)] + cells)
        i += 1
    return g


def _value_spans(n: int) -> list[int]:
    return {3: [1, 1, 1], 2: [1, 2], 1: [3]}[n]


def requests_grid(template: str, m: dict[str, list[int]], dmg: Damage) -> Grid:
    g = Grid(10)
    corner = "" if dmg.no_check_row else "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    g.add_row([(corner, 3, 3), ("申请人情况", 1, 7)])
    g.add_row([("自然人", 2, 1), ("法人或其他组织", 1, 5), (lab("总计", dmg), 2, 1)])
    g.add_row([lab(x, dmg) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")])

    def vals(key: str) -> list[str]:
        return [fmt(v, dmg, total=(i == 6)) for i, v in enumerate(m[key])]

    L = OFFICIAL_REQUEST_LABELS
    g.add_row([(L["new"], 1, 3)] + vals("new"))
    g.add_row([(L["carried_in"], 1, 3)] + vals("carried_in"))
    six = ["other_no_correction", "other_fee_unpaid", "other_misc"] if template == "gb-2021" else []
    n_result = 2 + sum(len(k) for _, k in GROUPS.values()) + (len(six) or 1) + 1
    g.add_row([("三、本年度办理结果", n_result, 1), (L["granted"], 1, 2)] + vals("granted"))
    g.add_row([(L["partly_granted"], 1, 2)] + vals("partly_granted"))
    for title, keys in GROUPS.values():
        g.add_row([(lab(title, dmg).replace("不予公开", "不予\n公开") if dmg.split_labels else title, len(keys), 1),
                   L[keys[0]]] + vals(keys[0]))
        for k in keys[1:]:
            g.add_row([L[k]] + vals(k))
    if six:
        g.add_row([("（六）其他处理", 3, 1), L[six[0]]] + vals(six[0]))
        for k in six[1:]:
            g.add_row([L[k]] + vals(k))
    else:
        g.add_row([(L["other"], 1, 2)] + vals("other"))
    g.add_row([(L["handled_total"], 1, 2)] + vals("handled_total"))
    g.add_row([(L["carried_out"], 1, 3)] + vals("carried_out"))
    return g


def appeals_grid(values: list[int], dmg: Damage) -> Grid:
    g = Grid(15)
    g.add_row([("行政复议", 1, 5), ("行政诉讼", 1, 10)])
    g.add_row([(lab(x, dmg), 2, 1) for x in OUTCOME_LABELS] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)])
    g.add_row([lab(x, dmg) for x in OUTCOME_LABELS * 2])
    g.add_row([fmt(v, dmg, total=(i % 5 == 4)) for i, v in enumerate(values)])
    return g


def beijing_grid(year: int, rows: list[tuple[str, str, str | None, float | int | None]], dmg: Damage) -> Grid:
    g = Grid(3)
    g.add_row([("政府信息公开情况统计表", 1, 3)])
    g.add_row([(f"（{year}年度）", 1, 3)])
    g.add_row(["统 计 指 标", "单位", "统计数"])
    for _, label, unit, value in rows:
        g.add_row([label, unit or "", "" if value is None else fmt(value, Damage(fullwidth=dmg.fullwidth))])
    return g


# ---------------------------------------------------------------- documents

Block = tuple[str, object]  # ("p", text) or ("table", Grid)


@dataclass
class Spec:
    """One generated report: what the tables say, and how to damage them."""

    template: str
    agency: str
    year: int
    published: str
    requests: dict[str, list[int]] = field(default_factory=dict)
    appeals: list[int] = field(default_factory=list)
    active: list[tuple[str, str | None, str, list[str]]] = field(default_factory=list)
    indicators: list[tuple[str, str, str | None, float | int | None]] = field(default_factory=list)
    stated_requests: int | None = None
    damage: Damage = field(default_factory=Damage)
    failing: list[str] = field(default_factory=list)


def random_spec(seed: int, template: str, damage: Damage | None = None) -> Spec:
    rng = random.Random(seed)
    district = rng.choice(["朝阳区", "海淀区", "西城区", "丰台区", "通州区"])
    town = rng.choice(["建国门街道办事处", "西红门镇人民政府", "什刹海街道办事处", "统计局"])
    year = {"beijing-2008": rng.randint(2009, 2018), "gb-2019": rng.choice([2019, 2020])}.get(template, rng.randint(2021, 2025))
    spec = Spec(template, f"北京市{district}{town}", year, f"{year + 1}-01-{rng.randint(10, 28)}", damage=damage or Damage())
    if template == "beijing-2008":
        spec.indicators = random_indicators(rng)
        spec.stated_requests = next(v for p, _, _, v in spec.indicators if p == "三.(一)")  # type: ignore[assignment]
        return spec
    spec.requests = random_requests(rng, template)
    spec.appeals = random_appeals(rng)
    spec.active = gb2021_active(rng) if template == "gb-2021" else gb2019_active(rng, rng.random() < 0.5)
    spec.stated_requests = spec.requests["new"][6]
    return spec


def blocks(spec: Spec) -> list[Block]:
    d = spec.damage
    out: list[Block] = [("p", spec.agency), ("p", f"{spec.year}年政府信息公开工作年度报告")]
    intro = "本报告根据《中华人民共和国政府信息公开条例》要求编制。"
    if spec.template == "beijing-2008":
        out += [("p", intro), ("p", "一、概述"), ("p", f"{spec.year}年，本机关依法做好政府信息公开工作。"),
                ("p", f"全年共收到政府信息公开申请{spec.stated_requests}件，均已按时答复。"),
                ("p", spec.agency), ("p", spec.published.replace("-", "年", 1).replace("-", "月") + "日"),
                ("p", "附表"), ("table", beijing_grid(spec.year, spec.indicators, d))]
        return out
    out += [("p", intro), ("p", "一、总体情况"),
            ("p", f"{spec.year}年，本机关共收到政府信息公开申请{spec.stated_requests}件，均在法定期限内答复。"
                  + ("[bookmark: _GoBack]" if d.bookmark else "")),
            ("p", "二、主动公开政府信息情况"), ("table", active_grid(spec.template, spec.active, d)),
            ("p", "三、收到和处理政府信息公开申请情况"), ("table", requests_grid(spec.template, spec.requests, d)),
            ("p", "四、政府信息公开行政复议、行政诉讼情况"), ("table", appeals_grid(spec.appeals, d)),
            ("p", "五、存在的主要问题及改进情况"), ("p", "公开内容的时效性有待提高。"),
            ("p", "六、其他需要报告的事项"), ("p", "无。"), ("p", spec.agency),
            ("p", spec.published.replace("-", "年", 1).replace("-", "月") + "日")]
    return out


def covered_from_above(g: Grid, r: int) -> list[GCell]:
    return [c for c in g.cells if c.row < r < c.row + c.rowspan]


def text_table(g: Grid, split: bool) -> str:
    rows = []
    for r in range(g.n_rows):
        items = [(c.col, c.text) for c in g.cells if c.row == r] + [(c.col, "") for c in covered_from_above(g, r)]
        lines = []
        for _, text in sorted(items):
            parts = text.split("\n")
            sep = "\n\n" if split and all(len(p) <= 2 for p in parts) else "\n"
            lines.append("\t" + sep.join(parts))
        rows.append("\n".join(lines))
    return "\n\n".join(rows)


def render_text(spec: Spec) -> str:
    parts = []
    for kind, item in blocks(spec):
        parts.append(text_table(item, spec.damage.split_labels) if kind == "table" else str(item))  # type: ignore[arg-type]
    return "\n\n".join(parts) + "\n"


def html_table(g: Grid) -> str:
    rows = []
    for r in range(g.n_rows):
        tds = []
        for c in sorted((c for c in g.cells if c.row == r), key=lambda c: c.col):
            attrs = "".join(f' {k}="{v}"' for k, v in (("rowspan", c.rowspan), ("colspan", c.colspan)) if v > 1)
            body = "".join(f"<p>{htmlmod.escape(p)}</p>" for p in c.text.split("\n")) if c.text else "&nbsp;"
            tds.append(f'<td{attrs} style="width:40px;" nowrap>{body}</td>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table align="center" border="1" cellspacing="1"><tbody>' + "".join(rows) + "</tbody></table>"


def render_html(spec: Spec, charset: str = "utf-8") -> str:
    title = f"{spec.agency}{spec.year}年政府信息公开工作年度报告"
    body = "".join(html_table(item) if kind == "table" else f"<p>{htmlmod.escape(str(item))}</p>"  # type: ignore[arg-type]
                   for kind, item in blocks(spec)[2:])
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{spec.published} 09:30">'
            f"<title>{title}_北京市人民政府</title></head><body><div class=\"header\">首页 &gt; 政务公开</div>"
            f'<div class="TRS_Editor"><h1>{title}</h1>{body}</div><div class="footer">主办单位：北京市人民政府办公厅</div>'
            "</body></html>")


def render_docx(spec: Spec, path: Path) -> None:
    import docx

    document = docx.Document()
    for kind, item in blocks(spec):
        if kind == "p":
            document.add_paragraph(str(item))
            continue
        g: Grid = item  # type: ignore[assignment]
        table = document.add_table(rows=g.n_rows, cols=g.n_cols)
        table.style = "Table Grid"
        for c in g.cells:
            cell = table.cell(c.row, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            cell.text = c.text
    document.save(str(path))


def convert(src: Path, fmt_: str, outdir: Path) -> Path:
    tool = shutil.which("soffice")
    if not tool:
        raise SystemExit("soffice is needed to make .pdf and .doc fixtures")
    with tempfile.TemporaryDirectory() as home:
        subprocess.run([tool, "--headless", "--convert-to", fmt_, "--outdir", str(outdir), str(src)],
                       check=True, capture_output=True, env={"HOME": home, "PATH": "/usr/bin:/bin"})
    return outdir / (src.stem + "." + fmt_.split(":")[0])


def traditional(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2t").convert(text).replace("信息", "資訊").replace("資訊", "資訊")


# ---------------------------------------------------------------- truth


def truth(spec: Spec) -> dict[str, object]:
    """The cells the rendered tables state, in record form, for the accuracy gate."""
    out: dict[str, object] = {"template": spec.template, "year": spec.year, "failing_checks": spec.failing}
    if spec.template == "beijing-2008":
        out["indicators"] = [{"path": p, "unit": u, "value": v} for p, _, u, v in spec.indicators]
        return out
    out["requests"] = {k: dict(zip(REQUEST_COLUMNS, v)) for k, v in spec.requests.items()}
    out["appeals"] = {g: dict(zip(APPEAL_OUTCOMES, spec.appeals[i * 5 : i * 5 + 5])) for i, g in enumerate(APPEAL_GROUPS)}
    active = []
    for item, parent, row, values in spec.active:
        heads = ACTIVE_HEADERS[(spec.template, item)]
        for head, value in zip(heads, values):
            number = float(value) if "." in value else int(value)
            active.append({"item": item, "parent": parent, "row": row, "column": ACTIVE_KEYS[head], "value": number})
    out["active"] = active
    return out


# ---------------------------------------------------------------- cases


def plant(spec: Spec, rule: str) -> Spec:
    """Break one consistency rule in what the tables (or the text) state."""
    r = spec.requests
    if rule == "requests_balance":
        r["carried_out"][0] += 1
        r["carried_out"][6] += 1
    elif rule == "requests_columns":
        r["granted"][6] += 2
        spec.failing.append("requests_handled_sum")
    elif rule == "requests_handled_sum":
        r["handled_total"][0] += 1
        r["handled_total"][6] += 1
        r["new"][0] += 1
        r["new"][6] += 1
        spec.stated_requests = r["new"][6]
    elif rule == "appeals_totals":
        spec.appeals[4] += 1
    elif rule == "narrative_matches_table":
        spec.stated_requests = (spec.stated_requests or 0) + r["carried_in"][6] + 7
    spec.failing.append(rule)
    return spec


def _write(case: str, name: str, data: bytes | str, spec: Spec | None) -> Path:
    folder = HERE / case
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if spec is not None:
        (folder / "truth.json").write_text(json.dumps(truth(spec), ensure_ascii=False, indent=1) + "\n")
    return path


def _docx_bytes(spec: Spec, tmp: Path) -> Path:
    path = tmp / "input.docx"
    render_docx(spec, path)
    return path


def scanned_pdf(src_pdf: Path) -> bytes:
    import pymupdf

    src = pymupdf.open(str(src_pdf))
    out = pymupdf.open()
    for page in list(src)[:2]:
        pix = page.get_pixmap(dpi=50, colorspace=pymupdf.csGRAY)
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=pix.tobytes("jpg", jpg_quality=40))
    return bytes(out.tobytes())


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    txt = [
        ("gen-gb2019-txt-damaged", random_spec(1, "gb-2019", Damage(split_labels=True, blank_zeros=True, bookmark=True, fullwidth=True))),
        ("gen-gb2021-txt-totals-blank", random_spec(2, "gb-2021", Damage(blank_totals=True, spaced_labels=True))),
        ("gen-gb2019-txt-planted-balance", plant(random_spec(3, "gb-2019"), "requests_balance")),
        ("gen-beijing-txt", random_spec(4, "beijing-2008", Damage(fullwidth=True))),
    ]
    for case, spec in txt:
        _write(case, "input.txt", render_text(spec), spec)
    s = random_spec(5, "gb-2019", Damage(spaced_labels=True, variants=True, blank_zeros=True))
    _write("gen-gb2019-html-gbk", "input.html", render_html(s, "gb2312").encode("gb18030"), s)
    s = random_spec(6, "gb-2021", Damage(blank_zeros=True))
    page = traditional(render_html(s, "big5"))
    _write("gen-gb2021-html-big5", "input.html", page.encode("big5", errors="xmlcharrefreplace"), s)
    s = plant(random_spec(7, "gb-2021"), "narrative_matches_table")
    _write("gen-gb2021-html-planted-narrative", "input.html", render_html(s), s)
    s = plant(plant(random_spec(8, "gb-2019"), "requests_columns"), "appeals_totals")
    _write("gen-gb2019-html-planted-totals", "input.html", render_html(s), s)
    s = random_spec(9, "beijing-2008")
    _write("gen-beijing-html", "input.html", render_html(s), s)
    s = random_spec(10, "gb-2021", Damage(no_check_row=True, blank_totals=True))
    _write("gen-gb2021-html-utf8-declared-gbk", "input.html", render_html(s, "gbk"), s)
    docx_cases = [
        ("gen-gb2019-docx", random_spec(11, "gb-2019", Damage(split_labels=True))),
        ("gen-gb2021-docx-planted-handled", plant(random_spec(12, "gb-2021"), "requests_handled_sum")),
        ("gen-beijing-docx", random_spec(13, "beijing-2008")),
    ]
    for case, spec in docx_cases:
        _write(case, "input.docx", _docx_bytes(spec, tmp).read_bytes(), spec)
    pdf_cases = [
        ("gen-gb2019-pdf", random_spec(14, "gb-2019", Damage(variants=True))),
        ("gen-gb2021-pdf", random_spec(15, "gb-2021", Damage(blank_zeros=True))),
        ("gen-beijing-pdf", random_spec(16, "beijing-2008")),
    ]
    for case, spec in pdf_cases:
        pdf = convert(_docx_bytes(spec, tmp), "pdf", tmp)
        _write(case, "input.pdf", pdf.read_bytes(), spec)
    _write("gen-scanned-pdf", "input.pdf", scanned_pdf(HERE / "gen-gb2021-pdf" / "input.pdf"), None)
    s = random_spec(17, "gb-2021")
    doc = convert(_docx_bytes(s, tmp), "doc:MS Word 97", tmp)
    _write("gen-gb2021-doc", "input.doc", doc.read_bytes(), s)
    good = (HERE / "gen-gb2019-docx" / "input.docx").read_bytes()
    _write("gen-corrupt-docx", "input.docx", good[: len(good) // 3], None)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
