"""Alerts: the events an operator and researchers are told about, stored once each in ``alerts``.

An alert's ``key`` names its event (``altered:<report>:v3``, ``missing:<agency>:2025``),
and the table has a unique index on it, so raising the same event again is a
no-op: detection can be re-run over the same data and nothing is sent twice.
The rules that raise alerts live in :mod:`archive.detect`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import sqlite_utils

KINDS: dict[str, str] = {
    "new": "a report appeared (the first crawl of a portal raises one summary instead)",
    "altered": "an archived report's text or table cells changed",
    "removed": "an archived report is gone from its listing or answers 404/410",
    "reappeared": "a report marked removed is back",
    "moved": "a report now lives at another URL (redirect, or relisted with the same identity)",
    "missing": "an agency has no report for a year whose deadline has passed",
    "inconsistent": "a parsed report fails a consistency check",
    "fetch_failed": "a report could not be fetched several crawls in a row",
    "portal_shrank": "a crawl found far fewer reports or agencies than expected: nothing was marked removed",
}


class AlertError(Exception):
    """A bad alert query (unknown kind, unreadable date)."""


@dataclass
class Alert:
    """One event: what happened, to which report or agency, and the evidence."""

    kind: str
    key: str
    title: str
    portal: str
    agency_id: str | None = None
    agency: str | None = None
    year: int | None = None
    report_id: str | None = None
    version: int | None = None
    url: str | None = None
    old_url: str | None = None
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    run_id: int | None = None
    raised: str | None = None
    as_of: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def row(self) -> dict[str, Any]:
        """The alert as an ``alerts`` row: its own fields, ``data`` as JSON (asdict's deep copy of it
        was most of what writing a crawl's alerts cost)."""
        out = {**vars(self), "data": json.dumps(self.data, ensure_ascii=False, default=str)}
        out.pop("id")
        return out

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Alert:
        values = dict(row)
        values["data"] = json.loads(values.get("data") or "{}")
        return cls(**values)

    def lines(self) -> list[str]:
        """The alert as a few readable lines (stdout, mail body)."""
        out = [f"[{self.kind}] {self.title}"]
        if self.url:
            out.append(f"  url: {self.url}" + (f"  (was {self.old_url})" if self.old_url else ""))
        out += [f"  {line}" for line in self.detail.splitlines()]
        return out


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parse_day(value: str | date | None) -> date:
    """A YYYY-MM-DD date (today, UTC, when empty): the ``as_of`` and ``--since`` values."""
    if isinstance(value, date):
        return value
    if not value:
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise AlertError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def save_alerts(db: sqlite_utils.Database, alerts: list[Alert], *, run_id: int, as_of: date) -> list[Alert]:
    """Insert alerts whose event is not yet recorded; return those that were new.

    Uses plain statements (no sqlite-utils table writes, which commit), so the
    caller's transaction covers the alerts and the state changes that go with them.
    """
    stamp, saved = utcnow(), []
    for alert in alerts:
        alert.run_id, alert.raised, alert.as_of = run_id, stamp, as_of.isoformat()
        row = alert.row()
        cursor = db.execute(
            f"insert or ignore into alerts ({', '.join(row)}) values ({', '.join('?' for _ in row)})",
            list(row.values()))
        if cursor.rowcount == 1:
            alert.id = cursor.lastrowid
            saved.append(alert)
    return saved


def list_alerts(db: sqlite_utils.Database, *, kind: str | None = None, since: str | None = None,
                as_of: str | None = None, run_id: int | None = None, limit: int | None = None) -> list[Alert]:
    """Alerts, newest first: of one kind, of one run, or by the day detection took as today.

    ``since`` and ``as_of`` compare with that day (the ``as_of`` of the detection,
    the real date unless one was fixed), so an archive built with --as-of reads
    consistently.
    """
    if kind and kind not in KINDS:
        raise AlertError(f"unknown alert kind {kind!r} (known: {', '.join(KINDS)})")
    where, params = ["1=1"], []
    for clause, value in (("kind = ?", kind), ("run_id = ?", run_id),
                          ("as_of >= ?", since and parse_day(since).isoformat()),
                          ("as_of <= ?", as_of and parse_day(as_of).isoformat())):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = f"select * from alerts where {' and '.join(where)} order by id desc"
    if limit:
        sql += f" limit {int(limit)}"
    return [Alert.from_row(r) for r in db.query(sql, params)]
