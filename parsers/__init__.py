"""Parsers for 政府信息公开工作年度报告: files in, one canonical record out.

Pure functions only: no network, no storage, no settings. Public entry points:
:func:`parsers.documents.read_document`, :func:`parsers.report.parse_report`
and :func:`parse_file`.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ParseError
from .records import Report
from .version import PARSER_VERSION

__all__ = ["PARSER_VERSION", "ParseError", "parse_file"]


def parse_file(path: str | Path) -> Report:
    """Parse one report file (type from its bytes and extension), as ``zfxxgk parse FILE`` does."""
    from .documents import Document, read_document
    from .report import parse_report

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return parse_report([Document("text", status="corrupt", reason=str(exc), filename=p.name)])
    return parse_report([read_document(data, filename=p.name)])
