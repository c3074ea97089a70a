"""Delivery through apprise to a real local endpoint: the outbox retries failures and never sends twice."""

from __future__ import annotations

from datetime import date

import pytest

from archive.db import open_db
from archive.notify import Destination, deliver, destinations
from archive_runs import Seen, crawl_run
from endpoint import Endpoint


@pytest.fixture()
def endpoint():
    with Endpoint() as server:
        yield server


def two_runs(path: str) -> None:
    crawl_run(path, [Seen("北京市统计局", 2024)], as_of=date(2025, 3, 1))
    crawl_run(path, [Seen("北京市统计局", 2024), Seen("北京市统计局", 2025, failed=("requests_balance",))],
              as_of=date(2025, 3, 1))


def test_alerts_arrive_at_the_endpoint(tmp_path, endpoint):
    path = str(tmp_path / "a.db")
    two_runs(path)
    report = deliver(open_db(path), endpoint.url)
    assert (report.sent, report.failed, report.messages) == (3, 0, 2)
    first, second = endpoint.received
    assert first["title"].startswith("zfxxgk new: first crawl of portal p: 1 reports")
    assert first["type"] == "info"
    assert second["title"] == "zfxxgk: 2 alerts from run 2 of p (1 inconsistent, 1 new)"
    assert second["type"] == "warning"
    assert "[new] new 北京市统计局 2025 report" in second["message"]
    assert "[inconsistent] 北京市统计局 2025 report fails requests_balance" in second["message"]
    assert "url: http://127.0.0.1:9/" in second["message"]
    assert deliver(open_db(path), endpoint.url).sent == 0
    assert len(endpoint.received) == 2


def test_a_failed_delivery_is_retried_on_the_next_run_and_sent_exactly_once(tmp_path, endpoint):
    path = str(tmp_path / "a.db")
    crawl_run(path, [Seen("北京市统计局", 2024)], as_of=date(2025, 3, 1))
    endpoint.fail = 1
    first = deliver(open_db(path), endpoint.url)
    assert (first.sent, first.failed, endpoint.received) == (0, 1, [])
    assert "error=500" in first.errors[0]
    row = open_db(path).execute("select status, attempts, last_error from deliveries").fetchone()
    assert row[0] == "failed" and row[1] == 1 and row[2]

    crawl_run(path, [Seen("北京市统计局", 2024), Seen("北京市统计局", 2025)], as_of=date(2025, 3, 1))
    second = deliver(open_db(path), endpoint.url)
    assert (second.sent, second.failed) == (2, 0)
    titles = [m["title"] for m in endpoint.received]
    assert len(titles) == 2
    assert titles[0].startswith("zfxxgk new: first crawl") and titles[1].startswith("zfxxgk new: new 北京市统计局 2025")
    rows = list(open_db(path).query("select alert_id, status, attempts, last_error from deliveries order by alert_id"))
    assert [(r["status"], r["attempts"], r["last_error"]) for r in rows] == [("sent", 2, None), ("sent", 1, None)]

    assert deliver(open_db(path), endpoint.url).sent == 0
    assert endpoint.refused == 1 and len(endpoint.received) == 2


def test_an_unreachable_destination_keeps_alerts_pending(tmp_path, endpoint):
    path = str(tmp_path / "a.db")
    two_runs(path)
    down = "json://127.0.0.1:9/nothing-listens-here"
    report = deliver(open_db(path), f"{down} {endpoint.url}")
    assert (report.sent, report.failed) == (3, 1)
    rows = list(open_db(path).query("select status, attempts from deliveries d join destinations t "
                                    "on t.id = d.destination where t.label like '%:9/%' order by alert_id"))
    assert rows == [{"status": "failed", "attempts": 1}] + [{"status": "pending", "attempts": 0}] * 2


def test_destinations_are_stored_without_their_secrets(tmp_path, endpoint):
    path = str(tmp_path / "a.db")
    two_runs(path)
    secret = endpoint.url.replace("json://", "json://user:hunter2@")
    deliver(open_db(path), secret)
    dump = "\n".join(open_db(path).iterdump())
    assert "hunter2" not in dump
    assert open_db(path).execute("select label from destinations").fetchone()[0].startswith("json://user:****@")
    assert [d.url for d in destinations(f" {endpoint.url},\n{secret} ")] == [endpoint.url, secret]
    assert Destination(endpoint.url).id != Destination(secret).id


def test_a_new_destination_gets_todays_alerts_not_the_backlog(tmp_path, endpoint):
    path = str(tmp_path / "a.db")
    two_runs(path)
    db = open_db(path)
    with db.conn:
        db.execute("update alerts set raised = '2020-01-01T00:00:00+00:00' where id < 3")
    assert deliver(db, endpoint.url).sent == 1
    assert endpoint.received[0]["title"].startswith("zfxxgk inconsistent")


def test_many_alerts_of_one_run_go_out_in_batches(tmp_path, endpoint):
    path = str(tmp_path / "a.db")
    every_other_year = [Seen(agency, year) for agency in ("北京市统计局", "北京市民政局")
                        for year in range(2008, 2030, 2)]
    assert len(crawl_run(path, every_other_year, as_of=date(2030, 3, 1))) == 23  # 1 new, 2 × 11 missing
    report = deliver(open_db(path), endpoint.url)
    assert (report.sent, report.messages) == (23, 2)
    assert [m["title"] for m in endpoint.received] == [
        "zfxxgk: 20 alerts from run 1 of p (19 missing, 1 new)", "zfxxgk: 3 alerts from run 1 of p (3 missing)"]
