"""The benchmark portal: N reports of about 30 KB under paginated lists, served by SampleServer."""

from __future__ import annotations

import http.client
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from crawler.sample.bulk import build_bulk
from crawler.sample.manifest import load_manifest
from crawler.sample.server import SampleServer


def test_bulk_portal_is_served(tmp_path):
    site = build_bulk(tmp_path, 2000)
    manifest = load_manifest(site / "manifest.json")
    assert len(manifest.reports) == 2000 and len({r.pages[0] for r in manifest.reports}) == 2000
    assert len(manifest.lists["beijing"]) == 100
    sizes = [(site / r.pages[0].lstrip("/")).stat().st_size for r in manifest.reports[::200]]
    assert all(20_000 < s < 45_000 for s in sizes), sizes
    with SampleServer(root=site) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/gongkai/zfxxgk/gknb/index_99.html")
        body = conn.getresponse().read()
        assert b'createPageHTML(100, 99, "index", "html")' in body
        link = re.search(rb'href="\./(\d{6}/t\d+_\d+\.html)"', body).group(1).decode()
        conn.request("GET", "/gongkai/zfxxgk/gknb/" + link)
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read()
        conn.close()


def test_every_bulk_report_is_a_distinct_agency_and_year(tmp_path):
    """A benchmark of N reports archives N reports, not versions of a few hundred."""
    manifest = load_manifest(build_bulk(tmp_path, 7000) / "manifest.json")
    assert len({(r.agency, r.year) for r in manifest.reports}) == 7000
    assert len({(r.code, r.agency) for r in manifest.reports}) == len({r.agency for r in manifest.reports}) == 3 * 320


def test_benchmark_static_server_answers_as_the_sample_server(tmp_path):
    """bench/static_server.py stands in for the sample server in throughput runs: same bytes, same validators."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from static_server import StaticServer

    site = build_bulk(tmp_path, 40)
    paths = ["/gongkai/zfxxgk/gknb/index.html", "/gongkai/zfxxgk/gknb/index_1.html",
             load_manifest(site / "manifest.json").reports[7].pages[0], "/robots.txt", "/nowhere.html"]
    with SampleServer(root=site, noise=False) as sample, StaticServer(site) as static:
        answers = []
        for server in (sample, static):
            conn = http.client.HTTPConnection("127.0.0.1", urlsplit(server.url).port, timeout=10)
            got = []
            for path in paths:  # one kept-alive connection
                conn.request("GET", path)
                resp = conn.getresponse()
                got.append((resp.status, resp.read(), resp.getheader("ETag"), resp.getheader("Last-Modified"),
                            resp.getheader("Content-Type")))
            conn.request("GET", paths[2], headers={"If-None-Match": got[2][2]})
            resp = conn.getresponse()
            got.append((resp.status, resp.read(), resp.getheader("ETag")))
            conn.close()
            answers.append(got)
    assert answers[0] == answers[1]
    assert [a[0] for a in answers[1]] == [200, 200, 200, 404, 404, 304]
