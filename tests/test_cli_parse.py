"""`zfxxgk parse` and `zfxxgk reparse` on real files and a real archive."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from support import free_port, run_cli

from archive.cli import main
from parsers import PARSER_VERSION

GOLDEN = Path(__file__).parent / "golden"
SEED = GOLDEN / "seed-003_8e92e5233c244faa" / "input.txt"


def test_parse_json_matches_the_golden_record():
    result = CliRunner().invoke(main, ["parse", "--json", str(SEED)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    expected = json.loads((SEED.parent / "expected.json").read_text(encoding="utf-8"))
    assert record["requests"] == expected["requests"]
    assert (record["agency"], record["year"], record["template"]) == ("北京市大兴区西红门镇人民政府", 2020, "gb-2019")


def test_parse_several_files_as_a_list_and_readable():
    files = sorted(str(p) for p in GOLDEN.glob("seed-*/input.txt"))
    result = CliRunner().invoke(main, ["parse", "--json", *files])
    assert [r["year"] for r in json.loads(result.output)] == [2019, 2018, 2019, 2020, 2024]
    readable = CliRunner().invoke(main, ["parse", str(SEED)])
    assert "requests_balance" in readable.output and "gb-2019" in readable.output


def test_reparse_rewrites_derived_data_only(tmp_path):
    run_cli("crawl", "--db", "r.db", cwd=tmp_path, env={"ZFXXGK_SAMPLE_PORT": str(free_port())})
    db = tmp_path / "r.db"
    with sqlite3.connect(db) as conn:
        versions = conn.execute("select count(*) from report_versions").fetchone()[0]
        blobs = conn.execute("select count(*) from blobs").fetchone()[0]
        cells = conn.execute("select count(*) from cells").fetchone()[0]
        conn.execute("update report_versions set parser_version = 'old', record = '{}'")
        conn.execute("delete from cells")
    out = json.loads(run_cli("reparse", "--db", "r.db", "--json", cwd=tmp_path).stdout)
    assert out == {"versions": versions, "changed": versions}
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from cells").fetchone()[0] == cells
        assert conn.execute("select count(*) from blobs").fetchone()[0] == blobs
        assert conn.execute("select count(distinct parser_version) from report_versions").fetchone()[0] == 1
        assert conn.execute("select count(*) from report_versions where record = '{}'").fetchone()[0] == 0


def test_a_crawl_after_a_parser_upgrade_reads_the_archive_again_first(tmp_path):
    """Versions an earlier parser read are reparsed before the crawl, so its new reading is no alteration."""
    env = {"ZFXXGK_SAMPLE_PORT": str(free_port())}
    run_cli("crawl", "--db", "r.db", cwd=tmp_path, env=env)
    db = tmp_path / "r.db"
    with sqlite3.connect(db) as conn:
        versions = conn.execute("select count(*) from report_versions").fetchone()[0]
        conn.execute("update report_versions set parser_version = 'old', "
                     "content_hash = 'old' || content_hash, text = text || '（旧读法）'")
    again = run_cli("crawl", "--db", "r.db", "--json", cwd=tmp_path, env=env)
    assert f"{versions} archived versions were read by an earlier parser" in again.stderr
    assert [a["title"] for a in json.loads(again.stdout)["alerts"] if a["kind"] == "altered"] == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from report_versions").fetchone()[0] == versions
        assert conn.execute("select distinct parser_version from report_versions").fetchall() == [(PARSER_VERSION,)]
        assert conn.execute("select count(*) from report_versions where text like '%旧读法%'").fetchone()[0] == 0
