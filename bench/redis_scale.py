"""Scale-out: two Redis workers ÷ one worker on the same generated bulk portal, measured in the same run.

    .venv/bin/python bench/redis_scale.py [--reports 2000]

A real redis-server runs on loopback with one `zfxxgk ingest`. Each worker
stands for one machine: one crawler process with one analysis process
(``ZFXXGK_WORKERS=1``). Time runs from starting the workers to the frontier's
"finished"; pages are what the portal served. The issue asks for at least 1.6
on 2 cores with the server not the bottleneck.

Two workloads: ``--latency 0.25`` (the default) gives every report page a
distant portal's 250 ms answer and each worker ``--concurrency 2`` requests in
flight, the politeness-bound crawl that scale-out across machines is for; with
``--latency 0`` the crawl is CPU-bound, and on one 2-core machine a second
worker can only add what CPU the first left idle.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis
from harness import ZFXXGK, Rate, bulk_portal, cpu_note, crawl_env, free_port

from crawler.sample.server import SampleServer


def redis_server(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                             "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(work)],
                            stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def finished(client: redis.Redis) -> bool:
    current = client.get("zfxxgk:beijing:current")
    return bool(current) and client.hget(f"zfxxgk:beijing:{current.decode()}:state", "status") == b"finished"


def shared_crawl(server: SampleServer, url: str, work: Path, workers: int, concurrency: int) -> Rate:
    client = redis.Redis.from_url(url)
    client.flushdb()
    server.clear_log()
    env = crawl_env(work, {"ZFXXGK_WORKERS": "1", "ZFXXGK_CONCURRENCY_PER_DOMAIN": str(concurrency)})
    ingester = subprocess.Popen([ZFXXGK, "ingest", "--redis", url, "--db", f"scale-{workers}.db"], cwd=work, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    procs = [subprocess.Popen([ZFXXGK, "crawl", "--redis", url, "--portal", "beijing", "--base-url", server.url,
                               "--db", "no-archive-here.db"], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    while not finished(client):
        if all(p.poll() is not None for p in procs):
            raise RuntimeError("the workers exited before the crawl finished")
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    for proc in [*procs, ingester]:
        proc.wait(timeout=600)
    return Rate(sum(1 for e in server.log if e.method == "GET"), seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.25, help="seconds each report page takes to answer")
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight per worker (per domain)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, bulk_portal(Path(tmp), args.reports, args.latency) as server:
        work = Path(tmp)
        redis_proc, url = redis_server(work)
        try:
            one = shared_crawl(server, url, work, 1, args.concurrency)
            two = shared_crawl(server, url, work, 2, args.concurrency)
        finally:
            redis_proc.terminate()
    print(f"portal latency {args.latency} s per report page, {args.concurrency} requests in flight per worker")
    print(f"one Redis worker:  {one.per_second:7.1f} pages/s ({one.pages} pages in {one.seconds:.1f} s)")
    print(f"two Redis workers: {two.per_second:7.1f} pages/s ({two.pages} pages in {two.seconds:.1f} s)")
    print(f"  → two ÷ one = {two.per_second / one.per_second:.2f}  (target ≥ 1.6)")
    print(cpu_note())


if __name__ == "__main__":
    main()
