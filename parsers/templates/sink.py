"""Collecting cells and problems into a report while a template reader runs."""

from __future__ import annotations

from ..records import CellRef, Problem, Report


class Sink:
    """Write access to the report under construction, so readers stay small."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def problem(self, where: str, reason: str) -> None:
        self.report.problems.append(Problem(where, reason))

    def put(self, section: str, row: str, column: str, value: int, ref: CellRef | None) -> None:
        matrix = self.report.requests if section == "requests" else self.report.appeals
        matrix.setdefault(row, {})[column] = value
        if ref is not None:
            self.report.provenance[f"{section}.{row}.{column}"] = ref

    def computed(self, key: str) -> None:
        if key not in self.report.computed:
            self.report.computed.append(key)
