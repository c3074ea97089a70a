"""One writer per archive: a second crawl is refused at once, naming the first; a killed holder leaves no lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import ZFXXGK, query, run_cli

from crawler.lock import LockHeld, acquire, lock_path, read_holder
from crawler.sample.server import SampleServer

HOLD = "import sys, time; from crawler.lock import acquire; acquire(sys.argv[1], portal='p'); print('held', flush=True); time.sleep(60)"


def wait_for_holder(db: Path, pid: int, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        holder = read_holder(db)
        if holder.get("pid") == pid:
            return holder
        time.sleep(0.1)
    raise AssertionError(f"process {pid} never took the lock of {db}")


@pytest.fixture(scope="module")
def server():
    with SampleServer() as s:
        yield s


def test_second_crawl_exits_at_once_naming_the_first(server, tmp_path):
    env = {**os.environ, "ZFXXGK_DOWNLOAD_DELAY": "0.2", "ZFXXGK_WARC_DIR": str(tmp_path / "warc"),
           "ZFXXGK_JOBDIR": str(tmp_path / "jobs")}
    first = subprocess.Popen([ZFXXGK, "crawl", "--portal", "sample", "--base-url", server.url, "--db", "a.db"],
                             cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_holder(tmp_path / "a.db", first.pid)
        started = time.monotonic()
        second = run_cli("crawl", "--portal", "sample", "--base-url", server.url, "--db", "a.db",
                         cwd=tmp_path, check=False, timeout=60)
        assert second.returncode == 1
        assert f"pid {first.pid}" in second.stderr and "--portal sample" in second.stderr
        assert time.monotonic() - started < 30, "the refused crawl must not wait for the lock"
        assert first.poll() is None
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    run_cli("crawl", "--portal", "sample", "--base-url", server.url, "--db", "a.db", "--resume", cwd=tmp_path)
    assert query(tmp_path / "a.db", "select status from runs order by id")[-1][0] == "finished"


def test_sigkilled_holder_leaves_no_stuck_lock(tmp_path):
    db = tmp_path / "k.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(LockHeld) as refused:
        acquire(db)
    assert refused.value.holder["pid"] == holder.pid and refused.value.holder["portal"] == "p"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert lock_path(db).exists(), "the file stays; only the kernel's flock counted"
    mine = acquire(db, portal="q")
    assert json.loads(lock_path(db).read_text())["pid"] == os.getpid()
    assert acquire(db) is mine, "re-entrant within one process"
    mine.release()


def test_reparse_is_refused_while_a_writer_runs(tmp_path):
    db = tmp_path / "r.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run_cli("reparse", "--db", str(db), cwd=tmp_path, check=False)
        assert result.returncode == 1 and f"pid {holder.pid}" in result.stderr
    finally:
        holder.kill()
        holder.wait()
