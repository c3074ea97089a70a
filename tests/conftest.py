"""Shared fixtures and options."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import archive_fixture
from browse_server import Served, browse_server
from support import archive_state, run_cli
from crawler.sample.manifest import load_manifest
from crawler.sample.server import PACKAGE as SAMPLE_PACKAGE
from crawler.sample.server import SampleServer


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*/expected.json from the parser")


# --- sample portal (crawler/sample) ---------------------------------------------------------


@pytest.fixture
def sample_server():
    """The bundled sample portal on 127.0.0.1, current state, noise on, no faults."""
    with SampleServer() as server:
        yield server


@pytest.fixture
def sample_server_factory():
    """Start servers with any options; all are stopped after the test."""
    started: list[SampleServer] = []

    def start(**options) -> SampleServer:
        server = SampleServer(**options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def sample_manifest():
    return load_manifest(SAMPLE_PACKAGE / "site" / "manifest.json")


@pytest.fixture(scope="session")
def sample_next_manifest():
    return load_manifest(SAMPLE_PACKAGE / "next" / "manifest.json")


# --- browsing (archive/datasette_plugin, archive/search.py) -------------------------------------


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real archive written through archive.store (see archive_fixture), shared read-only by a session."""
    return archive_fixture.build(tmp_path_factory.mktemp("archive") / "archive.db")


@pytest.fixture(scope="session")
def served(archive_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A copy of the fixture archive served by `zfxxgk browse` for the session."""
    with browse_server(Path(shutil.copy(archive_path, tmp_path_factory.mktemp("served") / "archive.db"))) as s:
        yield s


@pytest.fixture(scope="module")
def module_server() -> Iterator[SampleServer]:
    """One sample server for a module whose crawls must compare URLs."""
    with SampleServer() as server:
        yield server


@pytest.fixture(scope="module")
def reference_state(module_server: SampleServer, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """The archive state of one uninterrupted single-process crawl of the sample, to compare others with."""
    work = tmp_path_factory.mktemp("reference")
    run_cli("crawl", "--portal", "sample", "--base-url", module_server.url, "--db", "ref.db", cwd=work)
    return archive_state(work / "ref.db")
