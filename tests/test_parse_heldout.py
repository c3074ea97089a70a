"""Held-out gate: reports from the sample's independent generator, in every form, read back.

``tests/heldout_eval.py`` makes N reports per template (random figures, random
damage, planted inconsistencies) plus the five real seeds, renders each as
text, HTML (a detail page and its big5-gateway twin), .docx and, with
LibreOffice, PDF and legacy .doc, and scores every parsed cell, the template,
the identity and the checks against the report that was rendered. Like
trafilatura's eval gate, the floors are pinned: lower one only with a reason.
"""

from __future__ import annotations

import os
from functools import lru_cache

import pytest

import heldout_eval as H

CELL_ACCURACY_FLOOR = 0.98
PER_TEMPLATE = int(os.environ.get("ZFXXGK_HELDOUT_N", "8"))
OFFICE_PER_TEMPLATE = int(os.environ.get("ZFXXGK_HELDOUT_OFFICE_N", "4"))
FORMS = ("text", "html", "html-tw", "docx")


@lru_cache(maxsize=1)
def _cases() -> tuple[H.Case, ...]:
    return tuple(H.generated_cases(PER_TEMPLATE, seed=1) + H.seed_cases())


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[H.Outcome]:
    cache = tmp_path_factory.getbasetemp() / "heldout-office"
    out = H.evaluate(list(_cases()), FORMS, cache)
    if H.render.soffice_path():
        office = [c for c in _cases() if c.real or int(c.key[-3:]) < OFFICE_PER_TEMPLATE]
        out += H.evaluate(office, H.OFFICE_FORMS, cache)
    print("\n" + "\n".join(H.summary_lines(out)))
    return out


def test_every_form_is_evaluated(outcomes: list[H.Outcome]) -> None:
    made = {o.form for o in outcomes}
    assert made >= set(FORMS)
    if not H.render.soffice_path():
        pytest.skip("LibreOffice (soffice) not installed: the PDF and .doc forms were not evaluated")
    assert made >= set(H.OFFICE_FORMS)


@pytest.mark.parametrize("form", H.FORMS)
def test_cell_accuracy_per_form(outcomes: list[H.Outcome], form: str) -> None:
    if form in H.OFFICE_FORMS and not H.render.soffice_path():
        pytest.skip(f"LibreOffice (soffice) not installed: no {form} form to evaluate")
    accuracy, _, cells = H.accuracy(outcomes, lambda o: o.form == form)
    misses = [line for line in H.failure_lines([o for o in outcomes if o.form == form]) if "want" in line]
    assert cells > 1000
    assert accuracy >= CELL_ACCURACY_FLOOR, misses[:10]


@pytest.mark.parametrize("template", [*H.TEMPLATES, "real"])
def test_cell_accuracy_per_template(outcomes: list[H.Outcome], template: str) -> None:
    accuracy, _, cells = H.accuracy(outcomes, lambda o: o.real if template == "real" else (o.template == template and not o.real))
    assert cells > 500
    assert accuracy >= CELL_ACCURACY_FLOOR


def test_template_right_for_every_report(outcomes: list[H.Outcome]) -> None:
    assert [f"{o.case} [{o.form}]" for o in outcomes if not o.template_ok] == []


def test_identity_of_every_report(outcomes: list[H.Outcome]) -> None:
    assert [f"{o.case} [{o.form}]: {o.identity_misses}" for o in outcomes if o.identity_misses] == []


def test_cross_template_summary_of_every_report(outcomes: list[H.Outcome]) -> None:
    assert [f"{o.case} [{o.form}]: {o.summary_misses}" for o in outcomes if o.summary_misses] == []


def test_checks_that_hold_in_the_source_hold_in_the_record(outcomes: list[H.Outcome]) -> None:
    assert [f"{o.case} [{o.form}]: {o.check_misses}" for o in outcomes if o.check_misses] == []


def test_every_planted_inconsistency_is_reported_by_its_rule(outcomes: list[H.Outcome]) -> None:
    planted = [o for o in outcomes if o.planted]
    if PER_TEMPLATE > len(H.RULES):  # rules are planted in turn: every gb rule and indicator_sums
        assert len({o.planted for o in planted}) == len(H.RULES) + 1
    assert [f"{o.case} [{o.form}]: {o.planted}" for o in planted if not o.planted_found] == []


def test_generated_files_are_not_all_alike() -> None:
    """The gate draws damage, portals and encodings at random: make sure the draw covers them."""
    if PER_TEMPLATE < 8:
        pytest.skip("too few reports to cover every kind of damage")
    cases = _cases()
    damage = [c.damage for c in cases if not c.real]
    for name in ("split_labels", "spaced_labels", "variant_chars", "signed_changes", "blank_zeros", "blank_total", "goback", "fullwidth_spaces"):
        assert any(getattr(d, name) for d in damage), name
    assert {d.amount_unit for d in damage} >= {None, "元", "万元"}
    assert len({c.portal for c in cases}) >= 4 and any(c.gbk for c in cases) and any(c.big5 for c in cases)
