"""Held-out evaluation: reports from the sample's independent generator, parsed and scored.

``crawler/sample`` was written without looking at the parser: ``variants.make_report``
draws consistent figures (with an optional planted inconsistency), ``damage``
spoils their spelling, ``render`` writes the four forms real reports come in.
This module makes N reports per template plus the five real seeds, renders
each as text, HTML (a full detail page of a random portal, simplified in utf-8
or gbk, and its traditional big5-gateway twin), .docx and, when LibreOffice is
installed, PDF and legacy .doc (a share of the Word files with repeated header
rows, vertically centred cells or A4 paper with 公文 margins: habits of real
reports the renderer leaves out, which move rows across page breaks), parses
every file with no hints from the caller, and compares every cell, the
template, the identity, the cross-template summary and the checks with the
report that was rendered. Cases are drawn from seeded random generators, so a
run is reproducible; PDF and .doc conversions are cached by content.

Used by ``tests/test_parse_heldout.py`` (the gate) and as a script:
``.venv/bin/python tests/heldout_eval.py --per-template 40 [--seed N] [--forms text,html,html-tw,docx,pdf,doc] [--cache DIR] [--failures]``.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
import opencc  # noqa: E402
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.shared import Mm  # noqa: E402

from crawler.sample import render  # noqa: E402
from crawler.sample.catalog import Entry  # noqa: E402
from crawler.sample.checks import STATED  # noqa: E402
from crawler.sample.chrome import CURRENT_FURNITURE  # noqa: E402
from crawler.sample.damage import MISSABLE, Damage  # noqa: E402
from crawler.sample.narrative import SampleReport  # noqa: E402
from crawler.sample.pages import detail_page  # noqa: E402
from crawler.sample.seeds import SEEDS, load_seed  # noqa: E402
from crawler.sample.variants import RULES, RULES_2008, make_report  # noqa: E402
from parsers.documents import read_document  # noqa: E402
from parsers.records import Report  # noqa: E402
from parsers.report import parse_report  # noqa: E402

TEMPLATES = ("beijing-2008", "gb-2019", "gb-2021")
FORMS = ("text", "html", "html-tw", "docx", "pdf", "doc")
OFFICE_FORMS = ("pdf", "doc")
YEARS = {"beijing-2008": range(2008, 2019), "gb-2019": range(2019, 2021), "gb-2021": range(2021, 2025)}
# (agency, region as the schema wants it); the last has no region in its name.
AGENCIES = (
    ("北京市东城区人民政府", "北京市东城区"),
    ("北京市统计局", "北京市"),
    ("北京市发展和改革委员会", "北京市"),
    ("北京市海淀区人民政府学院路街道办事处", "北京市海淀区"),
    ("北京市朝阳区教育委员会", "北京市朝阳区"),
    ("北京市通州区统计局", "北京市通州区"),
    ("北京市门头沟区人民政府", "北京市门头沟区"),
    ("北京市大兴区西红门镇人民政府", "北京市大兴区"),
    ("北京市西城区什刹海街道", "北京市西城区"),
    ("上海市浦东新区人民政府", "上海市浦东新区"),
    ("天津市和平区市场监督管理局", "天津市和平区"),
    ("咸丰路街道办事处", None),
)
PORTALS = ("beijing", "fgw", "zdb", "dongcheng", "legacy", "generic")
# Planting these breaks only the 总计 cells, which blank_total erases from the file.
_NEEDS_TOTALS = ("requests_columns", "appeals_totals")


@dataclass
class Case:
    """One report to render: the truth, how its files are spoiled, how they are published."""

    key: str
    truth: SampleReport
    damage: Damage
    portal: str
    gbk: bool
    big5: bool
    real: bool = False
    repeat_header: bool = False
    centred: bool = False
    a4: bool = False


@dataclass
class Outcome:
    """The score of one parsed file against its truth."""

    case: str
    form: str
    template: str
    real: bool
    cells: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    template_ok: bool = True
    identity_misses: list[str] = field(default_factory=list)
    summary_misses: list[str] = field(default_factory=list)
    check_misses: list[str] = field(default_factory=list)
    planted: str | None = None
    planted_found: bool = True
    seconds: float = 0.0


# ---------------------------------------------------------------- cases


def _damage(rng: random.Random, planted: str | None) -> Damage:
    coin = lambda p: rng.random() < p  # noqa: E731
    return Damage(
        split_labels=coin(0.3),
        spaced_labels=coin(0.3),
        variant_chars=coin(0.3),
        amount_unit=rng.choice((None, None, "万元", "元")),
        signed_changes=coin(0.3),
        blank_zeros=coin(0.3),
        blank_total=coin(0.2) and planted not in _NEEDS_TOTALS,
        goback=coin(0.3),
        fullwidth_spaces=coin(0.3),
        missing=frozenset(m for m in sorted(MISSABLE) if coin(0.2)),
    )


def _year(rng: random.Random, template: str) -> int:
    """Mostly the template's own years; now and then a late or early adopter (gb forms)."""
    if template == "gb-2019" and rng.random() < 0.15:
        return 2021
    if template == "gb-2021" and rng.random() < 0.15:
        return 2020
    return rng.choice(YEARS[template])


def generated_cases(per_template: int, seed: int = 0) -> list[Case]:
    """N reports per template; in turn consistent or with one planted inconsistency of each rule."""
    cases = []
    for template in TEMPLATES:
        plants = (None, *(RULES_2008 if template == "beijing-2008" else RULES))
        for i in range(per_template):
            rng = random.Random(f"heldout-{seed}-{template}-{i}")
            agency, region = rng.choice(AGENCIES)
            planted = plants[i % len(plants)]
            damage = _damage(rng, planted)
            year = _year(rng, template)
            published = f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(10, 28):02d}"
            truth = make_report(agency, region or "", year, template, rng, planted, published)
            truth.region = region
            case = Case(f"{template}-{i:03d}", truth, damage, rng.choice(PORTALS), rng.random() < 0.3, rng.random() < 0.5)
            case.repeat_header, case.centred, case.a4 = rng.random() < 0.4, rng.random() < 0.4, rng.random() < 0.5
            cases.append(case)
    return cases


def seed_cases() -> list[Case]:
    """The five real reports (their figures and prose) in every form, with the damage each shows."""
    out = []
    for n, seed in enumerate(SEEDS):
        truth = load_seed(seed)
        out.append(Case(f"seed-{seed.id[:3]}", truth, seed.damage, PORTALS[n % len(PORTALS)], n % 2 == 1, n % 2 == 0, real=True))
    return out


# ---------------------------------------------------------------- rendering


def _entry(case: Case) -> Entry:
    t = case.truth
    return Entry(case.key, case.portal, t.agency or "", t.region, "code", t.year or 2020, t.published or "2020-01-15", 1000 + len(case.key), gbk=case.gbk)


def page_bytes(case: Case, traditional: bool) -> bytes:
    entry = _entry(case)
    title = case.truth.title or ""
    body = render.render_html(case.truth, case.damage, traditional=traditional)
    page = detail_page(entry, title, body, CURRENT_FURNITURE, entry.page_path())
    if not traditional:
        return page.encode("gbk", "xmlcharrefreplace") if case.gbk else page.encode("utf-8")
    page = render.to_traditional(page)
    if not case.big5:
        return page.encode("utf-8")
    page = re.sub(r"charset=([\"']?)(?:utf-8|gb2312)", r"charset=\1big5", page)
    return page.encode("big5", "xmlcharrefreplace")


def word_styles(data: bytes, case: Case) -> bytes:
    """Habits of real Word reports the renderer leaves out: header rows repeated on every page
    (表头重复), cells centred vertically (moves figures across a page break), and A4 paper with
    the official-document margins (公文: 37/35/28/26 mm), which moves the page breaks."""
    if not (case.repeat_header or case.centred or case.a4):
        return data
    word = docx.Document(io.BytesIO(data))
    for section in word.sections if case.a4 else ():
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    for table in word.tables:
        heads = 3 if len(table.columns) in (3, 10, 15) else 0
        for n, row in enumerate(table.rows):
            if case.repeat_header and n < heads:
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for cell in row.cells if case.centred else ():
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def office_convert(docx: dict[str, bytes], fmt: str, cache: Path) -> dict[str, bytes]:
    """.docx files converted by LibreOffice in one run, cached by content under ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    out: dict[str, bytes] = {}
    todo: dict[str, str] = {}
    for key, data in docx.items():
        digest = hashlib.sha256(data).hexdigest()[:24]
        hit = cache / f"{digest}.{fmt}"
        if hit.exists():
            out[key] = hit.read_bytes()
        else:
            todo[key] = digest
    if todo:
        _convert_batch({todo[k]: docx[k] for k in todo}, fmt, cache)
        for key, digest in todo.items():
            hit = cache / f"{digest}.{fmt}"
            if hit.exists():
                out[key] = hit.read_bytes()
    return out


def _convert_batch(files: dict[str, bytes], fmt: str, cache: Path) -> None:
    exe = render.soffice_path()
    if not exe:
        return
    filters = {"pdf": "pdf:writer_pdf_Export", "doc": "doc:MS Word 97"}
    with tempfile.TemporaryDirectory(prefix="heldout-office-") as tmp:
        names = []
        for digest, data in files.items():
            (Path(tmp) / f"{digest}.docx").write_bytes(data)
            names.append(str(Path(tmp) / f"{digest}.docx"))
        for start in range(0, len(names), 40):
            cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", filters[fmt], "--outdir", tmp, *names[start : start + 40]]
            subprocess.run(cmd, capture_output=True, timeout=1800, check=False)
        for digest in files:
            made = Path(tmp) / f"{digest}.{fmt}"
            if made.exists():
                shutil.move(str(made), cache / f"{digest}.{fmt}")


def render_forms(cases: list[Case], forms: Iterable[str], cache: Path) -> dict[tuple[str, str], tuple[str, bytes]]:
    """(case key, form) → (filename, bytes) for every form that could be made."""
    forms = list(forms)
    files: dict[tuple[str, str], tuple[str, bytes]] = {}
    docx: dict[str, bytes] = {}
    for case in cases:
        if "text" in forms:
            files[(case.key, "text")] = ("report.txt", render.render_text(case.truth, case.damage).encode("utf-8"))
        if "html" in forms:
            files[(case.key, "html")] = ("t20200115_1.html", page_bytes(case, traditional=False))
        if "html-tw" in forms:
            files[(case.key, "html-tw")] = ("t20200115_1.html", page_bytes(case, traditional=True))
        docx[case.key] = word_styles(render.render_docx(case.truth, case.damage), case)
        if "docx" in forms:
            files[(case.key, "docx")] = ("P020200115.docx", docx[case.key])
    for fmt in OFFICE_FORMS:
        if fmt in forms and render.soffice_path():
            for key, data in office_convert(docx, fmt, cache).items():
                files[(key, fmt)] = (f"P020200115.{fmt}", data)
    return files


# ---------------------------------------------------------------- scoring

Key = tuple[object, ...]


_T2S = opencc.OpenCC("t2s")
_DATE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(?:(\d{1,2})日)?")


def _label(text: str | None) -> str:
    """A label compared whatever its script or spacing (the gateway twin prints 條, 資訊)."""
    text = _T2S.convert(unicodedata.normalize("NFKC", text or "")).replace("资讯", "信息").replace("釆", "采")
    return re.sub(r"\s+", "", text)


def expected_published(case: Case, form: str) -> str | None:
    """The publication date the file shows: the page's date, else the date signed under the text."""
    if form.startswith("html"):
        return case.truth.published
    narrative = case.truth.narrative
    lines = [*narrative.lead, *narrative.problems, *narrative.other, *narrative.tail] if narrative else []
    for line in reversed(lines[-4:]):
        m = _DATE.search(line)
        if m and len(line) <= 40:
            y, mo, d = m.groups()
            return f"{int(y):04d}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    return None


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def truth_cells(case: Case) -> dict[Key, object]:
    """Every figure the rendered file carries, keyed as the record keys it."""
    t = case.truth
    out: dict[Key, object] = {}
    for a in t.active:
        if a.item == "20.9" and "procurement" in case.damage.missing:
            continue
        out[("active", a.item, a.row, a.column)] = a.value
    for section in ("requests", "appeals"):
        for row, cols in getattr(t, section).items():
            for col, value in cols.items():
                out[(section, row, col)] = value
    for ind in t.indicators:
        out[("indicators", ind.path)] = (_label(ind.label), ind.unit, ind.value)
    return out


def record_cells(record: Report) -> dict[Key, object]:
    out: dict[Key, object] = {}
    for a in record.active:
        out[("active", a.item, a.row, a.column)] = a.value
    for section in ("requests", "appeals"):
        for row, cols in getattr(record, section).items():
            for col, value in cols.items():
                out[(section, row, col)] = value
    for ind in record.indicators:
        out[("indicators", ind.path)] = (_label(ind.label), ind.unit, ind.value)
    return out


def _cell_ok(want: object, got: object) -> bool:
    if isinstance(want, tuple) and isinstance(got, tuple):
        return len(want) == len(got) and all(_same(w, g) for w, g in zip(want, got))
    return _same(want, got)


def _identity_misses(case: Case, form: str, record: Report) -> list[str]:
    t = case.truth
    pairs = {
        "agency": (t.agency, record.agency),
        "year": (t.year, record.year),
        "published": (expected_published(case, form), record.published),
        "title": (_label(t.title), _label(record.title)),
    }
    if t.region:
        pairs["region"] = (t.region, record.region)
    return [f"{k}: want {w!r} got {g!r}" for k, (w, g) in pairs.items() if w != g]


def _checkable(case: Case, rule: str) -> bool:
    """A rule the rendered file has the figures for (blank 总计 cells carry none; prose may state no count)."""
    if rule == "narrative_matches_table":
        narrative = case.truth.narrative
        return bool(narrative and STATED.findall("\n".join(narrative.lead)))
    return not (case.damage.blank_total and rule in _NEEDS_TOTALS)


def _check_misses(case: Case, record: Report) -> list[str]:
    got = {c.rule: c for c in record.checks}
    misses = []
    for want in case.truth.checks:
        if not _checkable(case, want.rule):
            continue
        have = got.get(want.rule)
        if have is None:
            misses.append(f"{want.rule}: not evaluated (truth ok={want.ok})")
        elif have.ok != want.ok:
            misses.append(f"{want.rule}: ok={have.ok}, truth ok={want.ok} ({have.detail[:80]})")
    return misses


def score(case: Case, form: str, record: Report, seconds: float = 0.0) -> Outcome:
    want, got = truth_cells(case), record_cells(record)
    out = Outcome(case.key, form, case.truth.template, case.real, seconds=seconds, planted=case.truth.planted)
    out.cells = len(want)
    for key, value in want.items():
        if _cell_ok(value, got.get(key)):
            out.correct += 1
        else:
            out.misses.append(f"{key}: want {value!r} got {got.get(key)!r}")
    out.template_ok = record.template == case.truth.template
    out.identity_misses = _identity_misses(case, form, record)
    out.check_misses = _check_misses(case, record)
    out.summary_misses = [f"summary.{k}: want {v!r} got {record.summary.get(k)!r}" for k, v in case.truth.summary.items() if not _same(v, record.summary.get(k))]
    if case.truth.planted:
        out.planted_found = any(c.rule == case.truth.planted and not c.ok for c in record.checks)
    return out


def parse_bytes(filename: str, data: bytes) -> Report:
    return parse_report([read_document(data, filename=filename)])


def evaluate(cases: list[Case], forms: Iterable[str], cache: Path, progress: Callable[[str], None] | None = None) -> list[Outcome]:
    files = render_forms(cases, forms, cache)
    by_key = {c.key: c for c in cases}
    outcomes = []
    for (key, form), (filename, data) in sorted(files.items()):
        start = time.perf_counter()
        record = parse_bytes(filename, data)
        outcomes.append(score(by_key[key], form, record, time.perf_counter() - start))
        if progress:
            progress(f"{key} {form}")
    return outcomes


# ---------------------------------------------------------------- reporting


def accuracy(outcomes: list[Outcome], pick: Callable[[Outcome], bool] = lambda o: True) -> tuple[float, int, int]:
    chosen = [o for o in outcomes if pick(o)]
    cells = sum(o.cells for o in chosen)
    correct = sum(o.correct for o in chosen)
    return (correct / cells if cells else 1.0), correct, cells


def summary_lines(outcomes: list[Outcome]) -> list[str]:
    forms = [f for f in FORMS if any(o.form == f for o in outcomes)]
    lines = [f"{'':14s}" + "".join(f"{f:>16s}" for f in forms) + f"{'all':>16s}"]
    groups = [*TEMPLATES, "real seeds"]
    for group in [*groups, "all"]:
        def pick_group(o: Outcome, g: str = group) -> bool:
            return g == "all" or (o.real if g == "real seeds" else (o.template == g and not o.real))

        row = f"{group:14s}"
        for f in [*forms, None]:
            acc, good, total = accuracy(outcomes, lambda o, f=f: pick_group(o) and (f is None or o.form == f))
            row += f"{acc:9.4f} {total:>6d}" if total else f"{'-':>16s}"
        lines.append(row)
    reports = len({o.case for o in outcomes})
    lines.append(f"{reports} reports, {len(outcomes)} files")
    for f in forms:
        chosen = [o for o in outcomes if o.form == f]
        secs = sum(o.seconds for o in chosen)
        lines.append(f"  {f:8s} {len(chosen):4d} files  {len(chosen) / secs if secs else 0:8.1f} files/s  "
                     f"template wrong {sum(not o.template_ok for o in chosen)}  identity misses {sum(bool(o.identity_misses) for o in chosen)}  "
                     f"summary misses {sum(bool(o.summary_misses) for o in chosen)}  "
                     f"check misses {sum(bool(o.check_misses) for o in chosen)}  planted missed {sum(not o.planted_found for o in chosen)}/{sum(bool(o.planted) for o in chosen)}")
    return lines


def failure_lines(outcomes: list[Outcome], limit: int = 8) -> list[str]:
    lines = []
    for o in outcomes:
        problems = o.misses[:limit] + o.identity_misses + o.summary_misses + o.check_misses
        if not o.template_ok:
            problems.insert(0, "template wrong")
        if not o.planted_found:
            problems.append(f"planted {o.planted} not reported")
        if problems:
            lines.append(f"{o.case} [{o.form}] {o.correct}/{o.cells}: " + " | ".join(problems))
    return lines


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-template", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--forms", default="text,html,html-tw,docx,pdf")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "zfxxgk-heldout")
    ap.add_argument("--no-seeds", action="store_true")
    ap.add_argument("--failures", action="store_true", help="list every file that is not read perfectly")
    args = ap.parse_args(argv)
    cases = generated_cases(args.per_template, args.seed) + ([] if args.no_seeds else seed_cases())
    forms = args.forms.split(",")
    if not render.soffice_path():
        print("LibreOffice (soffice) not found: PDF and .doc forms skipped")
    outcomes = evaluate(cases, forms, args.cache)
    print("\n".join(summary_lines(outcomes)))
    if args.failures:
        print("\n".join(failure_lines(outcomes)))


if __name__ == "__main__":
    main()
