"""One writer per archive: an advisory lock on ``<db>.lock`` that a dead process cannot leave stuck.

Every command that writes the archive (``crawl``, ``ingest``, ``reparse``, a Scrapyd
job) takes it. ``fcntl.flock`` belongs to the open file, so the kernel drops it
when the holder exits for any reason, SIGKILL included; a stale file left behind
is harmless because only the flock counts. The file also holds who took it
(pid, command, portal, host, start time), so the refused second writer can say
what is running.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

_HELD: dict[str, ArchiveLock] = {}


class LockHeld(Exception):
    """Another process is writing the archive."""

    def __init__(self, path: str, holder: dict[str, Any]) -> None:
        self.holder = holder
        what = holder.get("command") or "another zfxxgk process"
        since = f" since {holder['started']}" if holder.get("started") else ""
        pid = f"pid {holder['pid']} on {holder.get('host', '?')}" if holder.get("pid") else "a process"
        super().__init__(f"the archive {path} is being written by {pid}: {what}{since}; "
                         "only one writer at a time (wait for it, or stop it)")


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    command: str
    portal: str
    started: str


class ArchiveLock:
    """An exclusive, non-blocking lock on one archive file, held until :meth:`release` or process exit."""

    def __init__(self, db: str | Path, file: IO[str]) -> None:
        self.db = str(db)
        self.file = file

    def release(self) -> None:
        _HELD.pop(os.path.abspath(self.db), None)
        if not self.file.closed:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()


def lock_path(db: str | Path) -> Path:
    return Path(f"{db}.lock")


def read_holder(db: str | Path) -> dict[str, Any]:
    try:
        return dict(json.loads(lock_path(db).read_text(encoding="utf-8") or "{}"))
    except (OSError, ValueError):
        return {}


def acquire(db: str | Path, portal: str = "", command: str | None = None) -> ArchiveLock:
    """Take the archive's lock or raise :class:`LockHeld` at once; re-entrant within one process."""
    key = os.path.abspath(db)
    if key in _HELD:
        return _HELD[key]
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    file = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        file.close()
        raise LockHeld(str(db), read_holder(db)) from None
    holder = Holder(pid=os.getpid(), host=socket.gethostname(),
                    command=command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]), portal=portal,
                    started=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    file.seek(0)
    file.truncate()
    file.write(json.dumps(asdict(holder), ensure_ascii=False))
    file.flush()
    lock = _HELD[key] = ArchiveLock(db, file)
    return lock
