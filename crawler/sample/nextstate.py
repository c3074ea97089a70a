"""The next year's state: which files 404, which redirect, and the events a crawl should report."""

from __future__ import annotations

from . import catalog as K
from .catalog import Entry
from .manifest import Event


def finish_next(current, nxt, cur_entries: list[Entry], nxt_entries: list[Entry], edit_detail: str) -> None:
    """Fill ``nxt.manifest`` with removed paths, redirects and expected events."""
    old = {e.key: e for e in cur_entries}
    new = {e.key: e for e in nxt_entries}
    moved_from, moved_to = old[K.MOVED].page_path(), new[K.MOVED].page_path()
    nxt.manifest.redirects = {moved_from: moved_to}
    nxt.manifest.removed = sorted(p for p in current.files if p not in nxt.files and p != moved_from)
    events = [Event("new", e.key, e.agency, e.year, e.page_path()) for e in nxt_entries if e.key not in old]
    edited = old[K.EDITED]
    events.append(Event("altered", edited.key, edited.agency, edited.year, edited.page_path(), detail=edit_detail))
    gone = old[K.REMOVED]
    events.append(Event("removed", gone.key, gone.agency, gone.year, gone.page_path()))
    events.append(Event("moved", K.MOVED, old[K.MOVED].agency, old[K.MOVED].year, moved_from, moved_to))
    events.append(Event("missing", "", K.SILENT_AGENCY, 2025, detail="no 2025 report published by January 2026"))
    key, rule = K.NEXT_INCONSISTENT
    events.append(Event("inconsistent", key, new[key].agency, 2025, new[key].page_path(), detail=rule))
    nxt.manifest.events = events
