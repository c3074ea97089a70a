"""What changed between two versions of a report: a readable text diff and the table cells that moved.

A researcher reading an ``altered`` alert wants to see in one line that
``requests.new.total 40 → 38``, and then the sentences around the edit; both are
computed from what the archive already holds (``cells`` and ``report_versions.text``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

_SENTENCE_END = re.compile(r"(?<=[。；！？])")
_SPACE = re.compile(r"\s+")
DIFF_LINES = 200


@dataclass(frozen=True)
class CellChange:
    """One table cell whose value differs between two versions (None: absent in that version)."""

    path: str
    old: float | None
    new: float | None

    def __str__(self) -> str:
        return f"{self.path} {_number(self.old)} → {_number(self.new)}"


@dataclass
class VersionChange:
    """Everything that differs between two versions of one report."""

    report_id: str
    old_version: int
    new_version: int
    cells: list[CellChange] = field(default_factory=list)
    diff: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "old_version": self.old_version, "new_version": self.new_version,
                "cells": [str(c) for c in self.cells], "diff": self.diff}


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _lines(text: str) -> list[str]:
    """Text as diffable lines: one sentence a line, whitespace normalised, blank lines dropped.

    Chinese reports often hold a whole section in one paragraph; splitting at
    sentence ends keeps a one-word edit from showing as a paragraph replaced.
    """
    out = []
    for line in (text or "").splitlines():
        for sentence in _SENTENCE_END.split(_SPACE.sub(" ", line).strip()):
            if sentence.strip():
                out.append(sentence.strip())
    return out


def text_diff(old: str, new: str, *, old_label: str = "old", new_label: str = "new",
              max_lines: int = DIFF_LINES) -> str:
    """A unified diff of two texts, sentence by sentence, cut at ``max_lines`` lines."""
    lines = list(difflib.unified_diff(_lines(old), _lines(new), old_label, new_label, n=1, lineterm=""))
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"… {len(lines) - max_lines} more lines"]
    return "\n".join(lines)


def _cells(db: sqlite_utils.Database, version_id: int) -> dict[str, float | None]:
    rows = db.execute("select section, row, column, value from cells where version_id = ?", [version_id])
    return {_path(section, row, column): value for section, row, column, value in rows}


def _path(section: str, row: str, column: str) -> str:
    """``requests.new.total``; a one-value row (``summary.requests_new``) needs no column."""
    return ".".join(p for p in (section, row, column) if p and p != "value")


def changed_cells(db: sqlite_utils.Database, old_version_id: int, new_version_id: int) -> list[CellChange]:
    """Cells added, dropped or changed in value, in path order."""
    old, new = _cells(db, old_version_id), _cells(db, new_version_id)
    return [CellChange(path, old.get(path), new.get(path))
            for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]


def _version(db: sqlite_utils.Database, report_id: str, number: int) -> dict[str, Any] | None:
    return next(db.query("select id, version, text from report_versions where report_id = ? and version = ?",
                         [report_id, number]), None)


def compare_versions(db: sqlite_utils.Database, report_id: str, old: int, new: int) -> VersionChange | None:
    """The change from version ``old`` to version ``new`` of a report (None if either is unknown)."""
    before, after = _version(db, report_id, old), _version(db, report_id, new)
    if before is None or after is None:
        return None
    return VersionChange(
        report_id=report_id, old_version=old, new_version=new,
        cells=changed_cells(db, before["id"], after["id"]),
        diff=text_diff(before["text"], after["text"], old_label=f"v{old}", new_label=f"v{new}"),
    )
