"""A researcher's session in a real headless Chromium (Debian's, driven by Playwright) on `zfxxgk browse`.

Screenshots of the pages visited are kept in tests/artifacts/.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browse_server import Served

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"
XILUOYUAN = "北京市丰台区人民政府西罗园街道办事处"
HOW = "run `make test` as root (.ci/system-deps installs Debian's chromium) or `apt-get install chromium`"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Debian's chromium is not installed at {CHROMIUM}: {HOW}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[test]'"
    return None


@pytest.fixture(scope="module")
def page(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    reason = _missing()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), args=ARGS,
            accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        tab.set_default_timeout(20000)
        yield tab
        context.close()


def search(page: Any, served: Served, words: str) -> list[str]:
    """Type into Datasette's search box on the reports table; the agencies of the rows shown."""
    page.goto(f"{served.url}/archive/reports")
    page.fill("input#_search", words)
    page.press("input#_search", "Enter")
    page.wait_for_url("**_search=**")
    return [c.inner_text() for c in page.locator("table.rows-and-columns td.col-agency").all()]


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_two_character_search(page: Any, served: Served) -> None:
    agencies = search(page, served, "微博")
    shot(page, "search-weibo")
    assert "3 rows" in page.locator("h3").first.inner_text()
    assert sorted(agencies) == sorted([XILUOYUAN, "北京市东城区人民政府建国门街道办事处",
                                       "北京市东城区人民政府建国门街道办事处"])
    assert page.input_value("input#_search") == "微博"


def test_three_character_search(page: Any, served: Served) -> None:
    assert search(page, served, "宣传栏") == [XILUOYUAN]


def test_traditional_query_finds_simplified_report(page: Any, served: Served) -> None:
    assert search(page, served, "宣傳欄") == [XILUOYUAN]
    shot(page, "search-traditional")


def test_search_page_then_table(page: Any, served: Served) -> None:
    page.goto(served.url)
    page.click("text=Search the reports' text")
    page.fill("input#zfxxgk-q", "復議 微博")
    page.press("input#zfxxgk-q", "Enter")
    page.wait_for_url("**/-/zfxxgk/search?q=**")
    shot(page, "search-page")
    assert page.locator("h3.zfxxgk-count").inner_text().startswith("3 reports")
    assert page.locator("ol.zfxxgk-hits mark").first.inner_text() == "复议"
    page.click("a.zfxxgk-as-table")
    page.wait_for_url("**/archive/reports?_search=**")
    assert "3 rows" in page.locator("h3").first.inner_text()


def test_open_a_report(page: Any, served: Served) -> None:
    search(page, served, "宣传栏")
    page.locator("td.col-title a").first.click()
    page.wait_for_url("**/-/zfxxgk/report/**")
    shot(page, "report")
    assert page.locator("h1.zfxxgk-title").inner_text() == f"{XILUOYUAN}2019年政府信息公开工作年度报告"
    assert "通过宣传栏、微博" in page.locator("pre.zfxxgk-text").inner_text()
    assert page.locator("a.zfxxgk-url").get_attribute("href") == "http://portal.example/xiluoyuan/2019/report.html"
    assert "fetched 2024-03-01T08:00:00+00:00" in page.locator("table.zfxxgk-versions").inner_text()


def test_archived_script_does_not_run(page: Any, served: Served) -> None:
    search(page, served, "什刹海")
    page.locator("td.col-title a").first.click()
    page.wait_for_url("**/-/zfxxgk/report/**")
    shot(page, "report-with-script")
    assert page.evaluate("window.__zfxxgk_pwned === undefined")
    assert "<script>window.__zfxxgk_pwned = 1</script>" in page.locator("pre.zfxxgk-text").inner_text()
    with page.expect_download() as download:
        page.evaluate("href => { const a = document.createElement('a'); a.href = href; document.body.append(a); "
                      "a.click(); }", page.locator("a.zfxxgk-raw").first.get_attribute("href"))
    assert download.value.suggested_filename == "report.html"
    assert page.evaluate("window.__zfxxgk_pwned === undefined")


def test_facet_by_year_then_download_csv(page: Any, served: Served, tmp_path: Path) -> None:
    search(page, served, "微博")
    page.locator("#facet-year a", has_text="2019").click()
    page.wait_for_url("**year=2019**")
    shot(page, "facet-year")
    assert "2 rows" in page.locator("h3").first.inner_text()
    page.check("input[name=_dl]")
    with page.expect_download() as download:
        page.click("input[value='Export CSV']")
    saved = tmp_path / "reports.csv"
    download.value.save_as(saved)
    shutil.copy(saved, ARTIFACTS / "reports-weibo-2019.csv")
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert sorted((r["agency"], r["year"]) for r in rows) == sorted(
        [(XILUOYUAN, "2019"), ("北京市东城区人民政府建国门街道办事处", "2019")])


def test_research_views(page: Any, served: Served) -> None:
    page.goto(f"{served.url}/archive/coverage?region=丰台区")
    shot(page, "coverage")
    assert "1 of 2" in page.locator("table.rows-and-columns").inner_text()
    page.goto(f"{served.url}/archive/year_grid")
    shot(page, "year-grid")
    assert "✓" in page.locator("table.rows-and-columns").inner_text()
    page.goto(f"{served.url}/archive/panel")
    shot(page, "panel")
    assert page.locator("table.rows-and-columns tbody tr").count() == 8
