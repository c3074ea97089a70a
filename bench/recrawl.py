"""Re-crawl of an unchanged portal: bytes transferred and archive growth, against the first crawl.

    .venv/bin/python bench/recrawl.py

Serves the bundled sample portal on loopback, crawls it twice into a fresh archive
and prints the ratios measured in this run (the issue asks for < 0.1 bytes and no
archive growth beyond the crawl log).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.sample.server import SampleServer

ZFXXGK = str(Path(sys.executable).with_name("zfxxgk"))
CONTENT_TABLES = ("blobs", "reports", "report_versions", "cells", "checks", "agencies", "resources")


def crawl(server: SampleServer, work: Path) -> int:
    """Bytes the server sent for one crawl (headers and bodies)."""
    server.clear_log()
    env = {**os.environ, "ZFXXGK_DOWNLOAD_DELAY": "0", "ZFXXGK_JOBDIR": str(work / "jobs"),
           "ZFXXGK_WARC_DIR": str(work / "warc")}
    subprocess.run([ZFXXGK, "crawl", "--portal", "sample", "--base-url", server.url, "--db", "bench.db"],
                   cwd=work, env=env, check=True, capture_output=True)
    return server.bytes_sent()


def content_rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in CONTENT_TABLES}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, SampleServer() as server:
        work = Path(tmp)
        first = crawl(server, work)
        rows_before, size_before = content_rows(work / "bench.db"), (work / "bench.db").stat().st_size
        second = crawl(server, work)
        rows_after = content_rows(work / "bench.db")
        grown = {t: rows_after[t] - rows_before[t] for t in CONTENT_TABLES if rows_after[t] != rows_before[t]}
        print(f"first crawl:  {first:>10,} bytes sent by the portal")
        print(f"second crawl: {second:>10,} bytes sent by the portal")
        print(f"re-crawl / first crawl bytes: {second / first:.3f}  (target < 0.1)")
        print(f"content rows added by the re-crawl: {grown or 'none'}  (target: none)")
        print(f"archive file: {size_before:,} → {(work / 'bench.db').stat().st_size:,} bytes "
              "(the difference is the crawl log: runs, fetches, sightings)")


if __name__ == "__main__":
    main()
