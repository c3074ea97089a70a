"""Scale-out on a real redis-module_server: two workers and one ingester crawl the sample portal; one worker is
SIGKILLed mid-crawl; every report is fetched once (twice only if the dead worker held it) and the archive
equals a single-process crawl's."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
import redis
from redis_support import redis_server
from support import ZFXXGK, archive_state, manifest, query, run_cli


pytestmark = pytest.mark.redis

WORKER_ENV = {"ZFXXGK_DOWNLOAD_DELAY": "0.2", "ZFXXGK_WORKER_TIMEOUT": "3"}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    full = {**os.environ, "ZFXXGK_WARC_DIR": str(cwd / "warc"), "ZFXXGK_JOBDIR": str(cwd / "jobs"), **env}
    return subprocess.Popen([ZFXXGK, *args], cwd=cwd, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def held_by(client: redis.Redis, pid: int) -> int:
    """Requests the worker with this pid holds in flight right now."""
    keys = client.keys(f"zfxxgk:sample:*:inflight:{socket.gethostname()}:{pid}")
    return sum(client.scard(k) for k in keys)


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def killed_crawl(redis_url, module_server, tmp_path_factory):
    """Two workers and an ingester; the second worker is SIGKILLed while it holds requests."""
    work = tmp_path_factory.mktemp("shared")
    module_server.clear_log()
    client = redis.Redis.from_url(redis_url)
    worker_args = ["crawl", "--redis", redis_url, "--portal", "sample", "--base-url", module_server.url,
                   "--db", "worker-has-no-archive.db", "--json"]
    ingester = start(["ingest", "--redis", redis_url, "--db", "r.db"], work, {})
    first = start(worker_args, work, WORKER_ENV)
    second = start(worker_args, work, WORKER_ENV)
    try:
        wait_until(lambda: len(module_server.log) > 15 and held_by(client, second.pid) > 0, 120,
                   "the second worker to hold requests mid-crawl")
        second.send_signal(signal.SIGKILL)
        second.wait()
        out, err = first.communicate(timeout=400)
        assert first.returncode == 0, err[-3000:]
        assert json.loads(out)["finish_reason"] == "finished"
        assert ingester.wait(timeout=120) == 0, ingester.stderr.read()[-3000:]
    finally:
        for proc in (first, second, ingester):
            if proc.poll() is None:
                proc.kill()
    return work, Counter(e.path for e in module_server.log if e.method == "GET")


def test_two_workers_one_killed(killed_crawl, redis_url, reference_state):
    work, gets = killed_crawl
    db = work / "r.db"
    assert archive_state(db) == reference_state
    (status, stats), = query(db, "select status, stats from runs")
    requeued = json.loads(stats)["zfxxgk/requeued"]
    assert status == "finished" and requeued >= 1, "the dead worker's requests went back to the frontier"
    pages = [r["pages"][0] for r in manifest()["reports"]]
    assert all(gets[p] >= 1 for p in pages)
    assert sum(gets[p] - 1 for p in pages) <= requeued, "a page is fetched again only if the dead worker held it"
    sightings = query(db, "select url, count(*) from sightings group by url")
    assert len(sightings) == len(pages) and all(n == 1 for _, n in sightings)
    assert not redis.Redis.from_url(redis_url).keys("zfxxgk:sample:*:queue"), "the finished frontier was cleaned up"


def test_recrawl_by_a_worker_beside_the_archive(killed_crawl, redis_url, module_server, reference_state):
    """A worker that can read the archive sends conditional requests: 304s, and no new version."""
    work, _ = killed_crawl
    ingester = start(["ingest", "--redis", redis_url, "--db", "r.db"], work, {})
    worker = run_cli("crawl", "--redis", redis_url, "--portal", "sample", "--base-url", module_server.url, "--db", "r.db",
                     "--json", cwd=work)
    assert json.loads(worker.stdout)["finish_reason"] == "finished"
    assert ingester.wait(timeout=120) == 0
    db = work / "r.db"
    assert archive_state(db) == reference_state
    (not_modified,), = query(db, "select count(*) from fetches where status = 304 and run_id = 2")
    assert not_modified >= len(manifest()["reports"])
    assert query(db, "select status from runs where id = 2") == [("finished",)]


def test_workers_share_the_daily_budget(redis_url, module_server, tmp_path):
    """Two workers with a daily budget of 30 send at most 30 requests to the portal between them, not 60."""
    url = redis_url.rsplit("/", 1)[0] + "/1"  # a database of its own: the budget is counted per host and day
    module_server.clear_log()
    env = {**WORKER_ENV, "ZFXXGK_DAILY_BUDGET": "30"}
    args = ["crawl", "--redis", url, "--portal", "sample", "--base-url", module_server.url,
            "--db", "worker-has-no-archive.db", "--json"]
    ingester = start(["ingest", "--redis", url, "--db", "b.db"], tmp_path, {})
    workers = [start(args, tmp_path, env) for _ in range(2)]
    try:
        stats = []
        for worker in workers:
            out, err = worker.communicate(timeout=400)
            assert worker.returncode == 0, err[-3000:]
            stats.append(json.loads(out))
        assert ingester.wait(timeout=120) == 0, ingester.stderr.read()[-3000:]
    finally:
        for proc in (*workers, ingester):
            if proc.poll() is None:
                proc.kill()
    sent = [s["response_received_count"] or 0 for s in stats]
    assert len(module_server.log) <= 30, f"the portal got {len(module_server.log)} requests (workers sent {sent})"
    assert all(n > 0 for n in sent), f"both workers fetched: {sent}"
    assert sum(s["zfxxgk/over_budget"] or 0 for s in stats) > 0, "the budget ran out before the portal did"
    (refused,), = query(tmp_path / "b.db", "select count(*) from fetches where error like '%daily request budget%'")
    assert refused > 0
    day = datetime.now(timezone.utc).date().isoformat()
    counted = redis.Redis.from_url(url).get(f"zfxxgk:budget:{day}:127.0.0.1")
    assert int(counted) == len(module_server.log), "leases left unsent were given back"
