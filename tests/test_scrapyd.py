"""Scrapyd: scrapyd-deploy publishes the project as an egg to a real Scrapyd on loopback, and a scheduled
crawl fills the archive that Scrapyd's environment configures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from support import free_port, manifest, query

from crawler.sample.server import SampleServer

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def api(base: str, endpoint: str, data: dict[str, str] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}{endpoint}", data=body, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.fixture
def scrapyd(tmp_path):
    port = free_port()
    work = tmp_path / "scrapyd"
    work.mkdir()
    (work / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.5\nmax_proc = 1\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n", encoding="utf-8")
    env = {**os.environ, "ZFXXGK_DB": str(tmp_path / "scrapyd.db"), "ZFXXGK_DOWNLOAD_DELAY": "0",
           "ZFXXGK_WARC_DIR": str(tmp_path / "warc"), "ZFXXGK_JOBDIR": str(tmp_path / "jobs")}
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            api(base, "daemonstatus.json")
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.3)
    yield base, work, tmp_path / "scrapyd.db"
    proc.terminate()
    proc.wait(timeout=30)


def wait_for_job(base: str, job: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = api(base, "listjobs.json?project=zfxxgk")
        if any(j["id"] == job for j in jobs["finished"]):
            return
        time.sleep(1)
    raise AssertionError(f"Scrapyd job {job} did not finish")


def test_deploy_schedule_and_reports_arrive(scrapyd):
    base, work, db = scrapyd
    deployed = subprocess.run([str(BIN / "scrapyd-deploy"), "env", "--version", "t1"], cwd=ROOT,
                              env={**os.environ, "SCRAPYD_URL": base}, capture_output=True, text=True, timeout=300)
    assert deployed.returncode == 0, deployed.stderr
    assert json.loads(deployed.stdout)["status"] == "ok"
    assert api(base, "listspiders.json?project=zfxxgk")["spiders"] == ["portal"]
    with SampleServer() as server:
        job = api(base, "schedule.json", {"project": "zfxxgk", "spider": "portal", "portal": "sample",
                                          "base_url": server.url})["jobid"]
        wait_for_job(base, job)
    log = next((work / "logs" / "zfxxgk" / "portal").glob(f"{job}.log")).read_text(encoding="utf-8")
    assert "'finish_reason': 'finished'" in log
    assert ".egg/crawler/portals" in log, "the portal definitions were read from inside the egg"
    expected = {r["pages"][0] for r in manifest()["reports"]}
    archived = {url.split("/", 3)[3] for (url,) in query(db, "select url from reports")}
    assert {"/" + path for path in archived} == expected
    assert query(db, "select status from runs") == [("finished",)]
