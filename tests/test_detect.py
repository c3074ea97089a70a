"""The detection rules, on crawl runs written into a real archive file."""

from __future__ import annotations

from datetime import date

import pytest

from archive.db import open_db
from archive.detect import Expectation, Policy, detect
from archive.history import find_report, report_history
from archive_runs import BASE, LIST, Seen, crawl_run, fetch, kinds

A, B, C = "北京市统计局", "北京市东城区教育委员会", "北京市发展和改革委员会"


@pytest.fixture()
def db(tmp_path):
    return str(tmp_path / "archive.db")


def baseline() -> list[Seen]:
    return [Seen(A, 2023), Seen(A, 2024), Seen(B, 2024), Seen(C, 2024)]


def test_first_crawl_raises_one_summary_new_alert(db):
    alerts = crawl_run(db, baseline(), as_of=date(2025, 3, 1))
    assert kinds(alerts) == [("new", None, None)]
    assert alerts[0].data == {"reports": 4, "agencies": 3, "years": [2023, 2024]}
    assert "first crawl of portal p" in alerts[0].title


def test_detection_is_idempotent(db):
    crawl_run(db, baseline(), as_of=date(2025, 3, 1))
    archive = open_db(db)
    run_id = archive.execute("select max(id) from runs").fetchone()[0]
    assert detect(archive, run_id, Policy(as_of=date(2025, 3, 1))) == []
    assert archive["alerts"].count == 1


def test_later_crawls_raise_new_per_report_and_nothing_when_unchanged(db):
    crawl_run(db, baseline(), as_of=date(2025, 3, 1))
    assert crawl_run(db, baseline(), as_of=date(2025, 3, 1)) == []
    alerts = crawl_run(db, baseline() + [Seen(A, 2025)], as_of=date(2025, 3, 1))
    assert kinds(alerts) == [("new", A, 2025)]
    assert alerts[0].url.startswith(BASE) and alerts[0].report_id


def test_altered_carries_changed_cells_and_diff(db):
    crawl_run(db, baseline())
    edited = Seen(A, 2024, text="本年度共收到申请38件。全部办结。", cells={("requests", "new", "total"): 38})
    alerts = crawl_run(db, [*baseline()[:1], edited, *baseline()[2:]])
    assert kinds(alerts) == [("altered", A, 2024)]
    alert = alerts[0]
    assert alert.version == 2
    assert alert.data["cells"] == ["requests.new.total 40 → 38"]
    assert "-本年度共收到申请40件。" in alert.data["diff"] and "+本年度共收到申请38件。" in alert.data["diff"]
    assert "requests.new.total 40 → 38" in alert.title
    history = report_history(open_db(db), find_report(open_db(db), alert.report_id))
    assert [v.version for v in history.versions] == [1, 2]
    assert [str(c) for c in history.changes[0].cells] == ["requests.new.total 40 → 38"]
    assert crawl_run(db, [*baseline()[:1], edited, *baseline()[2:]]) == []


def test_a_reparse_is_a_version_but_not_an_alteration(db):
    crawl_run(db, baseline())
    reread = Seen(A, 2024, cells={("requests", "new", "total"): 40, ("requests", "granted", "total"): 12},
                  parser="2")
    assert crawl_run(db, [*baseline()[:1], reread, *baseline()[2:]]) == []
    same_bytes = Seen(A, 2024, text="抽取方式变了。", page_sha=reread.analysed("p").documents[0].sha256)
    assert crawl_run(db, [*baseline()[:1], same_bytes, *baseline()[2:]]) == []
    assert open_db(db).execute("select current_version from reports where year = 2024 and agency = ?",
                               [A]).fetchone()[0] == 3
    edited = Seen(A, 2024, text="本年度共收到申请38件。", parser="2")
    assert kinds(crawl_run(db, [*baseline()[:1], edited, *baseline()[2:]])) == [("altered", A, 2024)]


def test_removed_when_gone_from_listing_then_reappeared(db):
    crawl_run(db, baseline())
    alerts = crawl_run(db, baseline()[1:])
    assert kinds(alerts) == [("removed", A, 2023)]
    assert "no longer links it" in alerts[0].title
    archive = open_db(db)
    gone = archive.execute("select state, gone_since, current_version from reports where year = 2023").fetchone()
    assert gone[0] == "gone" and gone[1] and gone[2] == 1
    assert archive.execute("select count(*) from report_versions").fetchone()[0] == 4
    assert crawl_run(db, baseline()[1:]) == []
    back = crawl_run(db, baseline())
    assert kinds(back) == [("reappeared", A, 2023)]
    assert open_db(db).execute("select state, gone_since from reports where year = 2023").fetchone() == ("live", None)
    assert kinds(crawl_run(db, baseline()[1:])) == [("removed", A, 2023)]


def test_removed_when_the_page_answers_404_even_if_lists_failed(db):
    crawl_run(db, baseline())
    page = baseline()[0].page
    alerts = crawl_run(db, baseline()[1:], lists=(), answers=[fetch(page, 404), fetch(LIST, 503, role="list")])
    assert kinds(alerts) == [("removed", A, 2023)]
    assert "HTTP 404" in alerts[0].title


@pytest.mark.parametrize("answer", [
    fetch(Seen(A, 2023).page, 503),
    fetch(Seen(A, 2023).page, 200, error="WAF block page"),
    fetch(Seen(A, 2023).page, 0, error="TimeoutError: timed out"),
    fetch(Seen(A, 2023).page, 0, error="IgnoreRequest: robots.txt"),
    fetch(Seen(A, 2023).page, 302),  # e.g. to a login page
    fetch(Seen(A, 2023).page, 401),
    fetch(Seen(A, 2023).page, 403),
])
def test_failures_and_blocks_are_never_removal(db, answer):
    crawl_run(db, baseline())
    assert crawl_run(db, baseline()[1:], answers=[answer]) == []
    assert open_db(db).execute("select state from reports where year = 2023").fetchone()[0] == "live"


def test_unlisted_report_is_not_removed_when_its_listing_failed(db):
    crawl_run(db, baseline())
    assert crawl_run(db, baseline()[1:], lists=(), answers=[fetch(LIST, 502, role="list")]) == []


def test_fetch_failed_once_per_streak_after_n_runs_in_a_row(db):
    crawl_run(db, baseline())
    failing = [fetch(Seen(A, 2023).page, 503)]
    assert crawl_run(db, baseline()[1:], answers=failing) == []
    assert crawl_run(db, baseline()[1:], lists=()) == []  # not requested: neither breaks nor extends the streak
    assert crawl_run(db, baseline()[1:], answers=failing) == []
    alerts = crawl_run(db, baseline()[1:], answers=failing)
    assert kinds(alerts) == [("fetch_failed", A, 2023)]
    assert "3 crawls in a row" in alerts[0].title and "HTTP 503" in alerts[0].title
    assert crawl_run(db, baseline()[1:], answers=failing) == []
    crawl_run(db, baseline())
    for _ in range(2):
        assert crawl_run(db, baseline()[1:], answers=failing) == []
    assert kinds(crawl_run(db, baseline()[1:], answers=failing)) == [("fetch_failed", A, 2023)]


def test_narrowed_run_marks_nothing_removed_or_missing(db):
    crawl_run(db, baseline())
    assert crawl_run(db, [Seen(C, 2024)], scope="year=2024", as_of=date(2027, 3, 1)) == []
    assert open_db(db).execute("select count(*) from reports where state = 'gone'").fetchone()[0] == 0


def test_shrunk_run_raises_portal_shrank_once_and_removes_nothing(db):
    expect = Expectation(min_reports=3, min_agencies=2)
    crawl_run(db, baseline(), expect=expect)
    alerts = crawl_run(db, [Seen(C, 2024)], expect=expect)
    assert kinds(alerts) == [("portal_shrank", None, None)]
    assert "1 reports, the definition expects at least 3" in alerts[0].detail
    assert "the last complete crawl (run 1) found 4" in alerts[0].detail
    assert crawl_run(db, [Seen(C, 2024)], expect=expect) == []  # the same breakage, still
    archive = open_db(db)
    assert archive.execute("select count(*) from reports where state = 'gone'").fetchone()[0] == 0
    assert [r[0] for r in archive.execute("select verdict from runs order by id")] == ["complete", "shrank", "shrank"]
    assert kinds(crawl_run(db, baseline()[1:], expect=expect)) == [("removed", A, 2023)]


def test_shrinking_against_the_last_complete_crawl(db):
    many = [Seen(A, y) for y in range(2015, 2025)]
    crawl_run(db, many)
    assert kinds(crawl_run(db, many[:4])) == [("portal_shrank", None, None)]


def test_moved_by_redirect_keeps_identity_and_versions(db):
    old = Seen(A, 2023, url=BASE + "gknb/old.html")
    crawl_run(db, [old, *baseline()[1:]])
    new = Seen(A, 2023, url=BASE + "gknb/new.html")
    alerts = crawl_run(db, [new, *baseline()[1:]], answers=[fetch(old.page, 301)])
    assert kinds(alerts) == [("moved", A, 2023)]
    assert (alerts[0].old_url, alerts[0].url) == (old.page, new.page)
    archive = open_db(db)
    assert archive.execute("select count(*) from reports where year = 2023").fetchone()[0] == 1
    assert archive.execute("select url, current_version, state from reports where year = 2023").fetchone() == (
        new.page, 1, "live")
    assert list(archive.query("select old_url, new_url, via from report_moves")) == [
        {"old_url": old.page, "new_url": new.page, "via": "redirect"}]
    assert find_report(archive, old.page)["url"] == new.page
    assert crawl_run(db, [new, *baseline()[1:]]) == []


def test_relisted_under_another_title_with_the_same_content_is_moved(db):
    old = Seen(A, 2023, url=BASE + "gknb/a.html")
    crawl_run(db, [old, *baseline()[1:]])
    relisted = Seen(A, 2023, url=BASE + "gknb/b.html", title="北京市统计局2023年度政府信息公开工作报告")
    alerts = crawl_run(db, [relisted, *baseline()[1:]])
    assert kinds(alerts) == [("moved", A, 2023)]
    assert "relisted" in alerts[0].title


def test_same_content_elsewhere_or_alongside_is_not_a_move(db):
    old = Seen(A, 2023, url=BASE + "gknb/a.html")
    crawl_run(db, [old, *baseline()[1:]])
    other_column = Seen(A, 2023, url=BASE + "tjj/b.html", title="另一个标题", list_url=BASE + "tjj/index.html")
    alerts = crawl_run(db, [other_column, *baseline()[1:]], lists=(LIST, BASE + "tjj/index.html"))
    assert kinds(alerts) == [("new", A, 2023), ("removed", A, 2023)]
    twin = Seen(A, 2024, url=BASE + "gknb/c.html", title="同一内容的第二个页面")
    crawl_run(db, [*baseline()[1:], twin])
    assert open_db(db).execute("select count(*) from reports where year = 2024 and agency = ?", [A]).fetchone()[0] == 2


def test_missing_years_from_the_archive(db):
    alerts = crawl_run(db, [Seen(A, 2019), Seen(A, 2021), Seen(A, 2022), Seen(A, 2023), Seen(A, 2024)],
                       as_of=date(2025, 3, 1))
    assert kinds(alerts) == [("missing", A, 2020), ("new", None, None)]
    missing = next(a for a in alerts if a.kind == "missing")
    assert missing.data == {"deadline": "2021-01-31", "archived_years": [2019, 2021, 2022, 2023, 2024]}


@pytest.mark.parametrize("as_of, grace, missing", [
    (date(2026, 1, 31), 0, False),
    (date(2026, 2, 1), 0, True),
    (date(2026, 2, 10), 14, False),
    (date(2026, 2, 15), 14, True),
])
def test_missing_current_year_only_after_the_deadline(db, as_of, grace, missing):
    crawl_run(db, [Seen(A, 2024), Seen(B, 2024)], as_of=date(2025, 3, 1))
    alerts = crawl_run(db, [Seen(A, 2024), Seen(B, 2024), Seen(A, 2025)], as_of=as_of, grace_days=grace)
    expected = [("missing", B, 2025)] if missing else []
    assert kinds(alerts) == sorted([("new", A, 2025), *expected])


def test_missing_is_raised_once_and_removed_reports_still_count(db):
    crawl_run(db, [Seen(A, 2023), Seen(A, 2024)], as_of=date(2025, 3, 1))
    crawl_run(db, [Seen(A, 2024)], as_of=date(2025, 3, 1))  # 2023 removed: published, so not missing
    assert kinds(crawl_run(db, [Seen(A, 2024)], as_of=date(2026, 3, 1))) == [("missing", A, 2025)]
    assert crawl_run(db, [Seen(A, 2024)], as_of=date(2026, 6, 1)) == []


def test_inconsistent_once_per_report_and_rule_set(db):
    crawl_run(db, baseline())
    bad = Seen(C, 2025, failed=("requests_columns",))
    alerts = crawl_run(db, [*baseline(), bad])
    assert kinds(alerts) == [("inconsistent", C, 2025), ("new", C, 2025)]
    assert next(a for a in alerts if a.kind == "inconsistent").data["rules"] == ["requests_columns"]
    edited = Seen(C, 2025, failed=("requests_columns",), text="改过的正文。")
    assert kinds(crawl_run(db, [*baseline(), edited])) == [("altered", C, 2025)]
    worse = Seen(C, 2025, failed=("requests_balance", "requests_columns"), text="又改了。")
    assert kinds(crawl_run(db, [*baseline(), worse])) == [("altered", C, 2025), ("inconsistent", C, 2025)]


def test_unfinished_run_removes_nothing(db):
    crawl_run(db, baseline())
    assert crawl_run(db, baseline()[1:], status="shutdown") == []
    assert open_db(db).execute("select verdict from runs order by id desc").fetchone()[0] == "incomplete"
