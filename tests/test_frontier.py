"""The Redis frontier's rules, on a real redis-server: no request lost or doubled, whoever dies."""

from __future__ import annotations

import time

import pytest
import redis
from redis_support import redis_server

from crawler.frontier import Frontier, crawl_state, live_workers

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as u:
        yield u


@pytest.fixture
def client(url):
    server = redis.Redis.from_url(url)
    server.flushdb()
    return server


def worker(client: redis.Redis, name: str, timeout: float = 1.0) -> Frontier:
    frontier = Frontier(client, "p", timeout, worker=name)
    frontier.join("http://127.0.0.1/", "")
    return frontier


def test_first_worker_seeds_the_others_join(client):
    a, b = worker(client, "a"), worker(client, "b")
    assert a.creator and not b.creator and a.crawl_id == b.crawl_id
    assert not a.try_finish(), "not finished before it was seeded"
    a.mark_seeded()
    assert a.try_finish() and b.try_finish()
    assert worker(client, "c").crawl_id != a.crawl_id, "after a finished crawl the next worker starts a new one"


def test_duplicates_are_filtered_and_order_is_priority_then_fifo(client):
    a = worker(client, "a")
    assert a.push(b"list-1", 0, "fp1") and not a.push(b"list-1 again", 0, "fp1")
    assert a.push(b"list-2", 0, "fp2") and a.push(b"piece", 10, "") and a.push(b"piece", 10, "")
    assert [a.pop()[1] for _ in range(4)] == [b"piece", b"piece", b"list-1", b"list-2"]
    assert a.pop() is None


def test_a_dead_workers_requests_go_back(client):
    a, b = worker(client, "a"), worker(client, "b", timeout=1.0)
    a.mark_seeded()
    a.push(b"r1", 0, "1")
    a.push(b"r2", 0, "2")
    held = b.pop()
    assert held is not None and a.queued() == 1
    assert not a.try_finish(), "b still holds a request"
    time.sleep(1.2)  # b's heartbeat expires: b was SIGKILLed
    a.heartbeat()
    assert a.reap() == 1 and a.queued() == 2
    assert crawl_state(client, "p", a.crawl_id)["requeued"] == "1"
    assert live_workers(client, "p", a.crawl_id) == 1
    for _ in range(2):
        token, _data = a.pop()
        a.ack(token)
    assert a.try_finish()


def test_a_retry_replaces_its_parent_in_one_step(client):
    a = worker(client, "a")
    a.mark_seeded()
    a.push(b"page", 0, "fp")
    token, _ = a.pop()
    assert a.push(b"page, second try", 0, "", replaces=token)
    assert not a.server.sismember(f"{a.base}inflight:a", token)
    assert a.pop()[1] == b"page, second try"


def test_leaving_hands_back_what_a_worker_holds(client):
    a, b = worker(client, "a"), worker(client, "b")
    a.mark_seeded()
    a.push(b"r", 0, "1")
    b.pop()
    assert b.leave(b"farewell") == 1
    assert a.queued() == 1 and client.lrange("zfxxgk:messages", 0, -1) == [b"farewell"]
