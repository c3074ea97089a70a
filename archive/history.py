"""A report's life in the archive: its versions, what changed between them, where it moved, its alerts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils

from archive.alerts import Alert
from archive.changes import VersionChange, compare_versions


@dataclass
class VersionInfo:
    version: int
    first_seen: str
    last_seen: str
    content_hash: str
    status: str | None
    failed_checks: list[str]


@dataclass
class ReportHistory:
    report: dict[str, Any]
    versions: list[VersionInfo] = field(default_factory=list)
    changes: list[VersionChange] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"report": self.report, "versions": [asdict(v) for v in self.versions],
                "changes": [c.as_dict() for c in self.changes], "moves": self.moves,
                "alerts": [a.as_dict() for a in self.alerts]}


def find_report(db: sqlite_utils.Database, ref: str) -> dict[str, Any] | None:
    """A report by id, by its URL, or by any URL it was ever seen or fetched at (so old links still work)."""
    queries = (
        "select * from reports where id = ?",
        "select * from reports where url = ?",
        "select r.* from sightings s join reports r on r.id = s.report_id where s.url = ?",
        "select r.* from report_moves m join reports r on r.id = m.report_id where m.old_url = ?",
        "select r.* from resources s join reports r on r.id = s.report_id where s.url = ?",
    )
    for sql in queries:
        row = next(db.query(sql + " limit 1", [ref]), None)
        if row:
            return row
    return None


def report_history(db: sqlite_utils.Database, report: dict[str, Any]) -> ReportHistory:
    """Every version of a report, oldest first, with the change into each from the one before."""
    history = ReportHistory(report=report)
    for v in db.query("select id, version, first_seen, last_seen, content_hash, status from report_versions "
                      "where report_id = ? order by version", [report["id"]]):
        failed = [r for (r,) in db.execute("select rule from checks where version_id = ? and ok = 0", [v["id"]])]
        history.versions.append(VersionInfo(v["version"], v["first_seen"], v["last_seen"], v["content_hash"],
                                            v["status"], failed))
    for before, after in zip(history.versions, history.versions[1:], strict=False):
        change = compare_versions(db, report["id"], before.version, after.version)
        if change:
            history.changes.append(change)
    history.moves = list(db.query("select run_id, old_url, new_url, via, detected from report_moves "
                                  "where report_id = ? order by run_id", [report["id"]]))
    history.alerts = [Alert.from_row(r) for r in db.query(
        "select * from alerts where report_id = ? order by id", [report["id"]])]
    return history
