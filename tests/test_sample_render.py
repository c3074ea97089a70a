"""Renderers, damage, seeds and the consistent-report generator of the sample portal."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from crawler.sample.damage import Damage
from crawler.sample.render import (
    RenderError,
    render_docx,
    render_html,
    render_pdf,
    render_text,
)
from crawler.sample.seeds import SEEDS, load_seed, seed_text
from crawler.sample.variants import RULES, RULES_2008, make_report

TEMPLATES = [("gb-2019", 2019), ("gb-2021", 2023), ("beijing-2008", 2016)]


def _report(template: str, year: int, seed: int = 1, **kw):
    return make_report("北京市统计局", "北京市", year, template, random.Random(seed), **kw)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("template,year", TEMPLATES)
def test_generated_reports_pass_every_check(template, year, seed):
    report = _report(template, year, seed)
    assert report.checks and all(c.ok for c in report.checks), report.checks


@pytest.mark.parametrize("rule", RULES)
def test_planted_inconsistency_breaks_that_rule_alone(rule):
    report = _report("gb-2021", 2022, 5, inconsistent=rule)
    assert [c.rule for c in report.checks if not c.ok] == [rule]


@pytest.mark.parametrize("rule", RULES_2008)
def test_planted_inconsistency_2008(rule):
    report = _report("beijing-2008", 2017, 5, inconsistent=rule)
    assert [c.rule for c in report.checks if not c.ok] == [rule]


def test_text_states_the_request_count():
    report = _report("gb-2019", 2020, 3)
    assert f"共收到政府信息公开申请{report.requests['new']['total']}件" in render_text(report)


def test_seed_000_renders_back_to_its_own_text():
    seed = SEEDS[0]
    lines = lambda text: [ln for ln in text.splitlines() if ln.strip()]
    assert lines(render_text(load_seed(seed), seed.damage)) == lines(seed_text(seed.id))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: s.id[:3])
def test_seeds_keep_their_figures_and_are_consistent(seed):
    report = load_seed(seed)
    assert all(c.ok for c in report.checks), report.checks
    text = seed_text(seed.id)
    assert str(int(report.summary["requests_new"])) in text


def test_seed_figures():
    figures = {s.id[:3]: load_seed(s).summary for s in SEEDS}
    assert figures["000"]["requests_new"] == 3 and figures["000"]["litigations"] == 1
    assert figures["001"]["proactive_items"] == 1280 and figures["001"]["requests_new"] == 5
    assert figures["003"]["requests_new"] == 40 and figures["003"]["reviews"] == 5
    assert figures["004"]["requests_new"] == 9 and figures["004"]["requests_handled"] == 8


def test_text_format_has_placeholders_for_vertical_merges():
    text = render_text(_report("gb-2019", 2019))
    assert "\t三、本年度办理结果\n\t（一）予以公开\n" in text
    assert "\t\n\t（二）部分公开" in text  # the 三、 cell continues down as an empty cell


def test_html_is_a_word_paste_table():
    html = render_html(_report("gb-2019", 2019), Damage(blank_zeros=True))
    assert '<table border="1"' in html and "nowrap" in html and "<td" in html
    assert 'rowspan="3" colspan="3"' in html  # the 勾稽关系 note
    assert 'colspan="5"' in html and "&nbsp;" in html and "<p" in html


def test_traditional_twin_swaps_words_too():
    html = render_html(_report("gb-2019", 2019), traditional=True)
    assert "資訊" in html and "信息" not in html and "報告" in html


@pytest.mark.parametrize(
    "damage,expected",
    [
        (Damage(amount_unit="万元"), "万元</p>"),
        (Damage(split_labels=True), "<p style=\"text-align:left;\">商业</p><p style=\"text-align:left;\">企业</p>"),
        (Damage(spaced_labels=True), "商业 企业"),
        (Damage(variant_chars=True), "釆购"),
        (Damage(goback=True), '<a name="_GoBack"></a>'),
    ],
)
def test_damage_shows_in_html(damage, expected):
    assert expected in render_html(_report("gb-2019", 2019, 2), damage)


def test_amount_in_yuan_and_signed_changes():
    report = _report("gb-2019", 2019, 2)
    amount = next(a.value for a in report.active if a.column == "procurement_amount")
    assert f"\t{round(amount * 10000)}元\n" in render_text(report, Damage(amount_unit="元"))
    changes = [a for a in report.active if a.column == "change"]
    changes[0].value = 410
    assert "\t+410\n" in render_text(report, Damage(signed_changes=True))


def test_missing_sections_are_left_out():
    text = render_text(_report("gb-2019", 2019), Damage(missing=frozenset({"procurement", "other"})))
    assert "第二十条第（九）项" not in text and "六、其他需要报告的事项" not in text


def test_blank_total_column():
    report = _report("gb-2019", 2019)
    text = render_text(report, Damage(blank_total=True))
    assert f"\t{report.requests['new']['total']}\n\n\t二、" not in text


def test_docx_has_real_merges_and_is_deterministic():
    report = _report("gb-2021", 2022)
    data = render_docx(report)
    assert data == render_docx(report)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<w:vMerge" in xml and "<w:gridSpan" in xml and "第二十条第（一）项" in xml


def test_pdf_needs_libreoffice(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RenderError, match="soffice"):
        render_pdf(_report("gb-2019", 2019))


@pytest.mark.parametrize("template,year", TEMPLATES)
def test_docx_tables_read_back_and_end_with_a_paragraph(template, year):
    import docx

    word = docx.Document(io.BytesIO(render_docx(_report(template, year))))
    assert len(word.tables) == (1 if template == "beijing-2008" else 3)
    body = word.element.body
    assert body[-2].tag.endswith("}p")  # the last block before sectPr: Word's closing paragraph
