"""End to end on real sockets: report pages that answer 5xx or a WAF block, crawl after crawl, are
never taken as removed; after `fetch_failures` crawls in a row they raise one fetch_failed alert each.
"""

from __future__ import annotations

import json

import pytest
from support import free_port, manifest, query, run_cli

pytest.importorskip("parsers.report", reason="needs the report parser (parsers/report.py), landing on main")
from crawler.sample.faults import Fault  # noqa: E402
from crawler.sample.server import SampleServer  # noqa: E402

HTML = [r for r in manifest("site")["reports"] if r["form"] == "html"]
FAULTS = {HTML[0]["pages"][0]: Fault("500", times=10_000), HTML[1]["pages"][0]: Fault("waf", times=10_000)}
ENV = {"ZFXXGK_RETRY_TIMES": "1", "ZFXXGK_RETRY_BACKOFF": "0.1", "ZFXXGK_BLOCK_BACKOFF_MINUTES": "0.005",
       "ZFXXGK_AS_OF": "2025-03-01"}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    work = tmp_path_factory.mktemp("faulty")
    port = free_port()
    env = {**ENV, "ZFXXGK_SAMPLE_PORT": str(port), "ZFXXGK_FEED": str(work / "alerts.atom")}
    run_cli("crawl", "--db", "archive.db", cwd=work, env=env)
    with SampleServer(port=port, faults=FAULTS) as server:
        runs = [json.loads(run_cli("crawl", "--portal", "sample", "--base-url", server.url, "--db", "archive.db",
                                   "--json", cwd=work, env=env, check=False).stdout) for _ in range(3)]
    return work, runs


def test_failing_pages_are_never_removed(faulty):
    work, runs = faulty
    assert all(a["kind"] != "removed" for run in runs for a in run["alerts"])
    for report in HTML[:2]:
        state = query(work / "archive.db", "select state from reports where url like ?", f"%{report['pages'][0]}")
        assert state == [("live",)]


def test_fetch_failed_once_after_three_failing_crawls(faulty):
    _, runs = faulty
    assert [[a["kind"] for a in run["alerts"]] for run in runs[:2]] == [[], []]
    failed = sorted((a["agency"], a["year"]) for a in runs[2]["alerts"] if a["kind"] == "fetch_failed")
    assert failed == sorted((r["agency"], r["year"]) for r in HTML[:2])
    assert {a["kind"] for a in runs[2]["alerts"]} == {"fetch_failed"}
