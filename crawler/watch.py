"""Crawling on a cron schedule, for a machine without cron or systemd timers (``zfxxgk watch``).

Each crawl is a child process (a Twisted reactor cannot be restarted in one
process, and a child that dies leaves the watcher running). A random jitter
spreads archives that share a schedule over the first minutes after the time.
SIGTERM or SIGINT stops the watcher cleanly: while waiting it simply exits;
during a crawl it passes the signal on, so Scrapy closes the run and the
archive, and waits for the child. A crawl that runs past the next time is not
doubled: the next one starts at the first scheduled time after it ended (and the
archive lock refuses any other writer meanwhile).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType

from croniter import croniter


class ScheduleError(ValueError):
    """A cron expression that croniter cannot read."""


def check_cron(expression: str) -> str:
    if not croniter.is_valid(expression):
        raise ScheduleError(f"not a cron expression: {expression!r} (e.g. \"0 3 * * *\": every day at 03:00)")
    return expression


def crawl_command(args: list[str]) -> list[str]:
    """The child that runs one crawl: this interpreter's own zfxxgk, so the watcher's venv is the crawl's."""
    return [sys.executable, "-m", "archive.cli", "crawl", *args]


class Watcher:
    def __init__(self, cron: str, jitter: float, command: list[str],
                 log: Callable[[str], None], rng: random.Random | None = None) -> None:
        self.cron = check_cron(cron)
        self.jitter = max(0.0, jitter)
        self.command = command
        self.log = log
        self.rng = rng or random.Random()
        self.stopping = threading.Event()
        self.child: subprocess.Popen[bytes] | None = None

    def next_time(self, after: datetime) -> datetime:
        scheduled: datetime = croniter(self.cron, after).get_next(datetime)
        return scheduled + timedelta(seconds=self.rng.uniform(0, self.jitter))

    def stop(self, signum: int, frame: FrameType | None = None) -> None:
        self.log(f"watch: {signal.Signals(signum).name} received, stopping")
        self.stopping.set()
        if self.child and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def run(self) -> int:
        """Crawl at every scheduled time until stopped; returns 0 on a clean stop."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while not self.stopping.is_set():
            now = datetime.now().astimezone()
            when = self.next_time(now)
            self.log(f"watch: next crawl at {when.isoformat(timespec='seconds')}")
            if self.stopping.wait((when - now).total_seconds()):
                break
            self.crawl_once()
        self.log("watch: stopped")
        return 0

    def crawl_once(self) -> None:
        self.log(f"watch: crawl started: {' '.join(self.command[3:])}")
        self.child = subprocess.Popen(self.command)
        code = self.child.wait()
        self.child = None
        self.log(f"watch: crawl ended with exit status {code}")
