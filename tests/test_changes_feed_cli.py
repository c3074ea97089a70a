"""Diffs, the Atom feed and the alerts/history/feed/detect/deliver commands on a real archive."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from click.testing import CliRunner

from archive.changes import CellChange, text_diff
from archive.cli import main
from archive.db import open_db
from archive.feed import ATOM, write_feed
from archive_runs import BASE, Seen, crawl_run, fetch
from endpoint import Endpoint

A = "北京市统计局"


def test_text_diff_is_sentence_by_sentence():
    old = "一、总体情况。本年度共收到申请40件。全部办结。\n\n二、其他。"
    new = "一、总体情况。本年度共收到申请38件。全部办结。\n二、其他。"
    assert text_diff(old, new).splitlines()[2:] == [
        "@@ -1,3 +1,3 @@", " 一、总体情况。", "-本年度共收到申请40件。", "+本年度共收到申请38件。", " 全部办结。"]
    assert text_diff("同样。\n", "  同样。  ") == ""


def test_cell_change_reads_as_one_line():
    assert str(CellChange("requests.new.total", 40.0, 38.0)) == "requests.new.total 40 → 38"
    assert str(CellChange("active.20.9/政府集中采购.procurement_amount", None, 42.21)) == \
        "active.20.9/政府集中采购.procurement_amount — → 42.21"


@pytest.fixture()
def archive(tmp_path, monkeypatch):
    """An archive that went through a first crawl, an edit, a removal and a move."""
    monkeypatch.chdir(tmp_path)
    for name in ("ZFXXGK_NOTIFY", "ZFXXGK_AS_OF", "ZFXXGK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZFXXGK_FEED", str(tmp_path / "feed.atom"))
    path = str(tmp_path / "archive.db")
    old = Seen(A, 2022, url=BASE + "gknb/old.html")
    crawl_run(path, [Seen(A, 2023), old, Seen(A, 2024)], as_of=date(2025, 3, 1))
    edited = Seen(A, 2023, text="本年度共收到申请38件。全部办结。", cells={("requests", "new", "total"): 38})
    crawl_run(path, [edited, Seen(A, 2022, url=BASE + "gknb/new.html")], answers=[fetch(old.page, 301)],
              as_of=date(2025, 3, 1))
    return path


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_alerts_command_filters_and_prints_json(archive):
    rows = json.loads(invoke("alerts", "--db", archive, "--json"))
    assert sorted(r["kind"] for r in rows) == ["altered", "moved", "new", "removed"]
    altered = json.loads(invoke("alerts", "--db", archive, "--kind", "altered", "--json"))
    assert [r["data"]["cells"] for r in altered] == [["requests.new.total 40 → 38"]]
    text = invoke("alerts", "--db", archive, "--kind", "removed")
    assert "[removed] 北京市统计局 2024 report removed" in text and "1 alerts" in text
    assert "0 alerts" in invoke("alerts", "--db", archive, "--since", "2999-01-01")
    result = CliRunner().invoke(main, ["alerts", "--db", archive, "--since", "yesterday"])
    assert result.exit_code != 0 and "not a date" in result.output


def test_history_shows_versions_diff_and_move(archive):
    text = invoke("history", "--db", archive, BASE + "gknb/old.html")
    assert "moved (redirect)" in text and "gknb/new.html" in text
    report = json.loads(invoke("alerts", "--db", archive, "--kind", "altered", "--json"))[0]["report_id"]
    data = json.loads(invoke("history", "--db", archive, report, "--json"))
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert data["changes"][0]["cells"] == ["requests.new.total 40 → 38"]
    text = invoke("history", "--db", archive, report)
    assert "v1 → v2:" in text and "-本年度共收到申请40件。" in text and "[altered]" in text
    result = CliRunner().invoke(main, ["history", "--db", archive, "nope"])
    assert result.exit_code != 0 and "no archived report" in result.output


def test_feed_is_atom_with_stable_entry_ids(archive, tmp_path):
    out = tmp_path / "out.atom"
    assert "wrote 4 alerts" in invoke("feed", "--db", archive, "--out", str(out))
    feed = ET.parse(out).getroot()
    assert feed.tag == f"{{{ATOM}}}feed"
    entries = feed.findall(f"{{{ATOM}}}entry")
    kinds = sorted(e.find(f"{{{ATOM}}}category").get("term") for e in entries)
    assert kinds == ["altered", "moved", "new", "removed"]
    moved = next(e for e in entries if e.find(f"{{{ATOM}}}category").get("term") == "moved")
    assert moved.find(f"{{{ATOM}}}link").get("href") == BASE + "gknb/new.html"
    ids = [e.findtext(f"{{{ATOM}}}id") for e in entries]
    write_feed(open_db(archive), out)
    assert [e.findtext(f"{{{ATOM}}}id") for e in ET.parse(out).getroot().findall(f"{{{ATOM}}}entry")] == ids


def test_detect_command_raises_missing_after_the_deadline_once(archive, tmp_path):
    assert "0 new alerts" in invoke("detect", "--db", archive, "--as-of", "2025-06-01")
    text = invoke("detect", "--db", archive, "--as-of", "2026-02-01")
    assert "[missing] missing: 北京市统计局 has published no 2025 report (due 2026-01-31)" in text
    assert "1 new alerts" in text
    assert "0 new alerts" in invoke("detect", "--db", archive, "--as-of", "2026-02-01")
    assert "[missing]" not in invoke("alerts", "--db", archive, "--as-of", "2026-01-31")
    since = json.loads(invoke("alerts", "--db", archive, "--since", "2026-01-01", "--json"))
    assert [(a["kind"], a["as_of"]) for a in since] == [("missing", "2026-02-01")]
    assert (tmp_path / "feed.atom").exists()
    result = CliRunner().invoke(main, ["detect", "--db", archive, "--as-of", "March"])
    assert result.exit_code != 0 and "not a date" in result.output


def test_detect_honours_the_as_of_environment_variable(archive, monkeypatch):
    monkeypatch.setenv("ZFXXGK_AS_OF", "2026-02-01")
    assert "1 new alerts" in invoke("detect", "--db", archive)


def test_deliver_command_sends_through_the_configured_destinations(archive, monkeypatch):
    with Endpoint() as endpoint:
        monkeypatch.setenv("ZFXXGK_NOTIFY", endpoint.url)
        assert "delivered 4 alerts in 2 messages" in invoke("deliver", "--db", archive)
        assert "delivered 0 alerts in 0 messages" in invoke("deliver", "--db", archive)
    assert [m["title"] for m in endpoint.received] == [
        "zfxxgk new: first crawl of portal p: 3 reports from 1 agencies archived, years 2022–2024",
        "zfxxgk: 3 alerts from run 2 of p (1 altered, 1 moved, 1 removed)"]

