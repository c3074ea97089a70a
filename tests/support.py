"""Helpers for tests that run the real `zfxxgk` command against a real archive."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ZFXXGK = str(Path(sys.executable).with_name("zfxxgk"))
SAMPLE = Path(__file__).parent.parent / "crawler" / "sample"


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `zfxxgk ARGS` in a subprocess (a Twisted reactor cannot restart inside pytest)."""
    full_env = {**os.environ, "ZFXXGK_DOWNLOAD_DELAY": "0", "ZFXXGK_WARC_DIR": str(cwd / "warc"),
                "ZFXXGK_JOBDIR": str(cwd / "jobs"), **(env or {})}
    result = subprocess.run([ZFXXGK, *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"zfxxgk {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr[-4000:]}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manifest(state: str = "site") -> dict[str, Any]:
    return json.loads((SAMPLE / state / "manifest.json").read_text(encoding="utf-8"))


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def archive_state(db: Path) -> list[tuple[Any, ...]]:
    """What two crawls of the same portal must agree on: every report's URL with each version's hash."""
    return sorted(query(db, "select r.url, v.version, v.content_hash from reports r "
                            "join report_versions v on v.report_id = r.id"))
