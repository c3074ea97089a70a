"""The ground truth the build writes beside the site: what is published where.

``site/manifest.json`` describes the current state, ``next/manifest.json`` the
next one and the events a crawl of it should report. ``dates`` gives every
served file the date the server uses for ``Last-Modified`` (git does not keep
mtimes, so the date comes from here).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figures:
    """Key figures a parser should read back (absent when the template lacks them)."""

    requests_new: float | None
    requests_handled: float | None
    appeals: dict[str, int] = field(default_factory=dict)  # group -> total


@dataclass
class ReportRecord:
    key: str
    agency: str
    region: str | None
    code: str
    portal: str
    year: int
    template: str
    title: str
    published: str
    form: str
    pages: list[str]
    attachments: list[str]
    list_page: str
    figures: Figures
    twin: str | None = None
    seed: str | None = None
    encoding: str = "utf-8"
    planted: str | None = None


@dataclass
class Event:
    """What a crawl of the next state should find: new, altered, removed, moved, missing, inconsistent."""

    kind: str
    key: str
    agency: str
    year: int
    path: str | None = None
    new_path: str | None = None
    detail: str = ""


@dataclass
class Manifest:
    state: str
    reports: list[ReportRecord]
    lists: dict[str, list[str]]
    dates: dict[str, str]
    private: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    faults: dict[str, str] = field(default_factory=dict)  # path -> fault kind under faults="all"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def report(self, key: str) -> ReportRecord:
        return next(r for r in self.reports if r.key == key)


def load_manifest(path: Path) -> Manifest:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    reports = [ReportRecord(**{**r, "figures": Figures(**r["figures"])}) for r in data.pop("reports")]
    events = [Event(**e) for e in data.pop("events")]
    return Manifest(reports=reports, events=events, **data)
