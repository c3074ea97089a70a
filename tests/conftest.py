"""Shared fixtures and options."""

from __future__ import annotations

import pytest

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
