"""Search, views and export on an archive made by crawling the bundled sample portal with `zfxxgk crawl`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlite_utils

from archive.search import normalise
from support import run_cli, query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("crawled")
    run_cli("crawl", "--db", "archive.db", cwd=where)
    return where / "archive.db"


def scan(db: Path, word: str) -> set[str]:
    """Report ids whose version text (or title) contains ``word`` once normalised, by reading every text."""
    wanted = normalise(word)
    return {rid for rid, title, text in query(db, "select report_id, title, text from report_versions")
            if wanted in normalise(f"{title or ''}\n{text or ''}")}


def search_ids(db: Path, *words: str) -> set[str]:
    result = run_cli("search", "--db", str(db), "--json", "--limit", "1000", *words, cwd=db.parent)
    return {r["report_id"] for r in json.loads(result.stdout)}


@pytest.mark.parametrize("word", ["复议", "诉讼", "公开", "收费", "訴訟", "镇", "行政复议", "依申请公开", "２０２２"])
def test_search_finds_exactly_the_reports_whose_text_contains_the_word(crawled: Path, word: str) -> None:
    expected = scan(crawled, word)
    assert search_ids(crawled, word) == expected
    assert 0 < len(expected)


def test_every_crawled_version_is_indexed(crawled: Path) -> None:
    versions = query(crawled, "select count(*) from report_versions")[0][0]
    assert versions > 20
    assert query(crawled, "select count(*) from search_trigram")[0][0] == versions


def test_views_cover_every_report(crawled: Path) -> None:
    db = sqlite_utils.Database(crawled)
    reports = db.execute("select count(*) from reports").fetchone()[0]
    assert db.execute("select count(*) from panel").fetchone()[0] == reports
    assert db.execute("select sum(published) from coverage").fetchone()[0] == db.execute(
        "select count(distinct agency_id || '/' || year) from reports where year is not null").fetchone()[0]
    assert db.execute("select count(*) from agency_years").fetchone()[0] == db.execute(
        "select count(*) from agencies").fetchone()[0]


def test_export_of_the_crawl(crawled: Path, tmp_path: Path) -> None:
    run_cli("export", "--db", str(crawled), "--out", str(tmp_path), cwd=tmp_path)
    with (tmp_path / "panel.csv").open(encoding="utf-8") as fh:
        panel = list(csv.DictReader(fh))
    with (tmp_path / "cells.csv").open(encoding="utf-8") as fh:
        cells = sum(1 for _ in csv.DictReader(fh))
    assert len(panel) == query(crawled, "select count(*) from reports")[0][0]
    assert cells == query(crawled, "select count(*) from cells c join reports r on r.current_version = "
                                    "(select version from report_versions where id = c.version_id) "
                                    "and r.id = (select report_id from report_versions where id = c.version_id)")[0][0]
    assert any(row["requests_new"] for row in panel)
