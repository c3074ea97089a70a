"""The alerts as an Atom feed file that researchers subscribe to in any feed reader.

Entry ids derive from the alert's event key, so an entry keeps its id when the
feed is rewritten (after every crawl) and a reader never shows an alert twice.
The file is replaced atomically, so a reader never fetches half a feed.
"""

from __future__ import annotations

import hashlib
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import sqlite_utils

from archive.alerts import Alert, list_alerts, utcnow

ATOM = "http://www.w3.org/2005/Atom"
FEED_ID = "urn:zfxxgk:alerts"
ENTRIES = 500


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def _entry(feed: ET.Element, alert: Alert) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", "urn:zfxxgk:alert:" + hashlib.sha1(alert.key.encode("utf-8")).hexdigest())
    _text(entry, "title", f"[{alert.kind}] {alert.title}")
    _text(entry, "updated", alert.raised or utcnow())
    ET.SubElement(entry, f"{{{ATOM}}}category", {"term": alert.kind})
    if alert.url:
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": alert.url})
    _text(entry, "content", "\n".join(alert.lines()), type="text")


def render_feed(alerts: list[Alert], *, title: str = "zfxxgk alerts") -> bytes:
    """Alerts (newest first) as an Atom 1.0 document."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", FEED_ID)
    _text(feed, "title", title)
    _text(feed, "subtitle", "Government information-disclosure annual reports: new, altered, removed, missing")
    _text(feed, "updated", alerts[0].raised if alerts and alerts[0].raised else utcnow())
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "zfxxgk")
    _text(feed, "generator", "zfxxgk")
    for alert in alerts:
        _entry(feed, alert)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_feed(db: sqlite_utils.Database, path: str | Path, *, limit: int = ENTRIES) -> int:
    """Write the latest ``limit`` alerts to the feed file (atomically); return how many it holds."""
    alerts = list_alerts(db, limit=limit)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(render_feed(alerts))
    os.replace(tmp, target)
    return len(alerts)
