"""zfxxgk export: cells and panel files pinned to the archive as it stood on a date."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import sqlite_utils
from click.testing import CliRunner

import archive_fixture
from archive.cli import main
from archive.export import export

JIANGUOMEN = "北京市东城区人民政府建国门街道办事处"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def jianguomen_2019(rows: list[dict[str, str]]) -> dict[str, str]:
    return next(r for r in rows if r["agency"] == JIANGUOMEN and r["year"] == "2019")


def run(archive: Path, out: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["export", "--db", str(archive), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_as_of_pins_the_version_current_on_that_date(archive_path: Path, tmp_path: Path) -> None:
    run(archive_path, tmp_path / "spring", "--as-of", "2024-04-01")
    run(archive_path, tmp_path / "summer", "--as-of", "2024-06-01")
    spring = jianguomen_2019(read_csv(tmp_path / "spring" / "panel.csv"))
    summer = jianguomen_2019(read_csv(tmp_path / "summer" / "panel.csv"))
    assert (spring["version"], spring["granted"], spring["requests_handled"]) == ("1", "20", "30")
    assert (summer["version"], summer["granted"], summer["requests_handled"]) == ("2", "22", "32")
    cells = read_csv(tmp_path / "spring" / "cells.csv")
    granted = [c for c in cells if c["agency"] == JIANGUOMEN and c["year"] == "2019"
               and c["section"] == "requests" and c["row"] == "granted" and c["column"] == "total"]
    assert [c["value"] for c in granted] == ["20.0"]


def test_before_the_first_crawl_there_is_nothing(archive_path: Path, tmp_path: Path) -> None:
    run(archive_path, tmp_path, "--as-of", "2024-02-29")
    assert read_csv(tmp_path / "panel.csv") == []
    assert (tmp_path / "cells.csv").read_text(encoding="utf-8").startswith("report_id,agency,region,year")


def test_same_date_same_numbers_after_the_archive_grows(archive_path: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copy(archive_path, tmp_path / "copy.db"))
    before = export(sqlite_utils.Database(copy), tmp_path / "before", "csv", date(2024, 4, 1))
    doc = next(d for d in archive_fixture.documents() if d.key == "xianfenglu")
    archive_fixture.crawl(copy, "2024-09-01T08:00:00+00:00", [doc], {"xianfenglu-2019"})
    after = export(sqlite_utils.Database(copy), tmp_path / "after", "csv", date(2024, 4, 1))
    now = export(sqlite_utils.Database(copy), tmp_path / "now", "csv", date(2024, 9, 1))
    assert [f["sha256"] for f in before["files"]] == [f["sha256"] for f in after["files"]]
    assert [f["sha256"] for f in now["files"]] != [f["sha256"] for f in after["files"]]


def test_parquet_keeps_types(archive_path: Path, tmp_path: Path) -> None:
    manifest = json.loads(run(archive_path, tmp_path, "--format", "parquet", "--as-of", "2024-07-01", "--json"))
    assert [f["path"] for f in manifest["files"]] == ["cells.parquet", "panel.parquet"]
    panel = pq.read_table(tmp_path / "panel.parquet")
    assert str(panel.schema.field("year").type) == "int64"
    assert str(panel.schema.field("granted").type) == "double"
    rows = panel.to_pylist()
    assert len(rows) == 8
    assert jianguomen_2019([{**r, "year": str(r["year"])} for r in rows])["granted"] == 22
    cells = pq.read_table(tmp_path / "cells.parquet")
    assert cells.num_rows == manifest["files"][0]["rows"] > 0
    assert json.loads((tmp_path / "manifest.json").read_text())["as_of"] == "2024-07-01"


def test_a_bad_date_is_refused(archive_path: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(archive_path), "--out", str(tmp_path),
                                       "--as-of", "1 June"])
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_a_missing_archive_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "nowhere.db"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "no archive" in result.output
