"""Politeness, seen from the portal's side: what the sample server received."""

from __future__ import annotations

import pytest
from support import query, run_cli

from crawler.sample.server import SampleServer

COLUMN = "gongkai/zfxxgk/gknb/"


def crawl(server, tmp_path, *args, env=None):
    return run_cli("crawl", "--portal", "beijing", "--base-url", server.url, "--db", "p.db", *args,
                   cwd=tmp_path, env=env)


def test_user_agent_names_the_project_and_contact(tmp_path):
    with SampleServer() as server:
        crawl(server, tmp_path, "--contact", "ops@example.org")
        agents = {e.headers.get("User-Agent", "") for e in server.log}
    assert agents and all("zfxxgk" in a and "ops@example.org" in a for a in agents)


def test_retry_after_pauses_the_domain(tmp_path):
    page = "/" + COLUMN + "index_1.html"
    with SampleServer(faults={page: {"kind": "429", "delay": 2}}) as server:
        out = crawl(server, tmp_path)
        statuses = [e.status for e in server.log if e.path == page]
    assert statuses == [429, 200]
    assert "pausing 127.0.0.1 for 2 s: HTTP 429" in out.stderr


def test_daily_budget_per_domain(tmp_path):
    env = {"ZFXXGK_DAILY_BUDGET": "10"}
    with SampleServer() as server:
        crawl(server, tmp_path, env=env)
        first = len(server.log)
        server.clear_log()
        crawl(server, tmp_path, env=env)
        second = len(server.log)
    assert first == 10
    assert second == 0, "requests sent over budget"
    skipped = query(tmp_path / "p.db", "select count(*) from fetches where error like '%daily request budget%'")
    assert skipped[0][0] > 0


@pytest.mark.parametrize("how", [["--full"], []])
def test_full_fetch_sends_no_validators(tmp_path, how):
    env = {} if how else {"ZFXXGK_FULL_FETCH_DAYS": "0"}
    with SampleServer() as server:
        crawl(server, tmp_path)
        server.clear_log()
        crawl(server, tmp_path, *how, env=env)
        conditional = [e for e in server.log if "If-None-Match" in e.headers or "If-Modified-Since" in e.headers]
        statuses = {e.status for e in server.log}
    assert not conditional
    assert 304 not in statuses


def test_recrawl_revalidates(tmp_path):
    with SampleServer() as server:
        crawl(server, tmp_path)
        server.clear_log()
        crawl(server, tmp_path)
        pages = [e for e in server.log if e.path != "/robots.txt"]
    assert pages and all(e.status == 304 for e in pages)
    assert all("If-None-Match" in e.headers for e in pages)
