"""Shared fixtures: a real archive file built through archive.store, and `zfxxgk browse` serving a copy."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import archive_fixture


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*/expected.json from the parser")


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive, shared read-only by the tests of one session."""
    return archive_fixture.build(tmp_path_factory.mktemp("archive") / "archive.db")


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


@pytest.fixture(scope="session")
def served(archive_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A copy of the fixture archive served by `zfxxgk browse` for the session."""
    with browse_server(Path(shutil.copy(archive_path, tmp_path_factory.mktemp("served") / "archive.db"))) as s:
        yield s
