"""SQL of the views and canned queries researchers start from.

Views live in the archive file itself (any SQLite client, pandas or R sees
them); :func:`install` (re)creates them and is called by the schema
migrations, so a migration that changes a view just calls it again. Canned
queries that need the request (a report id) or the archive's contents (one
column per year) are built here and offered by the Datasette plugin.
"""

from __future__ import annotations

import sqlite_utils

# The cross-template figures of docs/report-schema.md, in order.
SUMMARY_KEYS = ("requests_new", "requests_handled", "granted", "partly_granted", "reviews", "litigations",
                "proactive_items", "penalty_decisions", "fees_collected")

# (report_id, version_id) of each report's current version.
CURRENT = """select r.id as report_id, v.id as version_id from reports r
    join report_versions v on v.report_id = r.id and v.version = r.current_version"""

# (report_id, version_id) of the version current on :as_of (YYYY-MM-DD): the last first seen by that day.
AS_OF = """select v.report_id, v.id as version_id from report_versions v
    where v.version = (select max(w.version) from report_versions w
                       where w.report_id = v.report_id and substr(w.first_seen, 1, 10) <= :as_of)"""


def panel_sql(pinned: str) -> str:
    """One row per report (agency × year) with its summary figures, from the pinned versions."""
    figures = ",\n    ".join(f"json_extract(v.record, '$.summary.{k}') as {k}" for k in SUMMARY_KEYS)
    return f"""with pinned as ({pinned})
select r.agency, r.region, r.year, v.template, {figures},
    r.id as report_id, v.version, v.id as version_id, v.first_seen as version_first_seen
from pinned p join report_versions v on v.id = p.version_id join reports r on r.id = p.report_id
order by r.region, r.agency, r.year"""


def cells_sql(pinned: str) -> str:
    """Every tidy cell of the pinned versions, with the report's identity beside it."""
    return f"""with pinned as ({pinned})
select r.id as report_id, r.agency, r.region, r.year, v.template, v.version, v.id as version_id,
    v.first_seen as version_first_seen, c.section, c."row", c."column", c.value, c.unit,
    c.computed, c.document, c.tbl, c.cell_row, c.cell_col
from pinned p join report_versions v on v.id = p.version_id join reports r on r.id = p.report_id
join cells c on c.version_id = v.id
order by r.region, r.agency, r.year, r.id, c.rowid"""


AGENCY_YEARS = """with recursive span(year) as (
    select min(year) from reports
    union all select year + 1 from span where year < (select max(year) from reports)
), have as (
    select agency_id, year, count(*) as reports from reports where year is not null group by agency_id, year
), grid as (
    select a.id as agency_id, a.name as agency, a.region, s.year, h.reports,
        min(case when h.reports then s.year end) over (partition by a.id) as first_year
    from agencies a cross join span s left join have h on h.agency_id = a.id and h.year = s.year
    order by a.id, s.year
)
select agency, region, count(reports) as years_reported, min(first_year) as first_year,
    max(case when reports then year end) as last_year,
    group_concat(case when reports then year else '····' end, ' ') as timeline,
    count(case when reports is null and year > first_year then 1 end) as missing,
    group_concat(case when reports is null and year > first_year then year end, ' ') as missing_years,
    agency_id
from grid group by agency_id order by region, agency"""

COVERAGE = """with years as (
    select distinct year from reports where year is not null
), regions as (
    select coalesce(region, '') as region, count(*) as agencies from agencies group by 1
), published as (
    select coalesce(a.region, '') as region, r.year, count(distinct r.agency_id) as n
    from reports r join agencies a on a.id = r.agency_id group by 1, 2
)
select g.region, y.year, coalesce(p.n, 0) as published, g.agencies,
    coalesce(p.n, 0) || ' of ' || g.agencies as coverage,
    round(100.0 * coalesce(p.n, 0) / g.agencies, 1) as percent,
    (select group_concat(a.name, '、') from agencies a where coalesce(a.region, '') = g.region
        and a.id not in (select agency_id from reports r where r.year = y.year)) as missing
from regions g cross join years y left join published p on p.region = g.region and p.year = y.year
order by g.region, y.year"""

REQUEST_OUTCOMES = f"""with pinned as ({CURRENT}), t as (
    select r.year, r.id as report_id, c."row" as outcome, c.value
    from pinned p join reports r on r.id = p.report_id join cells c on c.version_id = p.version_id
    where c.section = 'requests' and c."column" = 'total'
), y as (
    select year, count(distinct report_id) as reports,
        sum(case when outcome = 'handled_total' then value end) as handled,
        sum(case when outcome = 'granted' then value end) as granted,
        sum(case when outcome = 'partly_granted' then value end) as partly_granted,
        sum(case when outcome like 'withheld%' then value end) as withheld,
        sum(case when outcome like 'unavailable%' then value end) as unavailable,
        sum(case when outcome like 'rejected%' then value end) as rejected,
        sum(case when outcome = 'other' then value end) as other
    from t group by year
)
select year, reports, handled, granted, partly_granted, withheld, unavailable, rejected, other,
    round(1.0 * granted / nullif(handled, 0), 4) as granted_share,
    round(1.0 * partly_granted / nullif(handled, 0), 4) as partly_granted_share,
    round(1.0 * withheld / nullif(handled, 0), 4) as withheld_share,
    round(1.0 * unavailable / nullif(handled, 0), 4) as unavailable_share,
    round(1.0 * rejected / nullif(handled, 0), 4) as rejected_share,
    round(1.0 * other / nullif(handled, 0), 4) as other_share
from y order by year"""

FAILED_CHECKS = f"""with pinned as ({CURRENT})
select r.agency, r.region, r.year, v.template, c.rule, c.detail, v.version, r.url,
    r.id as report_id, v.id as version_id
from pinned p join report_versions v on v.id = p.version_id join reports r on r.id = p.report_id
join checks c on c.version_id = v.id
where c.ok = 0 order by r.region, r.agency, r.year, c.rule"""

_SAME_CELL = 'o.section is n.section and o."row" is n."row" and o."column" is n."column"'

VERSION_CHANGES = f"""select r.agency, r.year, v.version, v.first_seen, n.section, n."row", n."column",
    o.value as before, n.value as after, v.report_id, v.id as version_id
from report_versions v join report_versions pv on pv.report_id = v.report_id and pv.version = v.version - 1
join reports r on r.id = v.report_id join cells n on n.version_id = v.id
left join cells o on o.version_id = pv.id and {_SAME_CELL}
where o.value is not n.value
union all
select r.agency, r.year, v.version, v.first_seen, o.section, o."row", o."column",
    o.value as before, null as after, v.report_id, v.id as version_id
from report_versions v join report_versions pv on pv.report_id = v.report_id and pv.version = v.version - 1
join reports r on r.id = v.report_id join cells o on o.version_id = pv.id
where not exists (select 1 from cells n where n.version_id = v.id and {_SAME_CELL})"""

RECENT_ALERTS = """select raised, kind, agency, year, title, detail, url, version, portal, report_id, id as alert_id
from alerts order by raised desc, id desc"""

VIEWS: dict[str, str] = {
    "agency_years": AGENCY_YEARS,
    "panel": panel_sql(CURRENT),
    "request_outcomes": REQUEST_OUTCOMES,
    "failed_checks": FAILED_CHECKS,
    "version_changes": VERSION_CHANGES,
    "coverage": COVERAGE,
    "recent_alerts": RECENT_ALERTS,
}


def install(db: sqlite_utils.Database) -> None:
    """Drop and create every view, so the file always holds the definitions of this release.

    ``recent_alerts`` needs the ``alerts`` table of change detection (migration 2),
    and is left out of a file that lacks it.
    """
    tables = set(db.table_names())
    for name, sql in VIEWS.items():
        db.execute(f"drop view if exists {name}")
        if name != "recent_alerts" or "alerts" in tables:
            db.execute(f"create view {name} as {sql}")


def year_grid_sql(years: list[int]) -> str:
    """Agencies × years with ✓ where the archive has a report, blank where it has none."""
    columns = "".join(f",\n    max(case when r.year = {int(y)} then '✓' end) as \"{int(y)}\"" for y in years)
    return f"""select a.name as agency, a.region, count(distinct r.year) as years{columns}
from agencies a left join reports r on r.agency_id = a.id
group by a.id order by a.region, a.name"""


REPORT_HISTORY = """select v.version, v.first_seen, v.last_seen, v.template, v.status, v.parser_version,
    (select count(*) from version_changes c where c.version_id = v.id) as changed_figures,
    (select count(*) from checks k where k.version_id = v.id and k.ok = 0) as failed_checks,
    v.content_hash, v.report_id
from report_versions v where v.report_id = :report order by v.version"""
