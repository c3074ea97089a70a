"""End to end: crawl the bundled sample portal, served on 127.0.0.1, into a real archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import free_port, manifest, query, run_cli

from crawler.sample.server import SampleServer

MANIFEST = manifest()
REPORTS = MANIFEST["reports"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the whole sample (served by `zfxxgk crawl` itself), then a second one."""
    work = tmp_path_factory.mktemp("crawl")
    env = {"ZFXXGK_SAMPLE_PORT": str(free_port())}
    first = run_cli("crawl", "--db", "archive.db", "--json", cwd=work, env=env)
    counts = {t: query(work / "archive.db", f"select count(*) from {t}")[0][0]
              for t in ("blobs", "reports", "report_versions", "agencies")}
    second = run_cli("crawl", "--db", "archive.db", "--json", cwd=work, env=env)
    return work, json.loads(first.stdout), json.loads(second.stdout), counts


def stored(work: Path) -> dict[str, dict[str, object]]:
    rows = query(work / "archive.db",
                 "select r.url, r.agency, r.year, r.title, v.text from reports r "
                 "join report_versions v on v.report_id = r.id and v.version = r.current_version")
    return {url: {"agency": a, "year": y, "title": t, "text": x} for url, a, y, t, x in rows}


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_every_sample_report_is_archived_once(crawled):
    work, first, _, _ = crawled
    by_path = {path_of(url): row for url, row in stored(work).items()}
    expected = {r["pages"][0] for r in REPORTS}
    assert set(by_path) == expected
    assert first["reports_seen"] == len(REPORTS)


@pytest.mark.parametrize("report", REPORTS, ids=[r["key"] for r in REPORTS])
def test_identity_and_text(crawled, report):
    work = crawled[0]
    row = {path_of(u): r for u, r in stored(work).items()}[report["pages"][0]]
    assert row["year"] == report["year"]
    assert row["agency"] == report["agency"]
    assert row["title"] == report["title"]
    assert len(row["text"]) > 200
    assert report["agency"][-4:] in row["text"] or str(report["year"]) in row["text"]


@pytest.mark.parametrize("form", ["docx", "pdf", "doc"])
def test_attachment_text_is_archived(crawled, form):
    work = crawled[0]
    rows = {path_of(u): r for u, r in stored(work).items()}
    for report in (r for r in REPORTS if r["form"] == form):
        text = rows[report["pages"][0]]["text"]
        assert "申请" in text, f"{report['key']}: attachment text missing"


def test_gbk_page_is_decoded(crawled):
    work = crawled[0]
    rows = {path_of(u): r for u, r in stored(work).items()}
    gbk = [r for r in REPORTS if r["encoding"].lower() in ("gbk", "gb2312", "gb18030")]
    assert gbk, "the sample must hold a GBK page"
    for report in gbk:
        text = rows[report["pages"][0]]["text"]
        assert "政府信息公开" in text
        assert "\ufffd" not in text


def test_twin_is_not_a_second_report(crawled):
    work = crawled[0]
    twins = [r for r in REPORTS if r["twin"]]
    assert twins
    urls = [u for (u,) in query(work / "archive.db", "select url from reports")]
    assert not any("/gate/big5/" in u for u in urls)
    roles = query(work / "archive.db", "select role from resources where url like '%/gate/big5/%'")
    assert roles and {r for (r,) in roles} == {"twin"}


def test_robots_txt_is_obeyed(crawled):
    work = crawled[0]
    private = MANIFEST["private"]
    fetched = query(work / "archive.db", "select url from fetches where status > 0")
    assert not any("/private/" in u for (u,) in fetched), private


def test_second_crawl_stores_nothing_new(crawled):
    work, first, second, counts = crawled
    after = {t: query(work / "archive.db", f"select count(*) from {t}")[0][0] for t in counts}
    assert after == counts
    assert second["new_versions"] == 0
    assert second["reports_seen"] == first["reports_seen"]
    assert second["not_modified"] >= 0.9 * second["fetched"]
    assert second["bytes"] < 0.1 * first["bytes"]


def test_portal_definition_on_a_local_copy(tmp_path):
    with SampleServer() as server:
        out = run_cli("crawl", "--portal", "beijing", "--base-url", server.url, "--db", "b.db", "--json",
                      cwd=tmp_path)
    summary = json.loads(out.stdout)
    expected = [r for r in REPORTS if r["portal"] in ("beijing", "fgw", "zdb")]
    assert summary["reports_seen"] == len(expected)
    urls = {path_of(u) for (u,) in query(tmp_path / "b.db", "select url from reports")}
    assert urls == {r["pages"][0] for r in expected}


def test_narrowed_crawl(tmp_path):
    year = 2019
    with SampleServer() as server:
        run_cli("crawl", "--portal", "dongcheng", "--base-url", server.url, "--year", str(year),
                "--db", "d.db", cwd=tmp_path)
    years = {y for (y,) in query(tmp_path / "d.db", "select year from reports")}
    expected = {r["pages"][0] for r in REPORTS if r["portal"] == "dongcheng" and r["year"] == year}
    urls = {path_of(u) for (u,) in query(tmp_path / "d.db", "select url from reports")}
    assert years == {year}
    assert urls == expected
    assert query(tmp_path / "d.db", "select scope from runs")[0][0] == f"year={year}"


def test_crawl_one_agency_of_the_legacy_platform(tmp_path):
    with SampleServer() as server:
        run_cli("crawl", "--portal", "zfxxgk-legacy", "--base-url", server.url, "--agency", "dcq11A047",
                "--db", "l.db", cwd=tmp_path)
    urls = {path_of(u) for (u,) in query(tmp_path / "l.db", "select url from reports")}
    expected = {r["pages"][0] for r in REPORTS if r["portal"] == "legacy" and "/dcq11A047/" in r["pages"][0]}
    assert expected and urls == expected
