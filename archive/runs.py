"""What a crawl run did, read back from the archive for the end-of-crawl summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils


_SKIPPED = "status = 0 and error like 'IgnoreRequest%'"
_FAILED = f"(status >= 400 or coalesce(error, '') != '') and not ({_SKIPPED})"


@dataclass
class RunSummary:
    run_id: int
    portal: str
    status: str
    started: str
    finished: str | None
    fetched: int
    not_modified: int
    failed: int
    skipped: int
    bytes: int
    reports_seen: int
    new_versions: int
    new_reports: int
    agencies: int
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self, db_path: str) -> list[str]:
        out = [
            f"run {self.run_id} of portal {self.portal}: {self.status} ({self.started} → {self.finished or '…'})",
            f"  fetched {self.fetched} responses, {self.not_modified} not modified (304), "
            f"{self.failed} failed, {self.skipped} skipped, {self.bytes // 1024} KiB received",
            f"  reports seen {self.reports_seen} from {self.agencies} agencies: "
            f"{self.new_reports} new, {self.new_versions - self.new_reports} changed",
        ]
        for err in self.errors:
            out.append(f"  ! {err['n']} × {err['reason']}  e.g. {err['url']}")
        out.append(f"  archive: {db_path}")
        return out


def run_summary(db: sqlite_utils.Database, run_id: int | None = None) -> RunSummary | None:
    """Summary of one run (the latest when ``run_id`` is None)."""
    sql = "select * from runs where id = ?" if run_id else "select * from runs order by id desc limit 1"
    run = next(db.query(sql, [run_id] if run_id else []), None)
    if run is None:
        return None
    rid = run["id"]

    def one(query: str) -> Any:
        return db.execute(query, [rid]).fetchone()[0] or 0

    errors = list(db.query(
        "select coalesce(nullif(error, ''), 'HTTP ' || status) as reason, count(*) as n, min(url) as url "
        f"from fetches where run_id = ? and {_FAILED} group by reason order by n desc "
        "limit 8", [rid]))
    return RunSummary(
        run_id=rid, portal=run["portal"], status=run["status"], started=run["started"],
        finished=run["finished"],
        fetched=one("select count(*) from fetches where run_id = ? and status > 0"),
        not_modified=one("select count(*) from fetches where run_id = ? and status = 304"),
        failed=one(f"select count(*) from fetches where run_id = ? and {_FAILED}"),
        skipped=one(f"select count(*) from fetches where run_id = ? and {_SKIPPED}"),
        bytes=one("select sum(bytes) from fetches where run_id = ?"),
        reports_seen=one("select count(distinct report_id) from sightings where run_id = ?"),
        new_versions=one("select count(*) from report_versions where run_id = ?"),
        new_reports=one("select count(*) from report_versions where run_id = ? and version = 1"),
        agencies=one("select count(distinct r.agency_id) from sightings s join reports r on r.id = s.report_id "
                     "where s.run_id = ?"),
        errors=errors,
    )
