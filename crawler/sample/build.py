"""Build the sample portal: ``python -m crawler.sample.build [--out DIR]``.

Writes ``site/`` (the current state, with ``manifest.json``) and ``next/`` (an
overlay of files added or changed a year later, ``removed.txt`` and its own
manifest). Everything is drawn from fixed seeds, so building twice gives the
same bytes; .pdf and .doc need LibreOffice, and without it the build reuses
the files of the committed site.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from . import catalog as K
from .catalog import Entry
from .chrome import CURRENT_FURNITURE, NEXT_FURNITURE, Furniture, page_script
from .faultcolumn import fault_files
from .faults import preset_all
from .lists import list_files
from .manifest import Figures, Manifest, ReportRecord
from .narrative import SampleReport
from .nextstate import finish_next
from .pages import attachment_body, detail_page
from .render import (
    RenderError,
    convert_docx,
    render_docx,
    render_html,
    soffice_path,
    to_traditional,
)
from .seeds import SEED_BY_ID, load_seed
from .variants import make_report

PACKAGE = Path(__file__).parent


@dataclass
class State:
    files: dict[str, bytes]
    manifest: Manifest


class Office:
    """LibreOffice conversions, memoised; without soffice, the previous build's file at the same path."""

    def __init__(self, fallback: Path | None) -> None:
        self.fallback = fallback
        self.memo: dict[tuple[bytes, str], bytes] = {}

    def convert(self, docx: bytes, fmt: str, path: str) -> bytes:
        key = (docx, fmt)
        if key not in self.memo:
            self.memo[key] = self._make(docx, fmt, path)
        return self.memo[key]

    def _make(self, docx: bytes, fmt: str, path: str) -> bytes:
        if soffice_path():
            return convert_docx(docx, fmt)
        for root in (self.fallback, PACKAGE / "site", PACKAGE / "next"):
            if root and (root / path.lstrip("/")).exists():
                return (root / path.lstrip("/")).read_bytes()
        raise RenderError(f"{path}: LibreOffice is needed to make it and no earlier build has it")


def report_for(entry: Entry) -> SampleReport:
    """The report behind an entry: a seed's real figures, or generated ones."""
    if entry.seed:
        report = load_seed(SEED_BY_ID[entry.seed])
        report.published = entry.published
        return report
    rng = random.Random(entry.key)
    return make_report(entry.agency, entry.region or "", entry.year, entry.layout, rng, entry.inconsistent, entry.published)


def damage_for(entry: Entry):
    return SEED_BY_ID[entry.seed].damage if entry.seed else entry.damage


def encode(page: str, entry: Entry) -> bytes:
    return page.encode("gbk", "xmlcharrefreplace") if entry.gbk else page.encode("utf-8")


def render_entry(entry: Entry, report: SampleReport, f: Furniture, office: Office) -> tuple[dict[str, bytes], ReportRecord]:
    """Every file one report publishes: its page(s), attachment and gateway twin."""
    damage, title = damage_for(entry), report.title or ""
    files: dict[str, bytes] = {}
    body = render_html(report, damage)
    page = entry.page_path()
    pages = [page]
    if entry.form == "split":
        pages = _split_pages(entry, title, body, f, files)
    elif entry.form in ("docx", "pdf", "doc"):
        files[page] = encode(detail_page(entry, title, attachment_body(entry), f, page), entry)
        docx = render_docx(report, damage)
        path = entry.attachment_path() or ""
        files[path] = docx if entry.form == "docx" else office.convert(docx, entry.form, path)
    else:
        twin = entry.twin_path()
        files[page] = encode(detail_page(entry, title, body, f, page, twin), entry)
        if twin:
            files[twin] = to_traditional(detail_page(entry, title, render_html(report, damage, traditional=True), f, page)).encode()
    return files, _record(entry, report, pages)


def _split_pages(entry: Entry, title: str, body: str, f: Furniture, files: dict[str, bytes]) -> list[str]:
    """A long report over two pages, each carrying createPageHTML(2, i, name, ext)."""
    blocks = body.split("\n")
    cut = next(i for i, b in enumerate(blocks) if "四、" in b and "行政复议" in b)
    name = entry.page_path().rsplit("/", 1)[1].rsplit(".", 1)[0]
    pages = []
    for n, part in enumerate(("\n".join(blocks[:cut]), "\n".join(blocks[cut:]))):
        path = entry.page_path(n)
        files[path] = encode(detail_page(entry, title, part + "\n" + page_script(2, n, name, "html"), f, path), entry)
        pages.append(path)
    return pages


def _record(entry: Entry, report: SampleReport, pages: list[str]) -> ReportRecord:
    summary = report.summary
    appeals = {g: v["total"] for g, v in report.appeals.items()}
    if report.template == "beijing-2008":
        appeals = {"review": int(summary.get("reviews", 0)), "litigation": int(summary.get("litigations", 0))}
    return ReportRecord(
        key=entry.key, agency=entry.agency, region=entry.region, code=entry.code, portal=entry.portal,
        year=entry.year, template=report.template, title=report.title or "", published=entry.published,
        form=entry.form, pages=pages, attachments=[p for p in [entry.attachment_path()] if p],
        list_page="", figures=Figures(summary.get("requests_new"), summary.get("requests_handled"), appeals),
        twin=entry.twin_path(), seed=entry.seed, encoding="gbk" if entry.gbk else "utf-8", planted=report.planted,
    )


def build_state(name: str, entries: list[Entry], reports: dict[str, SampleReport], f: Furniture, office: Office) -> State:
    files: dict[str, bytes] = {}
    records: list[ReportRecord] = []
    dates: dict[str, str] = {}
    for entry in entries:
        made, record = render_entry(entry, reports[entry.key], f, office)
        files.update(made)
        dates.update(dict.fromkeys(made, entry.published))
        records.append(record)
    listed, lists, list_dates = list_files(entries, records, f)
    files.update(listed)
    dates.update(list_dates)
    pdf = next(data for path, data in sorted(files.items()) if path.endswith(".pdf"))
    column = fault_files(f, pdf)
    files.update(column)
    dates.update(dict.fromkeys(column, "2025-01-15"))
    faults = {path: fault.kind for path, fault in preset_all().items()}
    manifest = Manifest(state=name, reports=records, lists=lists, dates=dict(sorted(dates.items())), private=[K.PRIVATE_PATH], faults=faults)
    return State(files, manifest)


def current_entries() -> list[Entry]:
    return list(K.CURRENT)


def next_entries() -> list[Entry]:
    kept = [e for e in K.CURRENT if e.key != K.REMOVED]
    moved = [replace(e, doc_id=K.MOVED_ID) if e.key == K.MOVED else e for e in kept]
    return moved + list(K.next_year_entries())


def edit_one_cell(report: SampleReport) -> str:
    """The correction a re-published report carries: one section-二 figure, checks untouched."""
    row = next(a for a in report.active if a.row == "行政处罚" and a.column == "decisions")
    before = row.value or 0
    row.value = before + 7
    return f"active 20.6 行政处罚 decisions {before} -> {row.value}"


def build(out: Path, fallback: Path | None = None) -> tuple[State, State]:
    """Write ``out/site`` and ``out/next``; return both states."""
    office = Office(fallback)
    cur_entries, nxt_entries = current_entries(), next_entries()
    reports = {e.key: report_for(e) for e in cur_entries + nxt_entries}
    current = build_state("current", cur_entries, reports, CURRENT_FURNITURE, office)
    edited = dict(reports)
    edited[K.EDITED] = report_for(next(e for e in cur_entries if e.key == K.EDITED))
    detail = edit_one_cell(edited[K.EDITED])
    nxt = build_state("next", nxt_entries, edited, NEXT_FURNITURE, office)
    finish_next(current, nxt, cur_entries, nxt_entries, detail)
    _write(out / "site", current.files, current.manifest)
    _write(out / "next", {p: b for p, b in nxt.files.items() if current.files.get(p) != b}, nxt.manifest)
    (out / "next" / "removed.txt").write_text("".join(p + "\n" for p in nxt.manifest.removed), encoding="utf-8")
    return current, nxt


def _write(root: Path, files: dict[str, bytes], manifest: Manifest) -> None:
    if root.exists():
        shutil.rmtree(root)
    for path, data in sorted(files.items()):
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (root / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PACKAGE, help="folder to write site/ and next/ into")
    args = parser.parse_args(argv)
    current, nxt = build(args.out)
    size = sum(len(b) for b in current.files.values())
    print(f"site: {len(current.files)} files, {size / 1e6:.1f} MB, {len(current.manifest.reports)} reports; next: {len(nxt.manifest.events)} events")


if __name__ == "__main__":
    main()
