"""Detection rules: what a crawl run means for the archive, raised as alerts once per event.

Run at the end of every crawl (and by ``zfxxgk detect``). Positive evidence
(a new version, a report seen at a new URL or back after removal) counts on any
run. Negative evidence counts only on a *complete* run, one that finished,
was not narrowed by --agency/--year and did not shrink: only there may a report
be marked removed or an agency's year missing. A block page, a login wall or a
5xx is never evidence of removal; only a 404/410 or a listing that no longer
links the report is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from archive.alerts import Alert, parse_day, save_alerts, utcnow
from archive.changes import compare_versions

FIRST_REPORT_YEAR = 2008  # the disclosure regulation took effect on 1 May 2008
REDIRECTS = (301, 302, 303, 307, 308)
_OK = "((status = 200 and coalesce(error, '') = '') or status = 304)"
_NEUTRAL = f"(status in {REDIRECTS} or (status = 0 and error like 'IgnoreRequest%'))"
_DIFF_CHARS = 4000
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Policy:
    """The rules' thresholds: the settings ``as_of``, ``grace_days``, ``fetch_failures``, ``shrink_ratio``."""

    as_of: date
    grace_days: int = 0
    fetch_failures: int = 3
    shrink_ratio: float = 0.5

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> Policy:
        return cls(as_of=parse_day(values.get("as_of")), grace_days=int(values.get("grace_days", 0)),
                   fetch_failures=int(values.get("fetch_failures", 3)),
                   shrink_ratio=float(values.get("shrink_ratio", 0.5)))

    def deadline(self, year: int) -> date:
        """The legal deadline of a year's report (31 January of the next year) plus the grace days."""
        return date(year + 1, 1, 31) + timedelta(days=self.grace_days)

    def last_due_year(self) -> int:
        """The latest report year whose deadline has passed on ``as_of``."""
        year = self.as_of.year
        while self.deadline(year) >= self.as_of:
            year -= 1
        return year


@dataclass(frozen=True)
class Expectation:
    """What a portal's definition says a crawl must find (``[expect]`` in its TOML)."""

    min_reports: int = 0
    min_agencies: int = 0


@dataclass
class RunView:
    """One crawl run as detection sees it: its outcome and what it sighted."""

    id: int
    portal: str
    status: str
    scope: str
    sighted: dict[str, set[str]]  # report id -> URLs seen at
    agencies: int

    @property
    def reports(self) -> int:
        return len(self.sighted)

    @property
    def urls(self) -> set[str]:
        return set().union(*self.sighted.values()) if self.sighted else set()


def _run_view(db: sqlite_utils.Database, run_id: int) -> RunView:
    run = db.execute("select portal, status, coalesce(scope, '') from runs where id = ?", [run_id]).fetchone()
    if run is None:
        raise LookupError(f"no run {run_id}")
    sighted: dict[str, set[str]] = {}
    for report_id, url in db.execute("select report_id, url from sightings where run_id = ?", [run_id]):
        sighted.setdefault(report_id, set()).add(url)
    agencies = db.execute("select count(distinct r.agency_id) from sightings s join reports r on r.id = s.report_id "
                          "where s.run_id = ?", [run_id]).fetchone()[0]
    return RunView(run_id, run[0], run[1] or "", run[2], sighted, agencies)


def detect(db: sqlite_utils.Database, run_id: int, policy: Policy,
           expect: Expectation = Expectation()) -> list[Alert]:
    """Apply every rule to a run, record the state changes, and return the alerts not raised before.

    One transaction: the alerts, the run's verdict, reports marked gone or back
    and moves are written together or not at all.
    """
    run = _run_view(db, run_id)
    with db.conn:
        shrank = _shrinkage(db, run, expect, policy)
        verdict = "shrank" if shrank else "narrowed" if run.scope else \
            "complete" if run.status == "finished" else "incomplete"
        db.execute("update runs set verdict = ? where id = ?", [verdict, run.id])
        found = [*shrank, *_moves(db, run), *_reappeared(db, run), *_new(db, run), *_altered(db, run),
                 *_inconsistent(db, run)]
        if verdict == "complete":
            found += [*_removed(db, run), *_missing(db, run, policy)]
        found += _fetch_failed(db, run, policy)
        return save_alerts(db, found, run_id=run.id, as_of=policy.as_of)


def _report_alert(kind: str, key: str, title: str, report: Mapping[str, Any], **extra: Any) -> Alert:
    return Alert(kind=kind, key=key, title=title, portal=report["portal"], agency_id=report["agency_id"],
                 agency=report["agency"], year=report["year"], report_id=report["id"],
                 url=extra.pop("url", report["url"]), **extra)


def _name(report: Mapping[str, Any]) -> str:
    return f"{report['agency'] or '?'} {report['year'] or '?'} report"


def _sighted_reports(db: sqlite_utils.Database, run: RunView) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in db.query(
        "select * from reports where id in (select report_id from sightings where run_id = ?)", [run.id])}

# -- the run's size -----------------------------------------------------------
def _last_complete(db: sqlite_utils.Database, run: RunView) -> tuple[int, int, int] | None:
    """(run id, reports, agencies) of the portal's last complete run before this one."""
    row = db.execute("select id from runs where portal = ? and id < ? and verdict = 'complete' "
                     "order by id desc limit 1", [run.portal, run.id]).fetchone()
    if row is None:
        return None
    seen = _run_view(db, row[0])
    return row[0], seen.reports, seen.agencies


def _shrinkage(db: sqlite_utils.Database, run: RunView, expect: Expectation, policy: Policy) -> list[Alert]:
    """A finished, unnarrowed run that found far fewer reports or agencies than it should have.

    One alert per streak: the key names the last complete run, so a portal whose
    selectors stay broken for a week raises this once, not every night.
    """
    if run.scope or run.status != "finished":
        return []
    reasons = []
    if run.reports < expect.min_reports:
        reasons.append(f"{run.reports} reports, the definition expects at least {expect.min_reports}")
    if run.agencies < expect.min_agencies:
        reasons.append(f"{run.agencies} agencies, the definition expects at least {expect.min_agencies}")
    last = _last_complete(db, run)
    if last and run.reports < last[1] * policy.shrink_ratio:
        reasons.append(f"{run.reports} reports, the last complete crawl (run {last[0]}) found {last[1]}")
    if last and run.agencies < last[2] * policy.shrink_ratio:
        reasons.append(f"{run.agencies} agencies, the last complete crawl (run {last[0]}) found {last[2]}")
    if not reasons:
        return []
    return [Alert(kind="portal_shrank", key=f"portal_shrank:{run.portal}:after-run-{last[0] if last else 0}",
                  title=f"portal {run.portal} shrank: run {run.id} found {run.reports} reports from "
                        f"{run.agencies} agencies; nothing was marked removed (selectors may be broken)",
                  portal=run.portal, detail="\n".join(reasons),
                  data={"reports": run.reports, "agencies": run.agencies,
                        "last_complete_run": last[0] if last else None})]


# -- positive evidence: seen on this run -----------------------------------------
def _previous_url(db: sqlite_utils.Database, report_id: str, run_id: int) -> str | None:
    row = db.execute("select url from sightings where report_id = ? and run_id < ? order by run_id desc, seen_at desc "
                     "limit 1", [report_id, run_id]).fetchone()
    return row[0] if row else None


def _moves(db: sqlite_utils.Database, run: RunView) -> list[Alert]:
    """Reports now seen at another URL than last time, and not at the old one: moved, not removed plus new."""
    urls, alerts = run.urls, []
    reports = _sighted_reports(db, run)
    for report_id, seen_at in run.sighted.items():
        old = _previous_url(db, report_id, run.id)
        if old is None or old in urls:
            continue
        new = sorted(seen_at)[0]
        redirected = db.execute(f"select 1 from fetches where run_id = ? and url = ? and status in {REDIRECTS}",
                                [run.id, old]).fetchone()
        via = "redirect" if redirected else "relisted"
        db.execute("insert or ignore into report_moves (report_id, run_id, old_url, new_url, via, detected) "
                   "values (?, ?, ?, ?, ?, ?)", [report_id, run.id, old, new, via, utcnow()])
        report = reports[report_id]
        alerts.append(_report_alert(
            "moved", f"moved:{report_id}:r{run.id}", f"{_name(report)} moved ({via}): {old} → {new}", report,
            url=new, old_url=old, detail=f"{report['title'] or ''}\nits archived versions stay with it"))
    return alerts


def _reappeared(db: sqlite_utils.Database, run: RunView) -> list[Alert]:
    """Reports marked removed that this run saw again; they are live once more."""
    alerts = []
    for report in _sighted_reports(db, run).values():
        if not report["gone_since"]:
            continue
        db.execute("update reports set state = 'live', gone_since = null, gone_run = null where id = ?", [report["id"]])
        alerts.append(_report_alert(
            "reappeared", f"reappeared:{report['id']}:r{report['gone_run']}",
            f"{_name(report)} is back (marked removed since {report['gone_since'][:10]})", report,
            detail=report["title"] or ""))
    return alerts


def _new_versions(db: sqlite_utils.Database, run: RunView, first: bool) -> list[dict[str, Any]]:
    op = "=" if first else ">"
    return list(db.query(
        f"select r.*, v.id as version_id, v.version from report_versions v join reports r on r.id = v.report_id "
        f"where v.run_id = ? and r.portal = ? and v.version {op} 1 order by r.agency, r.year", [run.id, run.portal]))


def _new(db: sqlite_utils.Database, run: RunView) -> list[Alert]:
    """A report per new report; on a portal's first crawl one summary, since everything there is new."""
    fresh = _new_versions(db, run, first=True)
    if not fresh:
        return []
    earlier = db.execute("select 1 from report_versions v join reports r on r.id = v.report_id "
                         "where r.portal = ? and v.run_id < ? limit 1", [run.portal, run.id]).fetchone()
    if earlier:
        return [_report_alert("new", f"new:{r['id']}", f"new {_name(r)}: {r['title'] or ''}", r, version=1,
                              detail=f"listed on {r['list_url'] or '?'}") for r in fresh]
    agencies = {r["agency_id"] for r in fresh}
    years = sorted({r["year"] for r in fresh if r["year"]})
    span = f", years {years[0]}–{years[-1]}" if years else ""
    return [Alert(kind="new", key=f"new:{run.portal}:first-crawl",
                  title=f"first crawl of portal {run.portal}: {len(fresh)} reports from {len(agencies)} agencies "
                        f"archived{span}",
                  portal=run.portal, detail="`zfxxgk reports` lists them; later crawls raise one alert per new report",
                  data={"reports": len(fresh), "agencies": len(agencies), "years": years})]


def _our_change(db: sqlite_utils.Database, report_id: str, version: int) -> bool:
    """Whether a new version comes from re-reading, not from the portal.

    The portal served the very same bytes for every document, or the parser
    changed and the normalised text did not: the version is kept (history shows
    it) but nobody is told the report was altered.
    """
    rows = {v: (parser, text, {d["sha256"] for d in json.loads(sources or "[]") if d.get("sha256")})
            for v, parser, text, sources in db.execute(
                "select version, parser_version, text, sources from report_versions "
                "where report_id = ? and version in (?, ?)", [report_id, version - 1, version])}
    (old_parser, old_text, old_bytes), (parser, text, new_bytes) = rows[version - 1], rows[version]
    same_bytes = bool(new_bytes) and new_bytes == old_bytes
    return same_bytes or (parser != old_parser and _SPACE.sub(" ", text or "") == _SPACE.sub(" ", old_text or ""))


def _altered(db: sqlite_utils.Database, run: RunView) -> list[Alert]:
    """Versions after the first that this run made: the changed cells and the text diff."""
    alerts = []
    for r in _new_versions(db, run, first=False):
        change = compare_versions(db, r["id"], r["version"] - 1, r["version"])
        if change is None or _our_change(db, r["id"], r["version"]):
            continue
        cells = [str(c) for c in change.cells]
        summary = "; ".join(cells[:3]) + (f"; … {len(cells) - 3} more" if len(cells) > 3 else "")
        alerts.append(_report_alert(
            "altered", f"altered:{r['id']}:v{r['version']}",
            f"{_name(r)} altered (v{r['version'] - 1} → v{r['version']}): {summary or 'text changed'}", r,
            version=r["version"], detail="\n".join(cells + ["", change.diff[:_DIFF_CHARS]]).strip(),
            data=change.as_dict()))
    return alerts


def _inconsistent(db: sqlite_utils.Database, run: RunView) -> list[Alert]:
    """Versions made by this run that fail consistency checks: one alert per report and set of failed rules."""
    alerts = []
    for r in [*_new_versions(db, run, first=True), *_new_versions(db, run, first=False)]:
        failed = list(db.query("select rule, detail from checks where version_id = ? and ok = 0 order by rule",
                               [r["version_id"]]))
        if not failed:
            continue
        rules = sorted({c["rule"] for c in failed})
        alerts.append(_report_alert(
            "inconsistent", f"inconsistent:{r['id']}:{'+'.join(rules)}",
            f"{_name(r)} fails {', '.join(rules)}", r, version=r["version"],
            detail="\n".join(f"{c['rule']}: {c['detail'] or ''}" for c in failed),
            data={"rules": rules, "checks": failed}))
    return alerts


# -- negative evidence: only on a complete run ------------------------------------
def _removal_evidence(db: sqlite_utils.Database, run: RunView, report: Mapping[str, Any]) -> str | None:
    """Why an unseen report counts as removed: its URL answered 404/410, or its listing no longer links it.

    Any other answer for its URL (5xx, block page, timeout, a skipped request) is
    no evidence; nor is a listing that could not be fetched.
    """
    statuses = [s for (s,) in db.execute("select status from fetches where run_id = ? and url = ?",
                                         [run.id, report["url"]])]
    gone = [s for s in statuses if s in (404, 410)]
    if gone:
        return f"its page answered HTTP {gone[-1]}"
    if statuses or not report["list_url"]:
        return None
    listed = db.execute(f"select 1 from fetches where run_id = ? and url = ? and {_OK}",
                        [run.id, report["list_url"]]).fetchone()
    return f"its listing {report['list_url']} no longer links it" if listed else None


def _removed(db: sqlite_utils.Database, run: RunView) -> list[Alert]:
    """Live reports of the portal this complete run did not see, with evidence they are gone."""
    alerts, stamp = [], utcnow()
    for report in db.query("select * from reports where portal = ? and gone_since is null", [run.portal]):
        if report["id"] in run.sighted:
            continue
        evidence = _removal_evidence(db, run, report)
        if evidence is None:
            continue
        last = db.execute("select max(run_id) from sightings where report_id = ?", [report["id"]]).fetchone()[0]
        db.execute("update reports set state = 'gone', gone_since = ?, gone_run = ? where id = ?",
                   [stamp, run.id, report["id"]])
        alerts.append(_report_alert(
            "removed", f"removed:{report['id']}:r{last}",
            f"{_name(report)} removed: {evidence}; the archived copy is kept", report,
            version=report["current_version"],
            detail=f"{report['title'] or ''}\nlast seen {report['last_seen'] or '?'} (run {last})"))
    return alerts


def _missing(db: sqlite_utils.Database, run: RunView, policy: Policy) -> list[Alert]:
    """Years after an agency's first archived report with no report, once their deadline has passed.

    An agency's expected years come from the archive alone: from its first report
    year to the last year whose deadline (31 January + grace days) is past.
    Removed reports still count as published.
    """
    due, alerts = policy.last_due_year(), []
    rows = db.execute("select a.id, a.name, r.year from agencies a join reports r on r.agency_id = a.id "
                      "where a.portal = ? and r.year between ? and ?", [run.portal, FIRST_REPORT_YEAR, due])
    years: dict[tuple[str, str], set[int]] = {}
    for agency_id, name, year in rows:
        years.setdefault((agency_id, name), set()).add(int(year))
    for (agency_id, name), have in sorted(years.items()):
        for year in range(min(have), due + 1):
            if year in have:
                continue
            alerts.append(Alert(
                kind="missing", key=f"missing:{agency_id}:{year}",
                title=f"missing: {name} has published no {year} report (due {policy.deadline(year).isoformat()})",
                portal=run.portal, agency_id=agency_id, agency=name, year=year,
                detail=f"reports archived for {', '.join(str(y) for y in sorted(have))}",
                data={"deadline": policy.deadline(year).isoformat(), "archived_years": sorted(have)}))
    return alerts


def _failure_streak(db: sqlite_utils.Database, url: str) -> tuple[list[int], str]:
    """The runs, newest first, in which ``url`` was requested and failed every time, and the last error."""
    rows = db.execute(
        f"select run_id, max({_OK}), max(coalesce(nullif(error, ''), 'HTTP ' || status)) from fetches "
        f"where url = ? and role = 'page' and not {_NEUTRAL} group by run_id order by run_id desc", [url])
    streak, error = [], ""
    for run_id, ok, reason in rows:
        if ok:
            break
        streak.append(run_id)
        error = error or reason
    return streak, error


def _fetch_failed(db: sqlite_utils.Database, run: RunView, policy: Policy) -> list[Alert]:
    """Live reports whose page failed in each of the last ``fetch_failures`` runs that requested it, this one too."""
    attempted = {u for (u,) in db.execute("select distinct url from fetches where run_id = ? and role = 'page'",
                                          [run.id])}
    alerts = []
    for report in db.query("select * from reports where portal = ? and gone_since is null", [run.portal]):
        if report["url"] not in attempted:
            continue
        streak, error = _failure_streak(db, report["url"])
        if len(streak) < policy.fetch_failures or streak[0] != run.id:
            continue
        alerts.append(_report_alert(
            "fetch_failed", f"fetch_failed:{report['id']}:r{streak[-1]}",
            f"{_name(report)} could not be fetched in {len(streak)} crawls in a row ({error})", report,
            detail=f"failing since run {streak[-1]}; the archived copy is kept and it is not taken as removed",
            data={"runs": streak, "error": error}))
    return alerts
