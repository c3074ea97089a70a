"""Typed records for one parsed annual report.

The JSON form of :class:`Report` is the public contract described in
``report-schema.md`` (copied to ``docs/report-schema.md``): keys are added, never
renamed. Every number keeps a :class:`CellRef` so a researcher can trace it back
to the table and cell of the file it was read from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

TEMPLATES = ("beijing-2008", "gb-2019", "gb-2021", "unknown")

REQUEST_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "public_interest",
    "legal_service",
    "other_org",
    "total",
)

REQUEST_ROWS = (
    "new",
    "carried_in",
    "granted",
    "partly_granted",
    "withheld_state_secret",
    "withheld_other_law",
    "withheld_security_stability",
    "withheld_third_party",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_file",
    "withheld_query_matter",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
    "other",
    "other_no_correction",
    "other_fee_unpaid",
    "other_misc",
    "handled_total",
    "carried_out",
)

APPEAL_GROUPS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")

ACTIVE_COLUMNS = (
    "made",
    "published",
    "repealed",
    "in_force",
    "previous_items",
    "change",
    "decisions",
    "fee_amount",
    "procurement_items",
    "procurement_amount",
)

SUMMARY_KEYS = (
    "requests_new",
    "requests_handled",
    "granted",
    "partly_granted",
    "reviews",
    "litigations",
    "proactive_items",
    "penalty_decisions",
    "fees_collected",
)

Number = int | float


@dataclass(frozen=True)
class CellRef:
    """Where a value was read: table index in the source file, row and column in that table.

    ``document`` is the position of the file among the report's documents (a page
    body and its attachment are documents 0 and 1).
    """

    table: int
    row: int
    col: int
    document: int = 0


@dataclass
class ActiveRow:
    """One cell of section 二 (active disclosure)."""

    item: str
    row: str
    column: str
    value: Number | None
    unit: str | None = None
    source: CellRef | None = None
    parent: str | None = None


@dataclass
class Indicator:
    """One row of the beijing-2008 statistics table, kept as printed."""

    path: str
    label: str
    unit: str | None
    value: Number | None
    source: CellRef | None = None


@dataclass
class Check:
    """One consistency rule of the schema and whether the record satisfies it."""

    rule: str
    ok: bool
    detail: str = ""


@dataclass
class Problem:
    """A cell or section that could not be read, and why; the record is kept regardless."""

    where: str
    reason: str


@dataclass
class DocumentInfo:
    """What was read from one input file (page body, attachment) and how it went."""

    kind: str
    status: str
    reason: str = ""
    tables: int = 0
    filename: str | None = None


@dataclass
class Report:
    """The canonical record of one annual report."""

    agency: str | None = None
    region: str | None = None
    year: int | None = None
    published: str | None = None
    source_url: str | None = None
    template: str = "unknown"
    title: str | None = None
    active: list[ActiveRow] = field(default_factory=list)
    requests: dict[str, dict[str, int]] = field(default_factory=dict)
    appeals: dict[str, dict[str, int]] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    summary: dict[str, Number] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)
    provenance: dict[str, CellRef] = field(default_factory=dict)
    status: str = "parsed"
    parser_version: str = ""
    documents: list[DocumentInfo] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The record as JSON-ready data, keys as in the schema."""
        data: dict[str, Any] = json.loads(self.json_text())
        return data

    def json_text(self) -> str:
        """The record as JSON text (what the archive stores), provenance keys sorted.

        json's C encoder writes it, asking :func:`_fields` for each record object
        it meets: building the plain data in Python first cost three times as much.
        """
        return json.dumps(self, default=_fields, ensure_ascii=False)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _fields(value: Any) -> dict[str, Any]:
    """A record object's fields by name (the JSON encoder's hook).

    A dataclass's ``__init__`` sets its fields in order, so the instance's own
    dict is its fields, in order, unless something else was set on it; field
    names are looked up once per class to tell.
    """
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not is_dataclass(value):
            raise TypeError(f"{kind.__name__} is not part of a report record")
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    data: dict[str, Any] = vars(value)
    if len(data) != len(names):
        data = {name: getattr(value, name) for name in names}
    if kind is Report:
        data = {**data, "provenance": dict(sorted(value.provenance.items()))}
    return data


@dataclass(frozen=True)
class TidyCell:
    """One number of the record as a flat row, for storage in a long table."""

    section: str
    row: str
    column: str
    value: Number | None
    unit: str | None
    table: int | None
    cell_row: int | None
    cell_col: int | None
    document: int | None = None
    computed: bool = False


def _ref(ref: CellRef | None) -> tuple[int | None, int | None, int | None, int | None]:
    if ref is None:
        return None, None, None, None
    return ref.table, ref.row, ref.col, ref.document


def _matrix_cells(report: Report, section: str, matrix: dict[str, dict[str, int]]) -> list[TidyCell]:
    out = []
    computed = set(report.computed)
    for row, cols in matrix.items():
        for col, value in cols.items():
            key = f"{section}.{row}.{col}"
            t, r, c, d = _ref(report.provenance.get(key))
            out.append(TidyCell(section, row, col, value, None, t, r, c, d, key in computed))
    return out


def tidy_cells(report: Report) -> list[TidyCell]:
    """Every number of the record as (section, row, column, value, unit, where it was read)."""
    out: list[TidyCell] = []
    for a in report.active:
        t, r, c, d = _ref(a.source)
        row = f"{a.item}/{a.parent}/{a.row}" if a.parent else f"{a.item}/{a.row}"
        out.append(TidyCell("active", row, a.column, a.value, a.unit, t, r, c, d))
    out += _matrix_cells(report, "requests", report.requests)
    out += _matrix_cells(report, "appeals", report.appeals)
    for ind in report.indicators:
        t, r, c, d = _ref(ind.source)
        out.append(TidyCell("indicators", ind.path, ind.label, ind.value, ind.unit, t, r, c, d))
    for key, value in report.summary.items():
        out.append(TidyCell("summary", key, "value", value, None, None, None, None))
    return out
