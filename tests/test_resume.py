"""A crawl killed with SIGKILL at any point resumes to exactly the archive an uninterrupted crawl gives."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from support import ZFXXGK, archive_state, query, run_cli

from crawler.run import keep_clean_queue

SLOW = {"ZFXXGK_DOWNLOAD_DELAY": "0.2"}  # about 75 requests: the crawl takes well over 11 s


@pytest.mark.parametrize("kill_after", [1.0, 2.0, 6.0, 11.0])
def test_sigkill_then_resume(module_server, reference_state, tmp_path, kill_after):
    env = {**os.environ, "ZFXXGK_WARC_DIR": str(tmp_path / "warc"), "ZFXXGK_JOBDIR": str(tmp_path / "jobs"), **SLOW}
    proc = subprocess.Popen([ZFXXGK, "crawl", "--portal", "sample", "--base-url", module_server.url, "--db", "k.db"],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after)
    assert proc.poll() is None, "the crawl finished before the kill"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    resumed = run_cli("crawl", "--portal", "sample", "--base-url", module_server.url, "--db", "k.db", "--resume",
                      cwd=tmp_path)
    state = archive_state(tmp_path / "k.db")
    assert state == reference_state, resumed.stdout + resumed.stderr[-3000:]
    assert all(version == 1 for _, version, _ in state)
    assert query(tmp_path / "k.db", "select status from runs order by id") [-1][0] == "finished"


def test_unclean_queue_is_dropped(tmp_path):
    """What a kill leaves: a queue file with no header and no active.json (reading it fails in Scrapy)."""
    queue = tmp_path / "jobs" / "sample" / "requests.queue" / "127.0.0.1-0f" / "0"
    queue.parent.mkdir(parents=True)
    queue.write_bytes(b"")
    assert keep_clean_queue(tmp_path / "jobs" / "sample")
    assert not queue.exists()
    queue.parent.mkdir(parents=True)
    (queue.parent.parent / "active.json").write_text("{}")
    assert not keep_clean_queue(tmp_path / "jobs" / "sample")
