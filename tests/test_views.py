"""The research views, read with plain SQLite from a real archive file."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from archive import views

XILUOYUAN = "北京市丰台区人民政府西罗园街道办事处"
LUGOUQIAO = "北京市丰台区卢沟桥街道办事处"
JIANGUOMEN = "北京市东城区人民政府建国门街道办事处"


@pytest.fixture(scope="module")
def db(archive_path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(archive_path)


def test_every_view_is_in_the_archive(db: sqlite_utils.Database) -> None:
    assert set(views.VIEWS) <= set(db.view_names())


def test_coverage_counts_the_agencies_of_a_region_that_published(db: sqlite_utils.Database) -> None:
    rows = {(r["region"], r["year"]): r for r in db.query("select * from coverage")}
    assert rows[("丰台区", 2019)]["coverage"] == "1 of 2"
    assert rows[("丰台区", 2019)]["missing"] == LUGOUQIAO
    assert rows[("丰台区", 2021)]["coverage"] == "2 of 2"
    assert rows[("丰台区", 2021)]["missing"] is None
    assert rows[("东城区", 2020)]["published"] == 0
    assert rows[("大兴区", 2020)]["percent"] == 100.0


def test_agency_years_shows_gaps(db: sqlite_utils.Database) -> None:
    row = next(db.query("select * from agency_years where agency = ?", [XILUOYUAN]))
    assert row["timeline"] == "···· 2019 ···· 2021 ···· ···· ····"
    assert (row["first_year"], row["last_year"], row["years_reported"]) == (2019, 2021, 2)
    assert row["missing_years"] == "2020 2022 2023 2024"


def test_panel_has_one_row_per_report_with_current_figures(db: sqlite_utils.Database) -> None:
    rows = list(db.query("select * from panel"))
    assert len(rows) == db.execute("select count(*) from reports").fetchone()[0]
    corrected = next(r for r in rows if r["agency"] == JIANGUOMEN and r["year"] == 2019)
    assert (corrected["version"], corrected["granted"], corrected["requests_handled"]) == (2, 22, 32)
    assert corrected["proactive_items"] is None


def test_request_outcome_shares(db: sqlite_utils.Database) -> None:
    row = next(db.query("select * from request_outcomes where year = 2021"))
    assert row["reports"] == 2
    assert row["handled"] == 17
    assert row["granted_share"] == round(9 / 17, 4)
    assert row["rejected_share"] == round(1 / 17, 4)


def test_failed_checks_lists_current_versions_only(db: sqlite_utils.Database) -> None:
    rows = list(db.query("select * from failed_checks"))
    assert [(r["agency"], r["year"], r["rule"], r["version"]) for r in rows] == [
        (JIANGUOMEN, 2019, "requests_balance", 2)]


def test_version_changes_are_the_figures_that_differ(db: sqlite_utils.Database) -> None:
    rows = {(r["section"], r["row"], r["column"]): (r["before"], r["after"])
            for r in db.query("select * from version_changes")}
    assert rows[("requests", "granted", "total")] == (20, 22)
    assert rows[("summary", "requests_handled", "value")] == (30, 32)
    assert ("requests", "new", "total") not in rows


def test_year_grid_has_a_column_per_year(db: sqlite_utils.Database) -> None:
    rows = {r["agency"]: r for r in db.query(views.year_grid_sql([2018, 2019, 2020, 2021]))}
    assert rows[XILUOYUAN]["2019"] == "✓"
    assert rows[XILUOYUAN]["2020"] is None
    assert rows[JIANGUOMEN]["years"] == 2


def test_report_history(db: sqlite_utils.Database) -> None:
    report = db.execute("select id from reports where agency = ? and year = 2019", [JIANGUOMEN]).fetchone()[0]
    rows = list(db.query(views.REPORT_HISTORY, {"report": report}))
    assert [(r["version"], r["changed_figures"], r["failed_checks"]) for r in rows] == [(1, 0, 0), (2, 6, 1)]


def test_metadata_describes_every_table_view_and_column(tmp_path: Path) -> None:
    from archive.datasette_app import metadata
    from archive.db import open_db

    tables = metadata()["databases"]["archive"]["tables"]
    db = open_db(tmp_path / "fresh.db")
    for name in db.table_names() + db.view_names():
        if name.startswith("search_"):
            continue
        assert tables.get(name, {}).get("description"), f"archive/metadata.yml: describe table {name}"
        described = set(tables[name].get("columns", {}))
        missing = [c.name for c in db[name].columns if c.name not in described]
        assert not missing, f"archive/metadata.yml: describe {name} columns {missing}"
        assert described <= {c.name for c in db[name].columns}, f"{name}: metadata names unknown columns"
