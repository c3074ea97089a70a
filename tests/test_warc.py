"""Every crawl writes a WARC file that standard tools read: captures, and revisits that point at them."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run_cli
from warcio.archiveiterator import ArchiveIterator

from crawler.sample.server import SampleServer

SAME = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def records(path: Path) -> list:
    with path.open("rb") as stream:
        return [(r.rec_type, dict(r.rec_headers.headers), r.http_headers.get_statuscode() if r.http_headers else None)
                for r in ArchiveIterator(stream)]


@pytest.fixture(scope="module")
def warcs(tmp_path_factory):
    work = tmp_path_factory.mktemp("warc")
    with SampleServer() as server:
        for extra in ([], [], ["--full"]):
            run_cli("crawl", "--portal", "beijing", "--base-url", server.url, "--db", "w.db", *extra, cwd=work)
    files = sorted((work / "warc").glob("*.warc.gz"))
    assert len(files) == 3
    return [records(f) for f in files]


def test_first_crawl_captures_every_answer(warcs):
    first = warcs[0]
    assert first[0][0] == "warcinfo"
    responses = [h for t, h, _ in first if t == "response"]
    requests = [h for t, h, _ in first if t == "request"]
    assert responses and len(requests) == len(responses) + sum(t == "revisit" for t, _, _ in first)
    assert all(h["WARC-Payload-Digest"].startswith("sha1:") for h in responses)
    assert all(h["WARC-Type"] for h in responses)


def test_not_modified_answers_are_revisits(warcs):
    second = warcs[1]
    revisits = [h for t, h, _ in second if t == "revisit"]
    assert revisits and not [t for t, _, _ in second if t == "response"]
    assert {h["WARC-Profile"] for h in revisits} == {NOT_MODIFIED}
    assert all(h["WARC-Refers-To-Target-URI"] == h["WARC-Target-URI"] for h in revisits)


def test_identical_payloads_point_at_their_first_capture(warcs):
    first, third = warcs[0], warcs[2]
    captured = {(h["WARC-Target-URI"], h["WARC-Date"], h["WARC-Payload-Digest"])
                for t, h, _ in first if t == "response"}
    same = [h for t, h, _ in third if t == "revisit" and h["WARC-Profile"] == SAME]
    assert same
    for h in same:
        assert (h["WARC-Refers-To-Target-URI"], h["WARC-Refers-To-Date"], h["WARC-Payload-Digest"]) in captured
    assert all(h["WARC-Filename"].endswith(".warc.gz") for t, h, _ in third if t == "warcinfo")
