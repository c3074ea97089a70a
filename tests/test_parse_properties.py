"""Property tests: random consistent tables round-trip exactly; damaged input never raises."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "golden"))

import make_fixtures as mf  # noqa: E402

from parsers.documents import read_document  # noqa: E402
from parsers.report import parse_report  # noqa: E402
from test_parse_accuracy import cells  # noqa: E402

TEMPLATES = st.sampled_from(["gb-2019", "gb-2021", "beijing-2008"])
DAMAGE = st.builds(
    mf.Damage,
    blank_zeros=st.booleans(),
    blank_totals=st.booleans(),
    spaced_labels=st.booleans(),
    split_labels=st.booleans(),
    variants=st.booleans(),
    fullwidth=st.booleans(),
    no_check_row=st.booleans(),
    bookmark=st.booleans(),
)
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _render(spec: mf.Spec, form: str) -> tuple[bytes, str]:
    if form == "txt":
        return mf.render_text(spec).encode("utf-8"), "report.txt"
    if form == "html":
        return mf.render_html(spec).encode("utf-8"), "report.html"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.docx"
        mf.render_docx(spec, path)
        return path.read_bytes(), "report.docx"


def _roundtrip(seed: int, template: str, damage: mf.Damage, form: str) -> None:
    spec = mf.random_spec(seed, template, damage)
    data, name = _render(spec, form)
    report = parse_report([read_document(data, filename=name)])
    assert report.template == template
    want, got = cells(mf.truth(spec)), cells(report.to_json())
    assert {k: got.get(k) for k in want} == want
    assert not [c for c in report.checks if not c.ok]


@SLOW
@given(seed=st.integers(0, 10**6), template=TEMPLATES, damage=DAMAGE)
def test_text_roundtrip(seed: int, template: str, damage: mf.Damage) -> None:
    _roundtrip(seed, template, damage, "txt")


@SLOW
@given(seed=st.integers(0, 10**6), template=TEMPLATES, damage=DAMAGE)
def test_html_roundtrip(seed: int, template: str, damage: mf.Damage) -> None:
    _roundtrip(seed, template, damage, "html")


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6), template=TEMPLATES, damage=DAMAGE)
def test_docx_roundtrip(seed: int, template: str, damage: mf.Damage) -> None:
    _roundtrip(seed, template, damage, "docx")


@SLOW
@given(data=st.binary(max_size=4000), name=st.sampled_from(["a.html", "a.txt", "a.docx", "a.pdf", "a.doc", "a.xls", "a"]))
def test_garbage_bytes_never_raise(data: bytes, name: str) -> None:
    if name.endswith(".doc") and data.startswith(b"\xd0\xcf\x11\xe0"):
        data = data[4:]
    doc = read_document(data, filename=name)
    assert doc.status in ("ok", "needs_ocr", "unsupported_format", "corrupt", "empty")
    parse_report([doc]).to_json()


@SLOW
@given(seed=st.integers(0, 10**6), template=TEMPLATES, cuts=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 80)), max_size=8),
       form=st.sampled_from(["txt", "html", "docx"]))
def test_damaged_reports_never_raise(seed: int, template: str, cuts: list[tuple[float, int]], form: str) -> None:
    data, name = _render(mf.random_spec(seed, template), form)
    buf = bytearray(data)
    for where, length in cuts:
        start = int(where * len(buf))
        del buf[start : start + length]
    report = parse_report([read_document(bytes(buf), filename=name)])
    report.to_json()
    assert report.status in ("parsed", "partial", "needs_ocr", "unreadable", "no_tables")
