"""Document readers: encodings, bad bytes, statuses, and the pieces of the record."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import lxml.html
import pytest

from parsers import PARSER_VERSION, legacydoc, parse_file
from parsers.documents import decode_html, read_document
from parsers.htmltables import _walk, cell_text, table_lines
from parsers.labels import CharSet, norm
from parsers.narrative import stated_requests
from parsers.records import tidy_cells
from parsers.report import parse_report
from parsers.tables import Cell, Table
from parsers.values import parse_value, to_wan_yuan

GOLDEN = Path(__file__).parent / "golden"
TABLE4 = Path(__file__).parents[1] / "docs" / "portal-notes-table4.html"


def test_decode_html_prefers_valid_utf8_over_declared_charset() -> None:
    page = '<meta charset="gb2312"><p>政府信息公开</p>'.encode("utf-8")
    assert decode_html(page) == ('<meta charset="gb2312"><p>政府信息公开</p>', "utf-8")


def test_decode_html_uses_meta_then_fallbacks() -> None:
    page = '<meta charset="gbk"><p>政府信息公开</p>'.encode("gb18030")
    text, encoding = decode_html(page)
    assert "政府信息公开" in text and encoding == "gb18030"
    big5 = '<meta charset="big5"><p>政府資訊公開</p>'.encode("big5")
    assert "政府資訊公開" in decode_html(big5)[0]
    assert decode_html(b"\xef\xbb\xbf<p>x</p>")[1] == "utf-8-sig"


@pytest.mark.parametrize(
    ("data", "name", "status"),
    [
        (b"", "a.html", "empty"),
        (b"PK\x03\x04garbage", "a.docx", "corrupt"),
        (b"%PDF-1.4 truncated", "a.pdf", "corrupt"),
        (b"not a zip at all", "a.docx", "corrupt"),
        (b"\x00\x01binary", "a.xls", "unsupported_format"),
    ],
)
def test_bad_bytes_give_a_status_not_an_exception(data: bytes, name: str, status: str) -> None:
    assert read_document(data, filename=name).status == status


def test_scanned_pdf_needs_ocr() -> None:
    report = parse_file(GOLDEN / "gen-scanned-pdf" / "input.pdf")
    assert report.status == "needs_ocr"
    assert report.documents[0].status == "needs_ocr"


def test_doc_without_converter_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacydoc.shutil, "which", lambda name: None)
    doc = read_document(b"\xd0\xcf\x11\xe0" + b"\x00" * 600, filename="a.doc")
    assert doc.status == "unsupported_format"
    assert "libreoffice-writer-nogui" in doc.reason


def test_portal_table4_fragment() -> None:
    report = parse_report([read_document(TABLE4.read_bytes(), filename="t.html")])
    assert report.appeals["review"] == {"upheld": 5, "corrected": 0, "other": 0, "pending": 2, "total": 7}
    assert report.appeals["litigation_direct"] == {"upheld": 8, "corrected": 0, "other": 0, "pending": 1, "total": 9}
    assert report.appeals["litigation_after_review"]["total"] == 0


PAGE = """<html><head><title>t</title><script>var visits = 1;</script></head><body>
<div class="nav"><a href="/">首页</a> <a href="/a">机构</a> <a href="/b">政务公开</a> <a href="/c">互动</a></div>
<div class="article"><h1>某局2023年政府信息公开工作年度报告</h1>
<p>一、总体情况。本年度共收到政府信息公开申请12件，均已按时答复，全年主动公开各类信息三百余条。</p>
<table><tr><td>收到申请数</td><td>12</td></tr><tr><td>办结数</td><td>12</td></tr></table>
<p>二、存在的主要问题及改进情况。公开工作仍有不足，下一年度将加强培训，提升答复质量与时效。</p>
<table><tr><td>行政复议</td><td>1</td></tr></table>
</div><div class="footer">版权所有 网站标识码 京ICP备</div></body></html>"""


def test_html_text_keeps_each_table_where_it_stood() -> None:
    """trafilatura's narrative, the tables put back in place as rows read from the markup."""
    text = read_document(PAGE.encode(), filename="t.html").text
    lines = text.splitlines()
    first, second = lines.index("| 收到申请数 | 12 |"), lines.index("| 行政复议 | 1 |")
    assert lines[first + 1] == "| 办结数 | 12 |"
    assert lines.index(next(x for x in lines if x.startswith("一、总体情况"))) < first
    assert first < lines.index(next(x for x in lines if x.startswith("二、存在"))) < second
    assert "版权所有" not in text and "visits" not in text and "ZFXXGKTABLE" not in text


def test_html_text_keeps_a_table_trafilatura_dropped() -> None:
    """A table inside furniture trafilatura discards still has its rows in the text, at the end."""
    page = PAGE.replace('<div class="footer">', '<div class="footer"><table><tr><td>附表</td><td>7</td></tr></table>')
    text = read_document(page.encode(), filename="t.html").text
    assert text.splitlines()[-1] == "| 附表 | 7 |" and "版权所有" not in text


def test_table_text_folds_blanks_in_cells_as_the_regex_does() -> None:
    """Cells skip the regex when printable without two spaces: no other blank is printable."""
    assert not [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c != " " and c.isprintable()]
    table = Table(0, [Cell("a\xa0 b", 0, 0), Cell("数 据", 0, 1), Cell("x\n\ny", 1, 0), Cell("1  2", 1, 1)])
    assert table_lines(table) == "| a b | 数 据 |\n| x y | 1 2 |"


def test_cells_holding_one_paragraph_read_as_the_walk_reads_them() -> None:
    """``<td><p>text</p></td>`` is read without the walk only when that changes nothing."""
    cells = ["<p>条</p>", "<p> a </p>", "<p>a\nb</p>", "<p> </p>", "<p></p>", "x<p>a</p>", "<p>a</p>b",
             "<span>a</span>", "<table>t</table>", "<p>a<b>c</b></p>", "<br>"]
    for markup in cells:
        td = lxml.html.fragment_fromstring(f"<table><tr><td>{markup}</td></tr></table>").find(".//td")
        parts: list[str] = []
        _walk(td, parts, frozenset())
        walked = "".join(parts)
        assert cell_text(td) == (re.sub(r"\n\s*\n+", "\n", walked).strip("\n") if "\n" in walked else walked)


def test_report_spread_over_two_documents() -> None:
    body = read_document("<html><body><p>2020年政府信息公开工作年度报告</p></body></html>".encode(), filename="t.html")
    attachment = read_document((GOLDEN / "gen-gb2019-docx" / "input.docx").read_bytes(), filename="a.docx")
    report = parse_report([body, attachment], source_url="https://example.invalid/t.html")
    assert report.template == "gb-2019" and report.requests
    assert report.provenance["requests.new.total"].document == 1


def test_values() -> None:
    assert parse_value("42.21万元").value == 42.21 and parse_value("42.21万元").unit == "万元"
    assert parse_value("+410").value == 410 and parse_value("-3").value == -3
    assert parse_value("\u3000 0").value == 0 and parse_value("&nbsp;".replace("&nbsp;", "\xa0")).blank
    assert parse_value("１２").value == 12 and parse_value("1,234").value == 1234
    assert parse_value("0\n0").parts == (0, 0)
    assert parse_value("abc").error
    assert to_wan_yuan(251000, "元", None) == 25.1 and to_wan_yuan(42.21, "万元", None) == 42.21
    assert to_wan_yuan(5.6, None, "万元") == 5.6 and to_wan_yuan(56000, None, "元") == 5.6


def test_char_set_finds_what_the_set_finds() -> None:
    """The character class and the astral fallback agree with the set, astral characters included."""
    chars = CharSet("復議\U00020000")
    rng = random.Random(4)
    for _ in range(5000):
        text = "".join(rng.choice("復议a\U00020000\U0002000b") for _ in range(rng.randint(0, 4)))
        assert chars.found_in(text) == (not chars.chars.isdisjoint(text)), text


def test_labels_normalise_variants() -> None:
    assert norm("政府集中釆购") == norm("政府集中采购")
    assert norm("商业 企业") == norm("商业\n企业") == "商业企业"
    assert norm("政府資訊公開") == norm("政府信息公开")
    assert norm("（三）不予\n\n公开") == norm("(三)不予公开")


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("2019年，我办共收到政府信息公开申请0件。", 0),
        ("2020年我镇共受理依申请公开政府信息40件。", 40),
        ("2024年收到信息公开申请总数为9件，9件信息公开申请中", 9),
        ("2019年度共接到依申请公开3件，其中当面申请1件", 3),
        ("共收到申请40件", 40),
    ],
)
def test_narrative_request_counts(sentence: str, count: int) -> None:
    assert stated_requests(sentence)[0][0] == count


def test_narrative_ignores_review_counts() -> None:
    assert stated_requests("本年度收到行政复议申请2件。") == []


def test_tidy_cells_and_json() -> None:
    report = parse_file(next(GOLDEN.glob("seed-003*/input.txt")))
    rows = tidy_cells(report)
    assert any(r.section == "requests" and r.row == "new" and r.column == "total" and r.value == 40 for r in rows)
    assert any(r.section == "active" and r.value == 410 for r in rows)
    assert report.parser_version == PARSER_VERSION
    json.dumps(report.to_json(), ensure_ascii=False)


def test_text_with_rows_one_per_line() -> None:
    """Rows written one per line, cells separated by TABs (Word's plain-text save, a pasted table)."""
    import random

    from crawler.sample.damage import Damage
    from crawler.sample.doc import Paragraph
    from crawler.sample.layouts import build_document
    from crawler.sample.variants import make_report

    truth = make_report("北京市统计局", "北京市", 2022, "gb-2021", random.Random(8))
    lines = []
    for block in build_document(truth, Damage()).blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text + "\t" if "年度报告" in block.text else block.text)  # a lone tabbed line stays prose
            continue
        lines += ["\t".join(c.text.replace("\n", "") if origin else "" for c, origin in row) for row in block.word_rows()]
    report = parse_report([read_document("\n".join(lines).encode("utf-8"), filename="r.txt")])
    assert report.template == "gb-2021" and report.title == truth.title
    assert report.requests == truth.requests and report.appeals == truth.appeals
    assert {(a.item, a.row, a.column): a.value for a in report.active} == {(a.item, a.row, a.column): a.value for a in truth.active}
