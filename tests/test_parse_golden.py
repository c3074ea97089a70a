"""Golden reports: every input under tests/golden/<case>/ parses to its expected.json.

``pytest --update-golden`` rewrites expected.json; review the diff by hand
(the expected files are the truth, checked against the input by eye).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import parse_file

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.glob("*/input.*"))


def _record(path: Path) -> dict:
    data = parse_file(path).to_json()
    data.pop("parser_version")
    return json.loads(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize("path", CASES, ids=[p.parent.name for p in CASES])
def test_golden(path: Path, request: pytest.FixtureRequest) -> None:
    expected_path = path.parent / "expected.json"
    got = _record(path)
    if request.config.getoption("--update-golden"):
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    assert expected_path.exists(), f"no expected.json for {path.parent.name}: run pytest --update-golden and review"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    for key in expected:
        assert got.get(key) == expected[key], f"{path.parent.name}: {key} differs"
    assert got == expected


def test_golden_set_is_broad() -> None:
    """At least 15 cases beyond the seeds, in every input form and template."""
    generated = [p for p in CASES if not p.parent.name.startswith("seed-")]
    assert len(generated) >= 15
    assert {p.suffix for p in CASES} >= {".txt", ".html", ".docx", ".pdf", ".doc"}
    templates = {json.loads((p.parent / "expected.json").read_text())["template"] for p in CASES if (p.parent / "expected.json").exists()}
    assert templates >= {"beijing-2008", "gb-2019", "gb-2021"}
