"""`zfxxgk browse` run as a subprocess on loopback, for tests that use it over HTTP."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Served:
    url: str
    db: Path
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(served: Served, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"zfxxgk browse exited: {served.process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(f"{served.url}/-/versions.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("zfxxgk browse did not start")


@contextlib.contextmanager
def browse_server(db: Path) -> Iterator[Served]:
    """`zfxxgk browse` (the real command, on loopback) serving ``db`` until the block ends."""
    port = _free_port()
    command = [str(Path(sys.executable).with_name("zfxxgk")), "browse", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Served(f"http://127.0.0.1:{port}", db, process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)
