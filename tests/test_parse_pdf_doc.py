"""PDF tables over page breaks and legacy .doc conversions: the cases the held-out set surfaced.

The join logic is tested on cell boxes directly (no LibreOffice needed); the
end-to-end cases convert a rendered .docx with LibreOffice and skip without it.
"""

from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement

from crawler.sample import render
from crawler.sample.damage import Damage
from crawler.sample.variants import make_report
from parsers import legacydoc
from parsers.documents import read_document
from parsers.pdfgrid import Piece, TextBox, join_pages
from parsers.report import parse_report

GOLDEN = Path(__file__).parent / "golden"
NEEDS_SOFFICE = pytest.mark.skipif(not render.soffice_path(), reason="LibreOffice (soffice) not installed")


def _row(y: float, cells: list[tuple[float, float, str]], height: float = 20) -> list[TextBox]:
    return [TextBox(x0, y, x1, y + height, text) for x0, x1, text in cells]


def _piece(page: int, rows: list[list[TextBox]], opens: bool = True, closes: bool = True) -> Piece:
    return Piece(page, [b for row in rows for b in row], opens_page=opens, closes_page=closes)


LABEL2 = [(0, 100, "（一）予以公开"), (100, 140, "5"), (140, 180, "7")]


def test_pieces_with_different_columns_become_one_table() -> None:
    """Page 1 holds no row that splits the label column; page 2 does."""
    page1 = _piece(0, [_row(600, LABEL2)], opens=False)
    page2 = _piece(1, [_row(72, [(0, 50, "（三）"), (50, 100, "1.属于国家秘密"), (100, 140, "0"), (140, 180, "0")])], closes=False)
    (table,) = join_pages([page1, page2])
    assert table.n_cols == 4 and table.n_rows == 2
    assert table.texts() == [["（一）予以公开", "5", "7"], ["（三）", "1.属于国家秘密", "0", "0"]]
    assert table.cells[0].colspan == 2


def test_row_cut_by_the_page_break_is_merged_back() -> None:
    upper = _row(690, [(0, 40, "三、本"), (40, 100, "（二）部分公开（区分处"), (100, 140, "5"), (140, 180, "7")])
    lower = _row(72, [(0, 40, "理结果"), (40, 100, "理的，只计这一情形）"), (100, 140, ""), (140, 180, "")])
    after = _row(92, [(0, 40, ""), (40, 100, "（三）不予公开"), (100, 140, "0"), (140, 180, "0")])
    (table,) = join_pages([_piece(0, [upper], opens=False), _piece(1, [lower, after], closes=False)])
    assert table.texts() == [["三、本\n理结果", "（二）部分公开（区分处\n理的，只计这一情形）", "5", "7"], ["", "（三）不予公开", "0", "0"]]


def test_figures_centred_in_the_lower_half_of_a_cut_row() -> None:
    upper = _row(700, [(0, 100, "（二）部分公开（区分处"), (100, 140, ""), (140, 180, "")])
    lower = _row(72, [(0, 100, "理的，只计这一情形）"), (100, 140, "5"), (140, 180, "7")])
    (table,) = join_pages([_piece(0, [upper], opens=False), _piece(1, [lower], closes=False)])
    assert table.texts() == [["（二）部分公开（区分处\n理的，只计这一情形）", "5", "7"]]


def test_second_line_of_a_centred_figure_below_the_break() -> None:
    """A figure cell of two lines (a full-width space, then 12) centred in its row, cut by the break."""
    upper = _row(700, [(0, 100, "（七）总计"), (100, 140, "116"), (140, 180, "　")])
    lower = _row(72, [(0, 100, ""), (100, 140, ""), (140, 180, "12")])
    after = _row(92, [(0, 100, "四、结转下年度继续办理"), (100, 140, "14"), (140, 180, "")])
    (table,) = join_pages([_piece(0, [upper], opens=False), _piece(1, [lower, after], closes=False)])
    assert table.texts() == [["（七）总计", "116", "12"], ["四、结转下年度继续办理", "14", ""]]


def test_data_row_under_a_header_row_is_not_a_cut_row() -> None:
    header = _row(700, [(0, 100, "信息内容"), (100, 140, "上一年项目数量"), (140, 180, "本年增/减")])
    data = _row(72, [(0, 100, "行政许可"), (100, 140, "3"), (140, 180, "")])
    (table,) = join_pages([_piece(0, [header], opens=False), _piece(1, [data], closes=False)])
    assert table.texts() == [["信息内容", "上一年项目数量", "本年增/减"], ["行政许可", "3", ""]]


def test_header_row_repeated_on_the_new_page_is_dropped() -> None:
    head = [(0, 100, "申请人情况"), (100, 180, "自然人")]
    page1 = _piece(0, [_row(500, head), _row(520, LABEL2)], opens=False)
    page2 = _piece(1, [_row(72, head), _row(92, [(0, 100, "（二）部分公开"), (100, 140, "1"), (140, 180, "2")])], closes=False)
    (table,) = join_pages([page1, page2])
    texts = table.texts()
    assert [r[0] for r in texts] == ["申请人情况", "（一）予以公开", "（二）部分公开"]


def test_tables_with_text_between_them_stay_apart() -> None:
    page1 = _piece(0, [_row(600, LABEL2)], opens=False, closes=True)
    page2 = _piece(1, [_row(120, LABEL2)], opens=False, closes=False)
    assert len(join_pages([page1, page2])) == 2


def _with_repeated_headers(data: bytes) -> bytes:
    word = docx.Document(io.BytesIO(data))
    for table in word.tables:
        for row in table.rows[: 3 if len(table.columns) in (10, 15) else 0]:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


@NEEDS_SOFFICE
def test_pdf_requests_table_over_three_pages_with_repeated_headers() -> None:
    truth = make_report("北京市统计局", "北京市", 2022, "gb-2021", random.Random(5))
    pdf = render.convert_docx(_with_repeated_headers(render.render_docx(truth, Damage(split_labels=True))), "pdf")
    report = parse_report([read_document(pdf, filename="a.pdf")])
    assert report.status == "parsed", report.problems
    assert report.requests == truth.requests and report.appeals == truth.appeals
    assert all(c.ok for c in report.checks)


def _ending_in_a_table(data: bytes) -> bytes:
    """The .docx without the paragraphs after its last table (as the sample's renderer once wrote it)."""
    word = docx.Document(io.BytesIO(data))
    body = word.element.body
    while body[-2].tag.endswith("}p"):  # body[-1] is the section properties
        body.remove(body[-2])
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


@NEEDS_SOFFICE
@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword not installed")
def test_doc_ending_in_a_table_keeps_it() -> None:
    """LibreOffice drops the table that ends a .doc (its own export of the beijing-2008 form); antiword has it."""
    truth = make_report("北京市东城区人民政府", "北京市东城区", 2016, "beijing-2008", random.Random(3))
    doc = render.convert_docx(_ending_in_a_table(render.render_docx(truth)), "doc")
    report = parse_report([read_document(doc, filename="a.doc")])
    assert report.template == "beijing-2008"
    assert [(i.path, i.unit, i.value) for i in report.indicators] == [(i.path, i.unit, i.value) for i in truth.indicators]


@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword not installed")
def test_doc_with_antiword_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without LibreOffice, antiword's DocBook reading still gives the simple beijing-2008 table."""
    case = GOLDEN / "sample-jgm-2018-doc"
    truth = json.loads((case / "truth.json").read_text(encoding="utf-8"))
    antiword = shutil.which("antiword")
    monkeypatch.setattr(legacydoc.shutil, "which", lambda name: antiword if name == "antiword" else None)
    report = parse_report([read_document((case / "input.doc").read_bytes(), filename="a.doc")])
    assert report.template == "beijing-2008"
    assert [(i.path, i.unit, i.value) for i in report.indicators] == [(i["path"], i["unit"], i["value"]) for i in truth["indicators"]]
