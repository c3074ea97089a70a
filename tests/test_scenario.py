"""The issue's scenario, end to end: crawl the sample portal, switch it to its next-year state, crawl
again past the deadline and get exactly the expected alerts, each once, delivered once; crawl a third
time (in full, every page with fresh noise) and get none.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter

import pytest
from endpoint import Endpoint
from support import free_port, manifest, query, run_cli

pytest.importorskip("parsers.report", reason="needs the report parser (parsers/report.py), landing on main")
from crawler.sample.server import SampleServer  # noqa: E402

CURRENT, NEXT = manifest("site"), manifest("next")
FIRST_AS_OF, NEXT_AS_OF = "2025-03-01", "2026-03-01"


def path_of(url: str | None) -> str | None:
    return "/" + url.split("/", 3)[3] if url else None


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    work = tmp_path_factory.mktemp("scenario")
    port = free_port()
    with Endpoint() as endpoint:
        env = {"ZFXXGK_SAMPLE_PORT": str(port), "ZFXXGK_NOTIFY": endpoint.url,
               "ZFXXGK_FEED": str(work / "alerts.atom")}
        first = run_cli("crawl", "--db", "archive.db", "--as-of", FIRST_AS_OF, "--json", cwd=work, env=env)
        with SampleServer(state="next", port=port) as server:
            crawl = ("crawl", "--portal", "sample", "--base-url", server.url, "--db", "archive.db")
            second = run_cli(*crawl, cwd=work, env={**env, "ZFXXGK_AS_OF": NEXT_AS_OF})
            after_second = len(endpoint.received)
            third = run_cli(*crawl, "--full", "--as-of", NEXT_AS_OF, "--json", cwd=work, env=env)
        alerts = json.loads(run_cli("alerts", "--db", "archive.db", "--json", cwd=work).stdout)
        return {"work": work, "first": json.loads(first.stdout), "second": second.stdout,
                "third": json.loads(third.stdout), "alerts": alerts, "received": list(endpoint.received),
                "after_second": after_second}


def of_run(scenario, run_id: int) -> list[dict]:
    return [a for a in scenario["alerts"] if a["run_id"] == run_id]


def expected_gaps(reports: list[dict], due: int) -> set[tuple[str, int]]:
    years: dict[str, set[int]] = {}
    for r in reports:
        years.setdefault(r["agency"], set()).add(r["year"])
    return {(agency, y) for agency, have in years.items() for y in range(min(have), due + 1) if y not in have}


def test_sample_serves_noise_on_every_page():
    with SampleServer() as server:
        url = server.url + CURRENT["reports"][0]["pages"][0].lstrip("/")
        one, two = (urllib.request.urlopen(url).read() for _ in range(2))
    assert one != two


def test_first_crawl_one_summary_new_plus_planted_inconsistencies_and_gaps(scenario):
    alerts = of_run(scenario, 1)
    kinds = Counter(a["kind"] for a in alerts)
    new = [a for a in alerts if a["kind"] == "new"]
    assert len(new) == 1 and new[0]["data"]["reports"] == len(CURRENT["reports"])
    planted = {(r["agency"], r["year"], r["planted"]) for r in CURRENT["reports"] if r["planted"]}
    assert {(a["agency"], a["year"], "+".join(a["data"]["rules"])) for a in alerts
            if a["kind"] == "inconsistent"} == planted
    assert {(a["agency"], a["year"]) for a in alerts if a["kind"] == "missing"} == \
        expected_gaps(CURRENT["reports"], 2024)
    assert set(kinds) == {"new", "inconsistent", "missing"}
    assert len(scenario["first"]["alerts"]) == len(alerts)


def expected_event(event: dict) -> tuple:
    if event["kind"] == "moved":
        return ("moved", event["agency"], event["year"], event["new_path"], event["path"])
    return (event["kind"], event["agency"], event["year"], event["path"], None)


def test_next_year_crawl_raises_exactly_the_expected_alerts(scenario):
    alerts = of_run(scenario, 2)
    got = Counter((a["kind"], a["agency"], a["year"], path_of(a["url"]), path_of(a["old_url"])) for a in alerts)
    assert got == Counter(expected_event(e) for e in NEXT["events"])


def test_altered_alert_names_the_edited_cell(scenario):
    event = next(e for e in NEXT["events"] if e["kind"] == "altered")
    section, item, row, column, old, _, new = event["detail"].split()
    altered = next(a for a in of_run(scenario, 2) if a["kind"] == "altered")
    assert f"{section}.{item}/{row}.{column} {old} → {new}" in altered["data"]["cells"]
    assert f"-| {row} | {old} |" in altered["data"]["diff"] and f"+| {row} | {new} |" in altered["data"]["diff"]
    text = run_cli("history", "--db", "archive.db", altered["url"], cwd=scenario["work"]).stdout
    assert "v1 → v2:" in text and f"{old} → {new}" in text


def test_removed_report_keeps_its_archived_copy(scenario):
    event = next(e for e in NEXT["events"] if e["kind"] == "removed")
    rows = query(scenario["work"] / "archive.db",
                 "select r.state, r.gone_since, count(v.id) from reports r "
                 "join report_versions v on v.report_id = r.id where r.url like ? group by r.id", f"%{event['path']}")
    assert len(rows) == 1 and rows[0][0] == "gone" and rows[0][1] and rows[0][2] == 1


def test_moved_report_keeps_its_identity_and_versions(scenario):
    event = next(e for e in NEXT["events"] if e["kind"] == "moved")
    rows = query(scenario["work"] / "archive.db",
                 "select r.url, r.state, r.current_version, m.old_url from reports r "
                 "join report_moves m on m.report_id = r.id where r.agency = ? and r.year = ?",
                 event["agency"], event["year"])
    assert len(rows) == 1
    url, state, version, old = rows[0]
    assert (path_of(url), state, version, path_of(old)) == (event["new_path"], "live", 1, event["path"])


def test_crawl_prints_its_alerts(scenario):
    out = scenario["second"]
    assert f"{len(NEXT['events'])} alerts:" in out
    assert "[removed]" in out and "[altered]" in out and "[missing] missing: " in out


def test_third_crawl_with_fresh_noise_raises_nothing_and_makes_no_version(scenario):
    third = scenario["third"]
    assert third["alerts"] == [] and third["new_versions"] == 0
    assert third["reports_seen"] == len(NEXT["reports"])
    assert third["not_modified"] == 0  # --full: every page fetched again, with a new counter and time


def test_every_alert_was_delivered_exactly_once(scenario):
    bodies = "\n\n".join(m["message"] for m in scenario["received"])
    for alert in scenario["alerts"]:
        assert bodies.count(f"[{alert['kind']}] {alert['title']}") == 1, alert["title"]
    assert len(scenario["received"]) == scenario["after_second"]


def test_feed_holds_every_alert(scenario):
    feed = (scenario["work"] / "alerts.atom").read_text(encoding="utf-8")
    assert feed.count("<entry>") == len(scenario["alerts"])
