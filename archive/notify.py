"""Sending alerts through apprise, as an outbox that loses nothing and sends nothing twice.

Every alert × destination gets a ``deliveries`` row; the alerts of one run go
out together, up to ``BATCH`` a message, so a first crawl that finds forty gaps
sends one message, not forty. A delivery that fails stays
pending with its error and attempt count and is tried again on the next run; once
sent it is never sent again. Each status change is committed on its own, right
after the send, so a crash can at worst repeat one message, never drop one.
Destinations are known by a hash of their URL (which may carry passwords or
tokens); the URLs themselves stay in the configuration.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

import apprise
import sqlite_utils

from archive.alerts import Alert, utcnow

WARNING_KINDS = {"altered", "removed", "missing", "inconsistent", "fetch_failed", "portal_shrank"}
_TITLE_CHARS = 200
BATCH = 20


@dataclass(frozen=True)
class Destination:
    """One apprise URL from the ``notify`` setting."""

    url: str

    @property
    def id(self) -> str:
        return hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:16]

    @property
    def label(self) -> str:
        """The URL with its secrets masked, safe to store and show."""
        service = apprise.Apprise.instantiate(self.url)
        return service.url(privacy=True) if service else "(not an apprise URL)"


@dataclass
class DeliveryReport:
    """What one delivery pass did: alerts sent and failed, and messages sent."""

    sent: int = 0
    failed: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)


def destinations(setting: str) -> list[Destination]:
    """The destinations of the ``notify`` setting (URLs separated by spaces, commas or new lines)."""
    return [Destination(url) for url in re.split(r"[\s,]+", setting or "") if url]


def register(db: sqlite_utils.Database, dest: Destination) -> None:
    """Know a destination from now on: it receives alerts raised since the start of the day it was added.

    Alerts older than that are in ``zfxxgk alerts`` and the feed; sending the
    whole history to a newly added address would bury what is new.
    """
    stamp = utcnow()
    first = db.execute("select coalesce(min(id), (select coalesce(max(id), 0) + 1 from alerts)) from alerts "
                       "where raised >= ?", [stamp[:10]]).fetchone()[0]
    with db.conn:
        db.execute("insert or ignore into destinations (id, label, added, first_alert) values (?, ?, ?, ?)",
                   [dest.id, dest.label, stamp, first])
        db.execute("insert or ignore into deliveries (alert_id, destination, status, attempts) "
                   "select a.id, d.id, 'pending', 0 from alerts a join destinations d on a.id >= d.first_alert "
                   "where d.id = ?", [dest.id])


def _batches(alerts: list[Alert]) -> list[list[Alert]]:
    """Alerts grouped by the run that raised them, at most ``BATCH`` a message."""
    out: list[list[Alert]] = []
    for alert in alerts:
        if out and out[-1][0].run_id == alert.run_id and len(out[-1]) < BATCH:
            out[-1].append(alert)
        else:
            out.append([alert])
    return out


def _title(alerts: list[Alert]) -> str:
    if len(alerts) == 1:
        return f"zfxxgk {alerts[0].kind}: {alerts[0].title}"[:_TITLE_CHARS]
    counts = Counter(a.kind for a in alerts)
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return f"zfxxgk: {len(alerts)} alerts from run {alerts[0].run_id} of {alerts[0].portal} ({kinds})"


def _send(dest: Destination, alerts: list[Alert]) -> str | None:
    """Send alerts as one message; the error on failure, None on success."""
    sender = apprise.Apprise()
    if not sender.add(dest.url):
        return f"not a usable apprise URL: {dest.label}"
    warn = any(a.kind in WARNING_KINDS for a in alerts)
    body = "\n\n".join("\n".join(a.lines()) for a in alerts)
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        ok = sender.notify(title=_title(alerts), body=body, body_format=apprise.NotifyFormat.TEXT,
                           notify_type=apprise.NotifyType.WARNING if warn else apprise.NotifyType.INFO)
    return None if ok else (log.getvalue().strip().splitlines() or ["apprise reported a failure"])[-1]


def _pending(db: sqlite_utils.Database, dest: Destination) -> list[Alert]:
    return [Alert.from_row(r) for r in db.query(
        "select a.* from deliveries d join alerts a on a.id = d.alert_id "
        "where d.destination = ? and d.status != 'sent' order by a.id", [dest.id])]


def deliver(db: sqlite_utils.Database, setting: str) -> DeliveryReport:
    """Send every undelivered alert to every configured destination, one message per run's batch.

    After a failure the destination is left alone for the rest of this pass
    (it is probably down); its alerts wait for the next run.
    """
    report = DeliveryReport()
    for dest in destinations(setting):
        register(db, dest)
        for batch in _batches(_pending(db, dest)):
            error = _send(dest, batch)
            with db.conn:
                db.conn.executemany("update deliveries set attempts = attempts + 1, last_attempt = ?, last_error = ?, "
                               "status = ?, sent_at = ? where alert_id = ? and destination = ?",
                               [(utcnow(), error, "failed" if error else "sent", None if error else utcnow(),
                                 alert.id, dest.id) for alert in batch])
            if error:
                report.failed += len(batch)
                report.errors.append(f"{dest.label}: {error}")
                break
            report.sent += len(batch)
            report.messages += 1
    return report
