"""Page objects read saved portal pages with no network."""

from pathlib import Path

import pytest

from crawler.portal import load_portal
from parsers.pages import (
    _BLOCK_MARKS,
    block_reason,
    normalise_date,
    pagination,
    read_detail_page,
    read_list_page,
    twin_original,
)

PAGES = Path(__file__).with_name("pages")
BASE = "https://www.beijing.gov.cn/gongkai/zfxxgk/gknb/"


def read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_trs_list_finds_reports_by_pattern_and_title():
    rules = load_portal("beijing").rules
    page = read_list_page(read("trs_list.html"), BASE + "index.html", rules)
    assert [r.url for r in page.reports] == [
        BASE + "202401/t20240118_3512345.html",
        BASE + "202401/t20240117_3512001.html",
        "https://www.example.com/t20240101_1.html",
    ]
    assert page.reports[0].text == "北京市发展和改革委员会2023年政府信息公开工作年度报告"


def test_trs_list_follows_bureau_columns_and_pagination():
    rules = load_portal("beijing").rules
    page = read_list_page(read("trs_list.html"), BASE + "index.html", rules)
    assert [c.url for c in page.columns] == [
        "https://www.beijing.gov.cn/fgw/fgwzwgk/zfxxgk/zfxxgknb/index.htm",
        "https://www.beijing.gov.cn/zdb/zfxxgk/zfxxgkzl/nb/index.html",
    ]
    assert page.pages == [BASE + "index_1.html", BASE + "index_2.html"]


def test_gateway_twin_links_are_not_lists_or_reports():
    rules = load_portal("beijing").rules
    page = read_list_page(read("trs_list.html"), BASE + "index.html", rules)
    urls = [link.url for link in page.reports + page.columns]
    assert not any("/gate/big5/" in url for url in urls)


def test_legacy_list():
    rules = load_portal("zfxxgk-legacy").rules
    url = "http://zfxxgk.beijing.gov.cn/dcq11A047/zfxxgknb/list.shtml"
    page = read_list_page(read("legacy_list.shtml"), url, rules)
    assert len(page.reports) == 2
    assert page.reports[0].url.endswith("/dcq11A047/zfxxgknb/2019-03/15/content_0f5b4a1c2d3e4f5061728394a5b6c7d8.shtml")
    assert page.pages == []


def test_trs_detail_page():
    rules = load_portal("beijing").rules
    url = BASE + "202001/t20200131_123456.html"
    detail = read_detail_page(read("trs_detail.html"), url, rules)
    assert detail.title == "北京市统计局2019年政府信息公开工作年度报告"
    assert detail.published == "2020-01-31"
    assert [a.url for a in detail.attachments] == [
        BASE + "202001/P020200131512345678901.docx", BASE + "202001/P020200131512345678902.pdf"]
    assert detail.parts == [BASE + "202001/t20200131_123456_1.html"]
    assert detail.twin == "https://www.beijing.gov.cn/gate/big5/www.beijing.gov.cn/gongkai/zfxxgk/gknb/202001/t20200131_123456.html"
    assert "全年共收到政府信息公开申请12件" in detail.body_html
    assert "发布时间" not in detail.body_html


def test_twin_original_maps_gateway_to_page():
    rules = load_portal("beijing").rules
    twin = "https://www.beijing.gov.cn/gate/big5/www.beijing.gov.cn/gongkai/zfxxgk/gknb/202401/t1.html"
    assert twin_original(twin, rules) == "https://www.beijing.gov.cn/gongkai/zfxxgk/gknb/202401/t1.html"
    assert twin_original(BASE + "index.html", rules) is None


@pytest.mark.parametrize("text,expected", [
    ("2024-01-18 10:00", "2024-01-18"),
    ("发布时间：2019年3月5日", "2019-03-05"),
    ("2020/1/31", "2020-01-31"),
    ("无日期", None),
])
def test_normalise_date(text, expected):
    assert normalise_date(text) == expected


def test_pagination_absent():
    assert pagination("<html></html>", BASE) == []


def test_pagination_is_read_from_the_first_page_only():
    first = 'createPageHTML(3, 0, "index", "html");'
    assert pagination(first, BASE + "index.html") == [BASE + "index_1.html", BASE + "index_2.html"]
    assert pagination(first.replace("3, 0", "3, 2"), BASE + "index_2.html") == []


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_every_block_mark_is_found_alone_and_named_first_in_mark_order(codec):
    """Marks are searched for through the pieces they share; none is lost that way."""
    for mark in _BLOCK_MARKS:
        page = f"<html><body><p>请稍候</p><script>{mark}</script></body></html>".encode(codec)
        assert block_reason(200, page) == f"blocked: HTTP 200 challenge page ({mark})"
    both = f"<p>{_BLOCK_MARKS[-1]}</p><p>{_BLOCK_MARKS[0]}</p>".encode(codec)
    assert block_reason(403, both) == f"blocked: HTTP 403 challenge page ({_BLOCK_MARKS[0]})"
    assert block_reason(200, "<p>访问统计 验 截</p>".encode(codec)) is None
    assert block_reason(200, b"x" * 40_000 + _BLOCK_MARKS[0].encode(codec)) is None
