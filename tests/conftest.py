"""Shared fixtures: a real archive file built through archive.store (see archive_fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

import archive_fixture


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive, shared read-only by the tests of one session."""
    return archive_fixture.build(tmp_path_factory.mktemp("archive") / "archive.db")
