"""The committed sample site against its manifest, and the build's determinism."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path

import pytest

from crawler.sample.build import build
from crawler.sample.render import soffice_path
from crawler.sample.server import PACKAGE
from parsers.documents import read_document

SITE, NEXT = PACKAGE / "site", PACKAGE / "next"
HREF = re.compile(rb'href="([^"]+)"')


def file_of(path: str, root: Path = SITE) -> Path:
    return root / path.lstrip("/")


def links(path: str, root: Path = SITE) -> set[str]:
    """Absolute paths a page links to."""
    folder = posixpath.dirname(path)
    found = set()
    for href in HREF.findall(file_of(path, root).read_bytes()):
        href = href.decode()
        if not href.startswith(("javascript:", "#", "http")):
            found.add(posixpath.normpath(posixpath.join(folder, href)) if not href.startswith("/") else href)
    return found


def test_every_listed_path_exists_and_is_linked(sample_manifest):
    for report in sample_manifest.reports:
        for path in [*report.pages, *report.attachments, *([report.twin] if report.twin else [])]:
            assert file_of(path).is_file(), path
        assert report.pages[0] in links(report.list_page), (report.key, report.list_page)
        for path in report.attachments:
            assert path in links(report.pages[0]), path


def test_every_served_file_has_a_date(sample_manifest):
    served = {"/" + str(p.relative_to(SITE)) for p in SITE.rglob("*") if p.is_file()} - {"/manifest.json"}
    assert served == set(sample_manifest.dates)


def test_coverage(sample_manifest):
    reports = sample_manifest.reports
    assert len(reports) >= 30 and len({r.agency for r in reports}) >= 6
    assert {r.year for r in reports} >= set(range(2015, 2025))
    assert {r.template for r in reports} == {"beijing-2008", "gb-2019", "gb-2021"}
    forms = Counter(r.form for r in reports)
    assert forms["docx"] >= 2 and forms["pdf"] >= 2 and forms["doc"] >= 2 and forms["split"] == 1
    assert {r.seed[:3] for r in reports if r.seed} == {"000", "001", "002", "003", "004"}
    assert sum(r.encoding == "gbk" for r in reports) == 1 and sum(bool(r.twin) for r in reports) == 1
    assert any(r.planted for r in reports)
    republished = [r for r in reports if r.year == 2020 and r.template == "gb-2019" and r.published[:4] > "2021"]
    assert republished


def test_municipal_column_pages(sample_manifest):
    pages = sample_manifest.lists["beijing"]
    assert pages == [f"/gongkai/zfxxgk/gknb/index{s}.html" for s in ("", "_1", "_2")]
    for n, page in enumerate(pages):
        assert f'createPageHTML(3, {n}, "index", "html")'.encode() in file_of(page).read_bytes()
    menu = links(pages[0])
    assert {"/fgw/fgwzwgk/zfxxgk/zfxxgknb/index.htm", "/zdb/zfxxgk/zfxxgkzl/nb/index.html"} <= menu


def test_split_report(sample_manifest):
    split = next(r for r in sample_manifest.reports if r.form == "split")
    assert split.pages == ["/gongkai/zfxxgk/gknb/201901/t20190131_123456.html", "/gongkai/zfxxgk/gknb/201901/t20190131_123456_1.html"]
    assert b'createPageHTML(2, 0, "t20190131_123456", "html")' in file_of(split.pages[0]).read_bytes()


def test_gbk_page_declares_gb2312(sample_manifest):
    report = next(r for r in sample_manifest.reports if r.encoding == "gbk")
    data = file_of(report.pages[0]).read_bytes()
    assert b'charset="gb2312"' in data
    assert report.title in data.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_twin_is_linked_and_traditional(sample_manifest):
    report = next(r for r in sample_manifest.reports if r.twin)
    assert report.twin.startswith("/gate/big5/www.beijing.gov.cn/gongkai/zfxxgk/gknb/")
    assert report.twin in links(report.pages[0])
    text = file_of(report.twin).read_text(encoding="utf-8")
    assert "資訊公開" in text and "年度報告" in text


def test_private_report_is_linked_but_disallowed(sample_manifest):
    private = sample_manifest.private[0]
    assert private.startswith("/private/") and private in links("/gongkai/zfxxgk/gknb/index_1.html")
    assert "Disallow: /private/" in file_of("/robots.txt").read_text()


def test_dongcheng_and_legacy_layout(sample_manifest):
    years = links("/zfxxgkzl/zfxxgknb/index.html")
    assert {f"/zfxxgkzl/zfxxgknb/{y}nb/index.html" for y in range(2018, 2025)} <= years
    assert links("/zfxxgkzl/zfxxgknb/2019nb/index.html") >= {"/zfxxgkzl/zfxxgknb/2019nb/dcqjd2019/index.html"}
    republished = sample_manifest.report("dc-qzf-2018")
    assert "/2018nb/" in republished.pages[0] and "/t2023" in republished.pages[0]
    legacy = file_of("/dcq11A047/zfxxgknb/list.shtml").read_text(encoding="utf-8")
    assert 'id="colList"' in legacy and 'class="date"' in legacy and "laypage_main" in legacy
    assert {"/dcq11A047/zfxxgknb/list.shtml", "/ftq11GJ03/zfxxgknb/list.shtml"} <= links("/zfxxgk/dir.shtml")
    doc = next(r for r in sample_manifest.reports if r.form == "doc")
    assert re.fullmatch(r"/\w+/zfxxgknb/\d{4}-\d\d/\d\d/[0-9a-f]{32}/files/[0-9a-f]{32}\.doc", doc.attachments[0])
    assert file_of(doc.attachments[0]).read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")


def test_pages_carry_noise_placeholders():
    for page in SITE.rglob("*.*htm*"):
        data = page.read_bytes()
        assert b"<!--zfx:counter-->" in data and b"<!--zfx:now-->" in data, page


def test_next_state(sample_manifest, sample_next_manifest):
    kinds = Counter(e.kind for e in sample_next_manifest.events)
    agencies = {r.agency for r in sample_manifest.reports}
    assert kinds["new"] == len(agencies) - 1 and kinds["missing"] == 1
    assert kinds["altered"] == kinds["removed"] == kinds["moved"] == kinds["inconsistent"] == 1
    removed = (NEXT / "removed.txt").read_text().split()
    gone = next(e for e in sample_next_manifest.events if e.kind == "removed")
    assert gone.path in removed and gone.path not in links(sample_manifest.report(gone.key).list_page, NEXT)
    bad = next(e for e in sample_next_manifest.events if e.kind == "inconsistent")
    assert sample_next_manifest.report(bad.key).planted == bad.detail
    for page in NEXT.rglob("*.*htm*"):
        assert b"v=20260112" in page.read_bytes(), page


def test_altered_report_differs_in_one_cell(sample_next_manifest):
    event = next(e for e in sample_next_manifest.events if e.kind == "altered")
    cells = lambda root: re.findall(r"<td[^>]*>(.*?)</td>", file_of(event.path, root).read_text(encoding="utf-8"))
    before, after = cells(SITE), cells(NEXT)
    assert len(before) == len(after) and sum(a != b for a, b in zip(before, after)) == 1


def office_content(path: Path) -> list[list[str]]:
    """What a reader gets from a LibreOffice-made file: its table cells, in order."""
    doc = read_document(path.read_bytes(), filename=path.name)
    return [[cell.text for cell in table.cells] for table in doc.tables]


def test_build_is_deterministic(tmp_path):
    """Building again gives the committed bytes; LibreOffice's .pdf/.doc embed whichever CJK
    font the machine has, so those are held to the same content instead (and reused when
    soffice is missing)."""
    build(tmp_path)
    for root in ("site", "next"):
        built = {p.relative_to(tmp_path / root): p.read_bytes() for p in (tmp_path / root).rglob("*") if p.is_file()}
        committed = {p.relative_to(PACKAGE / root): p.read_bytes() for p in (PACKAGE / root).rglob("*") if p.is_file()}
        assert built.keys() == committed.keys()
        office = [p for p in built if p.suffix in (".pdf", ".doc") and built[p] != committed[p]]
        differ = [str(p) for p in built if built[p] != committed[p] and p not in office]
        assert not differ, differ
        for p in office:
            assert soffice_path(), f"{p}: reused without soffice, yet differs"
            assert office_content(tmp_path / root / p) == office_content(PACKAGE / root / p), p
