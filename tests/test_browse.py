"""The archive served by Datasette: search, facets, exports, report page, raw files, read-only and WAL."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import shutil
import sqlite3
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import archive_fixture
from archive.datasette_app import make_datasette
from browse_server import Served, browse_server

XILUOYUAN = "北京市丰台区人民政府西罗园街道办事处"
JIANGUOMEN = "北京市东城区人民政府建国门街道办事处"


class Client:
    """A real Datasette on the archive, called in-process."""

    def __init__(self, path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.ds = make_datasette(path)
        self.loop.run_until_complete(self.ds.invoke_startup())

    def get(self, path: str) -> Any:
        return self.loop.run_until_complete(self.ds.client.get(path))

    def json(self, path: str, **args: str) -> Any:
        query = urllib.parse.urlencode({**args, "_shape": "array", "_size": "max"})
        response = self.get(f"{path}.json?{query}")
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def client(archive_path: Path) -> Iterator[Client]:
    c = Client(archive_path)
    yield c
    c.loop.close()


def agencies_years(rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(r["agency"], r["year"]) for r in rows}


def test_search_box_and_short_search_on_reports(client: Client) -> None:
    page = client.get("/archive/reports?_search=" + urllib.parse.quote("微博")).text
    assert 'name="_search"' in page
    assert "3 rows" in page and "where text contains &#34;微博&#34;" in page
    assert agencies_years(client.json("/archive/reports", _search="微博")) == {
        (XILUOYUAN, 2019), (JIANGUOMEN, 2018), (JIANGUOMEN, 2019)}


def test_long_and_traditional_search(client: Client) -> None:
    assert agencies_years(client.json("/archive/reports", _search="宣傳欄")) == {(XILUOYUAN, 2019)}
    assert agencies_years(client.json("/archive/reports", _search="西红门")) == {("北京市大兴区西红门镇人民政府", 2020)}


def test_search_on_versions_and_views(client: Client) -> None:
    assert len(client.json("/archive/report_versions", _search="更正")) == 1
    assert agencies_years(client.json("/archive/panel", _search="微博 复议")) == {
        (XILUOYUAN, 2019), (JIANGUOMEN, 2018), (JIANGUOMEN, 2019)}
    assert agencies_years(client.json("/archive/failed_checks", _search="更正")) == {(JIANGUOMEN, 2019)}
    assert 'name="_search"' not in client.get("/archive/runs").text


def test_facets_from_metadata(client: Client) -> None:
    data = client.get("/archive/reports.json?_search=" + urllib.parse.quote("微博")).json()
    assert {"region", "agency", "year", "template"} <= set(data["facet_results"])
    years = {f["value"]: f["count"] for f in data["facet_results"]["year"]["results"]}
    assert years == {2019: 2, 2018: 1}


def test_csv_export_of_a_search(client: Client) -> None:
    response = client.get("/archive/reports.csv?_search=" + urllib.parse.quote("宣传栏"))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["agency"], r["year"]) for r in rows] == [(XILUOYUAN, "2019")]


def test_metadata_describes_tables(client: Client) -> None:
    page = client.get("/archive/panel").text
    assert "One row per report (agency × year)" in page
    assert "万元" in client.get("/archive/cells").text


def test_canned_queries(client: Client) -> None:
    grid = {r["agency"]: r for r in client.json("/archive/year_grid")}
    assert grid[XILUOYUAN]["2019"] == "✓" and grid[XILUOYUAN]["2022"] is None
    report = client.json("/archive/reports", agency=JIANGUOMEN, year="2019")[0]["id"]
    assert [r["version"] for r in client.json("/archive/report_history", report=report)] == [1, 2]


def test_recent_alerts_newest_first(archive_path: Path, tmp_path: Path) -> None:
    from datetime import date

    import sqlite_utils

    from archive.alerts import Alert, save_alerts

    copy = Path(shutil.copy(archive_path, tmp_path / "alerts.db"))
    db = sqlite_utils.Database(copy)
    report = db.execute("select id from reports where agency = ? and year = 2019", [JIANGUOMEN]).fetchone()[0]
    with db.conn:
        save_alerts(db, [Alert(kind="new", key="new:sample:first-crawl", title="首次抓取", portal="sample")],
                    run_id=1, as_of=date(2024, 3, 1))
    with db.conn:
        save_alerts(db, [Alert(kind="inconsistent", key=f"inconsistent:{report}:v2", title="requests_balance",
                               portal="sample", agency=JIANGUOMEN, year=2019, report_id=report, version=2,
                               detail="新收 30 ≠ 办结 32 + 结转 0")], run_id=2, as_of=date(2024, 6, 1))
    rows = Client(copy).json("/archive/recent_alerts")
    assert [(r["kind"], r["report_id"]) for r in rows] == [("inconsistent", report), ("new", None)]
    page = Client(copy).get("/archive/recent_alerts").text
    assert f'href="/-/zfxxgk/report/{report}"' in page


def report_id(client: Client, agency_part: str, year: int) -> str:
    return str(client.json("/archive/reports", agency__contains=agency_part, year=str(year))[0]["id"])


def test_report_page_escapes_archived_html(client: Client) -> None:
    page = client.get(f"/-/zfxxgk/report/{report_id(client, '什刹海', 2024)}").text
    assert "&lt;script&gt;window.__zfxxgk_pwned = 1&lt;/script&gt;" in page
    assert "<script>window.__zfxxgk_pwned" not in page
    assert not re.search(r"<img[^>]*onerror", page)
    assert 'href="http://portal.example/shichahai/2024/report.html"' in page


def test_report_page_shows_versions_fetches_and_changes(client: Client) -> None:
    page = client.get(f"/-/zfxxgk/report/{report_id(client, '建国门', 2019)}").text
    assert page.count('class="zfxxgk-raw"') == 2
    assert "fetched 2024-03-01T08:00:00+00:00" in page and "fetched 2024-06-01T08:00:00+00:00" in page
    assert "requests_balance: failed" in page
    assert "+（更正）" in page
    first = client.get(f"/-/zfxxgk/report/{report_id(client, '建国门', 2019)}?version=1").text
    assert "（更正）" not in first.split("Archived text")[1]


def test_raw_file_is_a_download_never_rendered(client: Client) -> None:
    page = client.get(f"/-/zfxxgk/report/{report_id(client, '什刹海', 2024)}").text
    raw = re.search(r'href="(/-/zfxxgk/raw/[0-9a-f]{64})"', page)
    assert raw
    response = client.get(raw.group(1))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith('attachment; filename="report.html"')
    assert "sandbox" in response.headers["content-security-policy"]
    assert archive_fixture.XSS.encode() in response.content
    assert client.get("/-/zfxxgk/raw/" + "0" * 64).status_code == 404


def test_served_archive_cannot_be_written(client: Client) -> None:
    db = client.ds.get_database("archive")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        client.loop.run_until_complete(db.execute_write("delete from reports"))
    assert client.json("/archive/reports")


def fetch_json(served: Served, path: str) -> Any:
    with urllib.request.urlopen(served.url + path, timeout=10) as response:
        return json.load(response)


def test_browse_serves_a_crawl_as_it_writes(archive_path: Path, tmp_path: Path) -> None:
    db = Path(shutil.copy(archive_path, tmp_path / "live.db"))
    with sqlite3.connect(db) as conn:
        conn.execute("delete from search_trigram where rowid = 1")
    with browse_server(db) as served:
        found = fetch_json(served, "/archive/reports.json?_shape=array&_search=" + urllib.parse.quote("宣传栏"))
        assert [r["agency"] for r in found] == [XILUOYUAN]
        doc = next(d for d in archive_fixture.documents() if d.key == "xianfenglu")
        archive_fixture.crawl(db, "2024-09-01T08:00:00+00:00", [doc], {"xianfenglu-2019"})
        assert sqlite3.connect(db).execute("pragma journal_mode").fetchone()[0] == "wal"
        versions = fetch_json(served, "/archive/report_versions.json?_shape=array&_search="
                                      + urllib.parse.quote("（更正）"))
        assert len(versions) == 2


def test_an_empty_archive_is_browsable(tmp_path: Path) -> None:
    from archive.db import open_db

    open_db(tmp_path / "empty.db").close()
    client = Client(tmp_path / "empty.db")
    for path in ["/archive", "/archive/reports?_search=复议", "/archive/year_grid", "/archive/coverage",
                 "/archive/panel", "/archive/agency_years"]:
        assert client.get(path).status_code == 200, path
    assert client.json("/archive/reports", _search="复议") == []
    assert client.get("/-/zfxxgk/report/nothing").status_code == 404


def test_search_page_shows_words_in_context(client: Client) -> None:
    page = client.get("/-/zfxxgk/search?q=" + urllib.parse.quote("復議 微博")).text
    assert "3 reports containing" in page
    assert "<mark>复议</mark>" in page
    assert 'href="/archive/reports?_search=%E5%BE%A9%E8%AD%B0%20%E5%BE%AE%E5%8D%9A"' in page
    hostile = client.get("/-/zfxxgk/search?q=" + urllib.parse.quote('script <b>x</b>')).text
    assert "&lt;b&gt;x&lt;/b&gt;" in hostile and "<b>x</b>" not in hostile
    assert "<mark>script</mark>" in client.get("/-/zfxxgk/search?q=script").text
    assert "<script>window" not in client.get("/-/zfxxgk/search?q=script").text
