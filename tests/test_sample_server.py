"""The sample server on a real socket: validators, noise, states, faults, keep-alive."""

from __future__ import annotations

import http.client
import socket
import time

import pytest

from crawler.sample.faults import KINDS, Fault, fault_attachment, fault_page
from crawler.sample.server import Handler

LIST = "/gongkai/zfxxgk/gknb/index.html"


def get(server, path: str, method: str = "GET", headers: dict | None = None, timeout: float = 10):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    conn.request(method, path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_serves_html_without_charset(sample_server):
    resp, body = get(sample_server, LIST)
    assert resp.status == 200
    assert resp.getheader("Content-Type") == "text/html"
    assert int(resp.getheader("Content-Length")) == len(body)
    assert b"createPageHTML(3, 0, \"index\", \"html\")" in body


@pytest.mark.parametrize("validator", ["If-None-Match", "If-Modified-Since"])
def test_conditional_get_gives_304(sample_server, validator):
    first, _ = get(sample_server, LIST)
    value = first.getheader("ETag" if validator == "If-None-Match" else "Last-Modified")
    resp, body = get(sample_server, LIST, headers={validator: value})
    assert resp.status == 304 and body == b""


def test_stale_validators_give_the_page(sample_server):
    resp, body = get(sample_server, LIST, headers={"If-None-Match": '"other"'})
    assert resp.status == 200 and body
    resp, body = get(sample_server, LIST, headers={"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"})
    assert resp.status == 200 and body


def test_last_modified_comes_from_the_publish_date(sample_server, sample_manifest):
    report = sample_manifest.report("fgw-2023")
    resp, _ = get(sample_server, report.pages[0])
    assert resp.getheader("Last-Modified") == "Tue, 16 Jan 2024 02:00:00 GMT"


def test_noise_changes_bytes_not_etag(sample_server):
    a, body_a = get(sample_server, LIST)
    b, body_b = get(sample_server, LIST)
    assert body_a != body_b and a.getheader("ETag") == b.getheader("ETag")
    assert b"zfx:counter" not in body_a and b"zfx:now" not in body_a


def test_noise_off(sample_server_factory):
    server = sample_server_factory(noise=False)
    assert get(server, LIST)[1] == get(server, LIST)[1]


def test_head_has_headers_and_no_body(sample_server):
    resp, body = get(sample_server, LIST, method="HEAD")
    assert resp.status == 200 and body == b"" and int(resp.getheader("Content-Length")) > 1000


def test_attachment_types(sample_server, sample_manifest):
    types = {}
    for report in sample_manifest.reports:
        for path in report.attachments:
            types[path.rsplit(".", 1)[1]] = get(sample_server, path, method="HEAD")[0].getheader("Content-Type")
    assert types["pdf"] == "application/pdf" and types["doc"] == "application/msword"
    assert types["docx"].endswith("wordprocessingml.document")


def test_robots_and_missing(sample_server):
    resp, body = get(sample_server, "/robots.txt")
    assert resp.status == 200 and b"Disallow: /private/" in body
    assert get(sample_server, "/nope.html")[0].status == 404
    assert get(sample_server, "/../../etc/passwd")[0].status == 404
    assert get(sample_server, "/manifest.json")[0].status == 404


def test_keep_alive_and_nodelay(sample_server):
    """25 requests on one connection, answered without Nagle's wait (no timing asserted: CI machines vary)."""
    assert Handler.disable_nagle_algorithm is True
    conn = http.client.HTTPConnection("127.0.0.1", sample_server.port, timeout=5)
    conn.connect()
    sock = conn.sock
    for _ in range(25):
        conn.request("GET", LIST)
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read() and not resp.will_close
        assert conn.sock is sock, "the server closed the connection: no keep-alive"
    conn.close()


def test_request_log_counts_bytes(sample_server):
    sample_server.clear_log()
    _, body = get(sample_server, LIST, headers={"User-Agent": "zfxxgk-test"})
    entry = sample_server.log[-1]
    assert (entry.method, entry.path, entry.status) == ("GET", LIST, 200)
    assert entry.headers["User-Agent"] == "zfxxgk-test"
    assert sample_server.bytes_sent() == entry.sent > len(body)
    sample_server.clear_log()
    assert sample_server.bytes_sent() == 0


def test_next_state(sample_server, sample_next_manifest):
    events = {e.kind: e for e in sample_next_manifest.events}
    sample_server.set_state("next")
    assert get(sample_server, events["removed"].path)[0].status == 404
    moved, _ = get(sample_server, events["moved"].path)
    assert moved.status == 301 and moved.getheader("Location").endswith(events["moved"].new_path)
    assert get(sample_server, events["moved"].new_path)[0].status == 200
    new = sample_next_manifest.report(events["new"].key)
    assert new.pages[0].encode() in _linked_form(sample_server, new.list_page, new.pages[0])
    sample_server.set_state("current")
    assert get(sample_server, events["removed"].path)[0].status == 200
    assert get(sample_server, events["new"].path)[0].status == 404


def _linked_form(server, list_page: str, page: str) -> bytes:
    """The list page's body, with relative links made absolute for the check."""
    import posixpath
    import re

    _, body = get(server, list_page)
    folder = posixpath.dirname(list_page)
    links = re.findall(rb'href="([^"]+)"', body)
    return b" ".join(posixpath.normpath(posixpath.join(folder, link.decode())).encode() for link in links)


def test_fault_column_only_with_faults(sample_server, sample_server_factory):
    assert get(sample_server, "/faults/index.html")[0].status == 404
    server = sample_server_factory(faults="all")
    resp, body = get(server, "/faults/index.html")
    assert resp.status == 200
    for kind in KINDS:
        assert fault_page(kind).rsplit("/", 2)[1].encode() in body


def _faulty(factory, kind: str, **fields):
    path = fault_attachment(kind) if kind in ("not_zip_docx", "huge") else fault_page(kind)
    return factory(faults={path: Fault(kind, **fields)}), path


@pytest.mark.parametrize("kind", ["500", "403", "412"])
def test_status_bursts_then_recover(sample_server_factory, kind):
    server, path = _faulty(sample_server_factory, kind, times=2)
    assert [get(server, path)[0].status for _ in range(3)] == [int(kind), int(kind), 200]


def test_429_retry_after(sample_server_factory):
    server, path = _faulty(sample_server_factory, "429", delay=3)
    resp, _ = get(server, path)
    assert resp.status == 429 and resp.getheader("Retry-After") == "3"
    assert get(server, path)[0].status == 200


def test_slow(sample_server_factory):
    server, path = _faulty(sample_server_factory, "slow", delay=0.6)
    start = time.perf_counter()
    assert get(server, path)[0].status == 200
    assert time.perf_counter() - start >= 0.6
    server.set_faults({path: Fault("slow", delay=1.0)})
    with pytest.raises(TimeoutError):
        get(server, path, timeout=0.3)
    assert get(server, path)[0].status == 200


def test_reset(sample_server_factory):
    server, path = _faulty(sample_server_factory, "reset")
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        get(server, path)
    assert get(server, path)[0].status == 200


def test_truncated(sample_server_factory):
    server, path = _faulty(sample_server_factory, "truncated")
    with pytest.raises(http.client.IncompleteRead):
        get(server, path)
    assert get(server, path)[0].status == 200


def test_redirect_loop(sample_server_factory):
    server, path = _faulty(sample_server_factory, "redirect_loop", times=3)
    locations = []
    for _ in range(3):
        resp, _ = get(server, path)
        assert resp.status == 302
        locations.append(resp.getheader("Location"))
    assert len(set(locations)) == 3 and all(path in loc for loc in locations)
    assert get(server, path)[0].status == 200


def test_wrong_charset(sample_server_factory):
    server, path = _faulty(sample_server_factory, "wrong_charset")
    _resp, body = get(server, path)
    assert b'charset="utf-8"' in body and "年度报告".encode("gbk") in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "年度报告" in get(server, path)[1].decode("utf-8")


def test_not_zip_docx(sample_server_factory):
    server, path = _faulty(sample_server_factory, "not_zip_docx")
    resp, body = get(server, path)
    assert resp.status == 200 and not body.startswith(b"PK")
    assert get(server, path)[1].startswith(b"PK")


def test_huge_is_streamed(sample_server_factory):
    server, path = _faulty(sample_server_factory, "huge")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    assert int(resp.getheader("Content-Length")) == 300 * 1024 * 1024
    assert resp.read(4 << 20)[:5] == b"%PDF-"
    conn.close()
    assert get(server, path)[1][:5] == b"%PDF-"


def test_waf_page(sample_server_factory):
    server, path = _faulty(sample_server_factory, "waf", times=2)
    bodies = [get(server, path) for _ in range(2)]
    assert all(r.status == 200 and b"<script>" in b and "年度报告".encode() not in b for r, b in bodies)
    assert "年度报告".encode() in get(server, path)[1]


def test_fault_globs(sample_server_factory):
    server = sample_server_factory(faults={"/gongkai/zfxxgk/gknb/2024*/*.html": "500"})
    pages = ["/gongkai/zfxxgk/gknb/202401/t20240117_3509876.html", "/gongkai/zfxxgk/gknb/202401/t20240118_3512345.html"]
    assert [get(server, p)[0].status for p in pages] == [500, 200]


def test_unknown_fault_is_rejected():
    with pytest.raises(ValueError):
        Fault("teapot")


def test_socket_nodelay_on_server_side(sample_server):
    """The accepted socket has TCP_NODELAY: ask the handler's socket through a probe request."""
    seen = []
    original = Handler.setup

    def probe(self):
        original(self)
        seen.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    Handler.setup = probe
    try:
        get(sample_server, LIST)
    finally:
        Handler.setup = original
    assert seen and seen[0] != 0


def test_fault_column_is_linked_only_with_faults(sample_server, sample_server_factory):
    assert b"/faults/index.html" not in get(sample_server, "/index.html")[1]
    server = sample_server_factory(faults="all", noise=False)
    for page in ("/index.html", LIST):
        body = get(server, page)[1]
        assert b'href="/faults/index.html"' in body and b"zfx:faults" not in body
