"""A crawl frontier in Redis that any number of worker processes share, and that survives a worker's death.

Plain scrapy-redis pops a request and forgets it, so the requests a killed worker
held are lost. Here a pop moves the request into the worker's in-flight set (one
Lua script, so never both or neither), and it leaves that set only when
everything it produced is in Redis: the requests its callback yielded (pushed
synchronously by the scheduler) and its report (pushed by the pipeline), or its
replacement (a retry or redirect). Every worker keeps a heartbeat key with a
TTL; whoever notices a heartbeat gone puts that worker's in-flight requests back
in the queue. So no request is lost, and one is fetched twice only when a worker
died holding it.

The duplicate filter is a Redis set of scrapy-redis fingerprints, updated in the
same script that queues the request, so a request is never marked seen without
being queued. The crawl is finished when it was seeded and, atomically, the
queue is empty and no live worker holds anything.

Keys (one Redis, not a cluster): ``zfxxgk:<portal>:current`` names the running
crawl id; under ``zfxxgk:<portal>:<id>:`` live ``state`` (hash), ``queue`` (zset
of tokens, score -priority, FIFO within a priority), ``requests`` (token →
serialised request), ``seen``, ``seq``, ``workers``, ``alive:<worker>``,
``inflight:<worker>``. ``zfxxgk:messages`` carries everything for the ingester.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import redis

MESSAGES = "zfxxgk:messages"

_JOIN = """
local prefix, me, ttl, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local cur = redis.call('GET', KEYS[1])
if cur then
  local base = prefix .. cur .. ':'
  if redis.call('HGET', base .. 'state', 'status') == 'running' then
    redis.call('SADD', base .. 'workers', me)
    redis.call('SET', base .. 'alive:' .. me, now, 'PX', ttl)
    local creator = redis.call('HGET', base .. 'state', 'creator')
    if redis.call('HGET', base .. 'state', 'seeded') ~= '1'
       and redis.call('EXISTS', base .. 'alive:' .. creator) == 0 then
      redis.call('HSET', base .. 'state', 'creator', me)
      return {cur, 'creator'}
    end
    return {cur, 'worker'}
  end
end
local id = ARGV[5]
local base = prefix .. id .. ':'
redis.call('SET', KEYS[1], id)
redis.call('HSET', base .. 'state', 'status', 'running', 'creator', me, 'seeded', '0', 'started', now,
           'portal', ARGV[6], 'base_url', ARGV[7], 'scope', ARGV[8], 'requeued', '0')
redis.call('SADD', base .. 'workers', me)
redis.call('SET', base .. 'alive:' .. me, now, 'PX', ttl)
return {id, 'creator'}
"""

_PUSH = """
local base, fp, score, data, replaces, me = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local queued = 0
if fp == '' or redis.call('SADD', base .. 'seen', fp) == 1 then
  local token = score .. ':' .. string.format('%012d', redis.call('INCR', base .. 'seq'))
  redis.call('HSET', base .. 'requests', token, data)
  redis.call('ZADD', base .. 'queue', score, token)
  queued = 1
end
if replaces ~= '' then
  redis.call('SREM', base .. 'inflight:' .. me, replaces)
  redis.call('HDEL', base .. 'requests', replaces)
end
return queued
"""

_POP = """
local base, me = ARGV[1], ARGV[2]
local top = redis.call('ZPOPMIN', base .. 'queue')
if #top == 0 then return false end
redis.call('SADD', base .. 'inflight:' .. me, top[1])
return {top[1], redis.call('HGET', base .. 'requests', top[1])}
"""

_REAP = """
local base = ARGV[1]
local n = 0
for _, w in ipairs(redis.call('SMEMBERS', base .. 'workers')) do
  if redis.call('EXISTS', base .. 'alive:' .. w) == 0 then
    for _, t in ipairs(redis.call('SMEMBERS', base .. 'inflight:' .. w)) do
      redis.call('ZADD', base .. 'queue', tonumber(string.match(t, '^(-?%d+):')), t)
      n = n + 1
    end
    redis.call('DEL', base .. 'inflight:' .. w)
    redis.call('SREM', base .. 'workers', w)
  end
end
if n > 0 then redis.call('HINCRBY', base .. 'state', 'requeued', n) end
return n
"""

_FINISH = """
local base, now = ARGV[1], ARGV[2]
local state = base .. 'state'
if redis.call('HGET', state, 'status') ~= 'running' then return 0 end
if redis.call('HGET', state, 'seeded') ~= '1' then return 0 end
if redis.call('ZCARD', base .. 'queue') > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', base .. 'workers')) do
  if redis.call('SCARD', base .. 'inflight:' .. w) > 0 then return 0 end
end
redis.call('HSET', state, 'status', 'finished', 'finished', now)
return 1
"""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def connect(url: str) -> redis.Redis:
    """A client for ``redis://HOST:PORT/DB``; fails at once when the server cannot be reached."""
    server = redis.Redis.from_url(url, socket_connect_timeout=10, health_check_interval=30)
    server.ping()
    return server


@dataclass(frozen=True)
class Joined:
    crawl_id: str
    creator: bool


class Frontier:
    """One worker's handle on the shared crawl of one portal."""

    def __init__(self, server: redis.Redis, portal: str, timeout: float, worker: str | None = None) -> None:
        self.server = server
        self.portal = portal
        self.prefix = f"zfxxgk:{portal}:"
        self.worker = worker or worker_name()
        self.ttl_ms = max(1000, int(timeout * 1000))
        self.crawl_id = ""
        self.creator = False
        self.scripts = {name: server.register_script(code) for name, code in
                        (("join", _JOIN), ("push", _PUSH), ("pop", _POP), ("reap", _REAP), ("finish", _FINISH))}

    @property
    def base(self) -> str:
        return f"{self.prefix}{self.crawl_id}:"

    def join(self, base_url: str, scope: str) -> Joined:
        """Join the portal's running crawl, or start one (then this worker seeds it)."""
        crawl_id, role = self.scripts["join"](
            keys=[f"{self.prefix}current"],
            args=[self.prefix, self.worker, self.ttl_ms, utc_now(), uuid.uuid4().hex[:12], self.portal,
                  base_url, scope])
        self.crawl_id, self.creator = crawl_id.decode(), role == b"creator"
        return Joined(self.crawl_id, self.creator)

    def heartbeat(self) -> None:
        with self.server.pipeline() as pipe:
            pipe.set(f"{self.base}alive:{self.worker}", utc_now(), px=self.ttl_ms)
            pipe.sadd(f"{self.base}workers", self.worker)
            pipe.execute()

    def push(self, data: bytes, priority: int, fingerprint: str = "", replaces: str = "") -> bool:
        """Queue a request unless its fingerprint was seen; ``replaces`` leaves the in-flight set with it."""
        return bool(self.scripts["push"](args=[self.base, fingerprint, -priority, data, replaces, self.worker]))

    def pop(self) -> tuple[str, bytes] | None:
        popped = self.scripts["pop"](args=[self.base, self.worker])
        return (popped[0].decode(), popped[1]) if popped else None

    def ack(self, token: str) -> None:
        with self.server.pipeline() as pipe:
            pipe.srem(f"{self.base}inflight:{self.worker}", token)
            pipe.hdel(f"{self.base}requests", token)
            pipe.execute()

    def queued(self) -> int:
        return int(self.server.zcard(f"{self.base}queue"))

    def reap(self) -> int:
        """Put the in-flight requests of workers whose heartbeat expired back in the queue; how many."""
        return int(self.scripts["reap"](args=[self.base]))

    def mark_seeded(self) -> None:
        self.server.hset(f"{self.base}state", "seeded", "1")

    def try_finish(self) -> bool:
        """Whether the crawl is over (and mark it so): seeded, nothing queued, nothing held by a live worker."""
        self.reap()
        if self.scripts["finish"](args=[self.base, utc_now()]):
            return True
        return self.state().get("status") == "finished"

    def state(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.server.hgetall(f"{self.base}state").items()}

    def leave(self, farewell: bytes) -> int:
        """Hand back what this worker still holds, say goodbye to the ingester, and drop out of the crawl."""
        with self.server.pipeline() as pipe:
            pipe.rpush(MESSAGES, farewell)
            pipe.delete(f"{self.base}alive:{self.worker}")
            pipe.execute()
        return self.reap()


def finished_crawl_cleanup(server: redis.Redis, portal: str, crawl_id: str, keep_days: int = 7) -> None:
    """Drop a finished crawl's frontier; its state stays a while for inspection."""
    base = f"zfxxgk:{portal}:{crawl_id}:"
    server.delete(f"{base}queue", f"{base}requests", f"{base}seen", f"{base}seq", f"{base}workers")
    server.expire(f"{base}state", keep_days * 86400)


def crawl_state(server: redis.Redis, portal: str, crawl_id: str) -> dict[str, str]:
    raw: dict[Any, Any] = server.hgetall(f"zfxxgk:{portal}:{crawl_id}:state")
    return {k.decode(): v.decode() for k, v in raw.items()}


def live_workers(server: redis.Redis, portal: str, crawl_id: str) -> int:
    base = f"zfxxgk:{portal}:{crawl_id}:"
    return sum(1 for w in server.smembers(f"{base}workers") if server.exists(f"{base}alive:{w.decode()}"))


BUDGET_LEASE = 20  # requests a worker takes from the shared daily count at a time
_BUDGET_KEPT = 2 * 86400


class SharedLedger:
    """The day's request count per host in Redis, so N workers keep one daily budget, not N.

    A worker takes leases of :data:`BUDGET_LEASE` requests (one round trip per
    lease, not per request) and gives back what it did not send when it
    stops; a worker killed mid-lease loses at most one lease of the day's
    budget. The count starts from what the archive logged today, when the
    worker can read the archive and the day's count is not in Redis yet.
    """

    def __init__(self, server: redis.Redis, logged: Callable[[str], Counter[str]]) -> None:
        self.server = server
        self.logged = logged
        self.seeds: dict[str, Counter[str]] = {}

    @staticmethod
    def key(host: str, day: str) -> str:
        return f"zfxxgk:budget:{day}:{host}"

    def grant(self, host: str, day: str, budget: int) -> int:
        key, lease = self.key(host, day), min(BUDGET_LEASE, budget)
        if not self.server.exists(key):
            if day not in self.seeds:
                self.seeds[day] = self.logged(day)
            self.server.set(key, self.seeds[day][host], nx=True, ex=_BUDGET_KEPT)
        total = int(self.server.incrby(key, lease))
        granted = max(0, min(lease, budget - (total - lease)))
        if granted < lease:  # the day's count holds only what was granted
            self.server.decrby(key, lease - granted)
        return granted

    def release(self, host: str, day: str, unused: int) -> None:
        self.server.decrby(self.key(host, day), unused)
