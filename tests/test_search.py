"""Chinese full-text search on a real archive file: short, long, traditional and full-width queries."""

from __future__ import annotations

import functools
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest
import sqlite_utils

from archive import search
from archive.search import Query, normalise


@pytest.fixture(scope="module")
def db(archive_path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(archive_path)


def found(db: sqlite_utils.Database, q: str) -> set[tuple[str, int]]:
    return {(r["agency"], r["year"]) for r in search.search(db, q, limit=1000)}


@functools.cache
def _texts(path: str) -> list[tuple[str, int, str]]:
    return [(r["agency"], r["year"], normalise(f"{r['title']}\n{r['text']}")) for r in sqlite_utils.Database(path).query(
        "select r.agency, r.year, v.title, v.text from report_versions v join reports r on r.id = v.report_id")]


def containing(db: sqlite_utils.Database, term: str) -> set[tuple[str, int]]:
    """Reports with a version whose normalised text contains the term (a scan): what search must return."""
    wanted = normalise(term)
    return {(agency, year) for agency, year, text in _texts(db.conn.execute("pragma database_list").fetchone()[2])
            if wanted in text}


def test_normalise_folds_traditional_full_width_and_spaces_between_han() -> None:
    assert normalise("行政復議　２０２１年ＡＢＣ") == "行政复议 2021年abc"
    assert normalise("行 政\n复议 abc  def") == "行政复议 abc def"


def test_normalise_applies_nfkc_exactly() -> None:
    """The full-width punctuation replaced before NFKC gives what NFKC itself gives, mixed with anything."""
    rng = random.Random(7)
    pieces = "，；（）：！？％、。２０１９ａＢ　ﾊﾟ가e\u0301\u1100\u1161復議复议 ,;:\t①㈠㍿"
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert search._nfkc(text) == unicodedata.normalize("NFKC", text), text


def test_str_split_folds_the_blanks_the_regex_folded() -> None:
    """Normalised text and content hashes fold blanks with ``str.split``, where they used ``\\s+``."""
    assert not [c for c in map(chr, range(sys.maxunicode + 1)) if bool(re.fullmatch(r"\s", c)) != c.isspace()]
    assert normalise(" a\u3000\x1c b\n") == re.sub(r"\s+", " ", " a\u3000\x1c b\n").strip()


def test_character_tokens_are_each_character_with_punctuation_as_a_separator() -> None:
    """Made from UTF-32 bytes: the same as joining the characters, astral ones included."""
    assert search._char_tokens("行政 复议，2021") == "行 政 复 议 \ue000 2 0 2 1"
    rng = random.Random(11)
    for _ in range(2000):
        text = "".join(rng.choice("复议a1\U00020000\ue000") for _ in range(rng.randint(0, 9)))
        assert search._spaced(text) == " ".join(text)


def test_query_sends_short_terms_to_the_character_index_and_long_ones_to_trigrams() -> None:
    q = Query.parse("复议 行政诉讼  微")
    assert q.long == ("行政诉讼",)
    assert q.short == ("复议", "微")


@pytest.mark.parametrize("term", ["微博", "复议", "诉讼", "公开", "街道", "镇", "网站"])
def test_two_character_terms_find_every_report_that_contains_them(db: sqlite_utils.Database, term: str) -> None:
    assert found(db, term) == containing(db, term)
    assert found(db, term)


def test_two_character_term_finds_exactly_the_reports_that_mention_it(db: sqlite_utils.Database) -> None:
    assert found(db, "微博") == {("北京市丰台区人民政府西罗园街道办事处", 2019),
                                 ("北京市东城区人民政府建国门街道办事处", 2018),
                                 ("北京市东城区人民政府建国门街道办事处", 2019)}


def test_three_character_term(db: sqlite_utils.Database) -> None:
    assert found(db, "宣传栏") == {("北京市丰台区人民政府西罗园街道办事处", 2019)}


def test_traditional_query_finds_simplified_report_and_back(db: sqlite_utils.Database) -> None:
    assert found(db, "宣傳欄") == {("北京市丰台区人民政府西罗园街道办事处", 2019)}
    assert found(db, "復議") == found(db, "复议")
    # 西红门镇's report is archived in traditional characters (西紅門).
    assert "西紅門" in db.execute("select text from report_versions where text like '%西紅門%'").fetchone()[0]
    assert found(db, "西红门") == {("北京市大兴区西红门镇人民政府", 2020)}
    assert found(db, "红门") == {("北京市大兴区西红门镇人民政府", 2020)}


def test_full_and_half_width_forms_find_each_other(db: sqlite_utils.Database) -> None:
    lugouqiao = {("北京市丰台区卢沟桥街道办事处", 2021)}
    assert found(db, "abc123") == lugouqiao
    assert found(db, "ＡＢＣ") == lugouqiao
    assert found(db, "申请12件") == lugouqiao
    assert ("北京市丰台区卢沟桥街道办事处", 2021) in found(db, "２０２１年")


def test_terms_are_combined_with_and(db: sqlite_utils.Database) -> None:
    assert found(db, "复议 宣传栏") == {("北京市丰台区人民政府西罗园街道办事处", 2019)}
    assert found(db, "微博 西红门") == set()
    assert found(db, "復議　微博") == containing(db, "复议") & containing(db, "微博")


def test_punctuation_separates_characters(db: sqlite_utils.Database) -> None:
    assert found(db, "议，宣") == set()
    assert found(db, "，") == set()
    assert found(db, '"') == set()
    assert found(db, "AND OR") == set()


def test_random_substrings_match_a_scan_of_the_text(db: sqlite_utils.Database) -> None:
    texts = [normalise(r[0]) for r in db.execute("select text from report_versions")]
    runs = [run for t in texts for run in re.findall(r"[\u4e00-\u9fff0-9a-z]{6,}", t)]
    assert len(runs) > 100
    rng = random.Random(20240601)
    for _ in range(150):
        run = rng.choice(runs)
        size = rng.randint(1, 5)
        start = rng.randint(0, len(run) - size)
        term = run[start:start + size]
        assert found(db, term) == containing(db, term), term


def test_archive_writer_indexes_every_new_version(db: sqlite_utils.Database) -> None:
    versions = db.execute("select count(*) from report_versions").fetchone()[0]
    assert versions == 9
    assert db.execute("select count(*) from search_trigram").fetchone()[0] == versions
    assert db.execute("select count(*) from search_chars").fetchone()[0] == versions
    made_by_the_crawl = dict(db.execute("select rowid, body from search_trigram").fetchall())
    for vid, title, text in db.execute("select id, title, text from report_versions"):
        assert made_by_the_crawl[vid] == search.index_entry(title, text)[0]


def test_indexing_is_idempotent_and_catches_up(archive_path: Path, tmp_path: Path) -> None:
    copy = sqlite_utils.Database(shutil.copy(archive_path, tmp_path / "copy.db"))
    with copy.conn:
        assert search.index_versions(copy, [1, 2, 3]) == 0
    copy.execute("delete from search_trigram where rowid in (1, 2)")
    copy.execute("insert into search_chars(search_chars) values ('delete-all')")
    copy.conn.commit()
    assert found(copy, "微博") == set()
    assert search.index_pending(copy) == 2
    assert found(copy, "宣传栏") == {("北京市丰台区人民政府西罗园街道办事处", 2019)}
    assert search.rebuild(copy) == 9
    assert found(copy, "微博") == found(sqlite_utils.Database(archive_path), "微博")
    assert copy.execute("select count(*) from search_trigram").fetchone()[0] == 9


def test_a_reparse_that_rewrites_text_updates_the_index(archive_path: Path, tmp_path: Path) -> None:
    import archive_fixture
    from archive.store import Archive

    copy = Path(shutil.copy(archive_path, tmp_path / "reparse.db"))
    doc = next(d for d in archive_fixture.documents() if d.key == "xianfenglu")
    doc.text = "咸豐路街道办事处2019年政府信息公开工作年度报告\n重新解析后的文本"
    report, _ = archive_fixture.analysed(doc, archive_fixture.FIRST_RUN)
    report.parser_version = "next"
    store = Archive(copy)
    version_id = store.db.execute("select v.id from report_versions v join reports r on r.id = v.report_id "
                                  "where r.agency = ?", [doc.agency]).fetchone()[0]
    assert found(store.db, "重新解析") == set()
    assert (doc.agency, 2019) in found(store.db, "复议") and (doc.agency, 2019) in found(store.db, "行政诉讼")
    assert store.replace_analysis(version_id, report)
    assert (doc.agency, 2019) not in found(store.db, "复议") | found(store.db, "行政诉讼")
    assert found(store.db, "重新解析") == {(doc.agency, 2019)}
    assert (doc.agency, 2019) in found(store.db, "解析")
    assert (doc.agency, 2019) in found(store.db, "咸丰路街道")
    assert store.db.execute("select count(*) from search_trigram").fetchone()[0] == 9
    store.close()
