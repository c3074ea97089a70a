"""Nightly runs: the crontab line and systemd units are valid, and `zfxxgk watch` crawls on time and stops on SIGTERM."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from croniter import croniter
from support import ZFXXGK, query

from crawler.lock import acquire, read_holder
from crawler.sample.server import SampleServer

ROOT = Path(__file__).parent.parent
DEPLOY = ROOT / "deploy"
README = (ROOT / "README.md").read_text(encoding="utf-8")
INSTALLED_ZFXXGK = "/srv/zfxxgk/.venv/bin/zfxxgk"
ENV_LINE = re.compile(r"^[A-Z_][A-Z0-9_]*\s*=")


def crontab_entries(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#") and not ENV_LINE.match(line)]


def check_crontab_entry(line: str) -> None:
    """crontab(5): five time fields, then a command in which an unescaped % would become a newline."""
    fields = line.split(None, 5)
    assert len(fields) == 6, f"five time fields and a command: {line!r}"
    assert croniter.is_valid(" ".join(fields[:5])), line
    assert not re.search(r"(?<!\\)%", fields[5]), f"unescaped % in a crontab command: {line!r}"


def test_crontab_file_and_readme_line():
    entries = crontab_entries((DEPLOY / "crontab").read_text(encoding="utf-8"))
    blocks = re.findall(r"```crontab\n(.*?)```", README, re.S)
    readme_entries = [line for block in blocks for line in crontab_entries(block)]
    assert entries and readme_entries
    for line in entries + readme_entries:
        check_crontab_entry(line)
        assert "zfxxgk crawl" in line


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze missing: run .ci/system-deps")
def test_systemd_units_verify(tmp_path):
    """systemd-analyze checks every key against systemd's own tables; the binary path is pointed at ours."""
    names = ("zfxxgk-crawl.service", "zfxxgk-crawl.timer", "zfxxgk-ingest.service")
    for name in names:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED_ZFXXGK, ZFXXGK), encoding="utf-8")
        assert name in README
    result = subprocess.run(["systemd-analyze", "verify", *names],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    calendar = re.search(r"^OnCalendar=(.+)$", (DEPLOY / "zfxxgk-crawl.timer").read_text(), re.M).group(1)
    assert subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True).returncode == 0


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def runs(db: Path) -> list[tuple[int, str]]:
    """The archive's runs; none while the first crawl is still creating the file and its tables."""
    try:
        return query(db, "select id, status from runs order by id") if db.exists() else []
    except sqlite3.OperationalError:
        return []


def test_watch_crawls_on_schedule_and_stops_on_sigterm(tmp_path):
    db = tmp_path / "w.db"
    env = {**os.environ, "ZFXXGK_DOWNLOAD_DELAY": "0.1", "ZFXXGK_WARC_DIR": str(tmp_path / "warc"),
           "ZFXXGK_JOBDIR": str(tmp_path / "jobs")}
    with SampleServer() as server:
        watch = subprocess.Popen([ZFXXGK, "watch", "--cron", "* * * * * */2", "--jitter", "1", "--",
                                  "--portal", "sample", "--base-url", server.url, "--db", str(db)],
                                 cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: any(s == "finished" for _, s in runs(db)), 240, "a scheduled crawl to finish")
            # the next crawl starts on schedule; stop the watcher in the middle of it
            wait_until(lambda: len(runs(db)) >= 2 and runs(db)[-1][1] == "running", 60, "the next crawl")
            crawl_pid = read_holder(db)["pid"]
            assert crawl_pid != watch.pid
            watch.send_signal(signal.SIGTERM)
            assert watch.wait(timeout=120) == 0
        finally:
            if watch.poll() is None:
                watch.kill()
    log = watch.stderr.read()
    assert "watch: next crawl at" in log and "SIGTERM received" in log and "watch: stopped" in log
    assert runs(db)[0][1] == "finished"
    assert runs(db)[-1][1] == "shutdown", "the crawl it stopped closed its run"
    acquire(db).release()  # and left no lock behind
