"""Accuracy gate over the golden set, like trafilatura's eval gate.

Generated cases carry ``truth.json`` written by the generator from the data it
rendered (independent of the parser); seed cases are scored against their
hand-reviewed expected.json. The floor is pinned: lower it only with a reason.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from parsers import parse_file as _parse_file
from parsers.records import Report

GOLDEN = Path(__file__).parent / "golden"
CELL_ACCURACY_FLOOR = 0.98

Key = tuple[object, ...]


@lru_cache(maxsize=None)
def parse_file(path: Path) -> Report:
    """Each golden input is parsed once for all the gates (PDF and .doc are slow)."""
    return _parse_file(path)


def cells(record: dict) -> dict[Key, object]:
    out: dict[Key, object] = {}
    for section in ("requests", "appeals"):
        for row, cols in (record.get(section) or {}).items():
            for col, value in cols.items():
                out[(section, row, col)] = value
    for a in record.get("active") or []:
        out[("active", a["item"], a.get("parent"), a["row"], a["column"])] = a["value"]
    for ind in record.get("indicators") or []:
        out[("indicators", ind["path"])] = (ind["unit"], ind["value"])
    return out


def _cases() -> list[tuple[Path, dict]]:
    out = []
    for folder in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        inputs = list(folder.glob("input.*"))
        truth = folder / "truth.json"
        source = truth if truth.exists() else folder / "expected.json"
        if inputs and source.exists():
            out.append((inputs[0], json.loads(source.read_text(encoding="utf-8"))))
    return out


def test_cell_accuracy_floor() -> None:
    total = correct = 0
    misses = []
    for path, truth in _cases():
        want, got = cells(truth), cells(parse_file(path).to_json())
        total += len(want)
        good = sum(1 for k, v in want.items() if got.get(k) == v)
        correct += good
        if good < len(want):
            misses.append(f"{path.parent.name}: {good}/{len(want)}")
    accuracy = correct / total
    print(f"cell accuracy {accuracy:.4f} over {total} cells")
    assert total > 2000
    assert accuracy >= CELL_ACCURACY_FLOOR, misses


def test_template_right_for_every_report() -> None:
    for path, truth in _cases():
        if "template" in truth and truth.get("year") is not None:
            assert parse_file(path).template == truth["template"], path.parent.name


def test_planted_inconsistencies_are_reported_by_their_rule() -> None:
    planted = 0
    for path, truth in _cases():
        if "failing_checks" not in truth:
            continue
        failed = {c.rule for c in parse_file(path).checks if not c.ok}
        assert failed == set(truth["failing_checks"]), path.parent.name
        planted += len(truth["failing_checks"])
    assert planted >= 5
