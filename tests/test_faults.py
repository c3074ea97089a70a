"""Every fault the sample server can inject is recorded with its reason, and the crawl goes on."""

from __future__ import annotations

import json

import pytest
from support import query, run_cli

from crawler.sample.faults import KINDS, fault_attachment, fault_page
from crawler.sample.server import SampleServer

ENV = {
    "ZFXXGK_TIMEOUT": "1.5",           # the slow fault waits 2.5 s
    "ZFXXGK_RETRY_TIMES": "3",
    "ZFXXGK_RETRY_BACKOFF": "0.2",
    "ZFXXGK_BLOCK_BACKOFF_MINUTES": "0.01",
    "ZFXXGK_MAX_SIZE_MB": "5",          # the huge attachment is 300 MB
}


@pytest.fixture(scope="module")
def fault_crawls(tmp_path_factory):
    work = tmp_path_factory.mktemp("faults")
    with SampleServer(faults="all") as server:
        base = server.url + "faults/"
        first = run_cli("crawl", "--portal", "trs", "--base-url", base, "--db", "f.db", "--json", cwd=work, env=ENV)
        second = run_cli("crawl", "--portal", "trs", "--base-url", base, "--db", "f.db", "--json", cwd=work, env=ENV)
    return work / "f.db", json.loads(first.stdout), json.loads(second.stdout), server.url


def log_for(db, path):
    return query(db, "select run_id, status, coalesce(error, '') from fetches where url like ? order by id",
                 f"%{path}%")


@pytest.mark.parametrize("kind,expected", [
    ("500", "500"), ("429", "429"), ("slow", "TimeoutError"), ("reset", "ConnectionLost|ResponseFailed"),
    ("truncated", "ResponseFailed|PotentialDataLoss|DataLoss"), ("redirect_loop", "302"),
    ("waf", "blocked"), ("403", "403"), ("412", "blocked"),
])
def test_fault_is_logged_with_its_reason(fault_crawls, kind, expected):
    db = fault_crawls[0]
    rows = log_for(db, fault_page(kind))
    reasons = " ".join(f"{status} {error}" for _, status, error in rows if status != 200 or error)
    assert any(alt in reasons for alt in expected.split("|")), rows


def test_huge_attachment_is_cut_off_and_logged(fault_crawls):
    db = fault_crawls[0]
    rows = log_for(db, fault_attachment("huge"))
    assert rows and rows[0][0] == 1 and "max size" in rows[0][2], rows
    assert not query(db, "select 1 from blobs where size > 5 * 1024 * 1024")


def test_crawls_finish_and_a_later_crawl_fetches_what_failed(fault_crawls):
    db, first, second, _ = fault_crawls
    assert first["status"] == second["status"] == "finished"
    pages = {url.split("/faults/")[1].split("/")[0] for (url,) in query(db, "select url from reports")}
    assert pages == set(KINDS), set(KINDS) - pages


def test_block_page_is_never_content(fault_crawls):
    db = fault_crawls[0]
    texts = [t for (t,) in query(db, "select text from report_versions")]
    assert not any("创宇盾" in t or "acw_sc__v2" in t for t in texts)
    assert not query(db, "select 1 from fetches f join blobs b on b.sha256 = f.sha256 where f.error like 'blocked%'")


def test_wrong_charset_is_decoded(fault_crawls):
    db = fault_crawls[0]
    (text,) = query(db, "select v.text from reports r join report_versions v on v.report_id = r.id "
                        "where r.url like ?", f"%{fault_page('wrong_charset')}")[0]
    assert "政府信息公开" in text and "\ufffd" not in text


def test_docx_that_is_not_a_zip_is_recorded(fault_crawls):
    db = fault_crawls[0]
    (sources,) = query(db, "select v.sources from reports r join report_versions v on v.report_id = r.id "
                           "where r.url like ? order by v.version limit 1", f"%{fault_page('not_zip_docx')}")[0]
    docx = [s for s in json.loads(sources) if s["url"].endswith(".docx")]
    assert docx and docx[0]["doc_status"] == "corrupt" and docx[0]["reason"]


def test_failed_fetch_leaves_the_archive_untouched(tmp_path):
    """An archived report whose page and attachment now fail keeps its version; the failure is only logged."""
    page = "/gongkai/zfxxgk/gknb/202401/t20240118_3512345.html"
    with SampleServer() as server:
        run_cli("crawl", "--portal", "beijing", "--base-url", server.url, "--db", "a.db", cwd=tmp_path, env=ENV)
        before = query(tmp_path / "a.db", "select report_id, version, content_hash from report_versions order by 1, 2")
        server.set_faults({page: {"kind": "500", "times": 100}, "*.pdf": {"kind": "reset", "times": 100},
                           "*.docx": {"kind": "truncated", "times": 100}})
        run_cli("crawl", "--portal", "beijing", "--base-url", server.url, "--db", "a.db", "--full",
                cwd=tmp_path, env=ENV)
    after = query(tmp_path / "a.db", "select report_id, version, content_hash from report_versions order by 1, 2")
    assert after == before
    failures = query(tmp_path / "a.db", "select count(*) from fetches where run_id = 2 and (status >= 500 or error != '')")
    assert failures[0][0] > 0
