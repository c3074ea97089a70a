"""Legacy Word 97 (.doc) attachments, through converters from Debian.

LibreOffice headless converts to .docx and keeps the tables with their merged
cells, so the .docx reader does the rest. LibreOffice drops a table that ends
the file, though (the last block of a Word 97 file written without a closing
paragraph, as LibreOffice's own .doc export of such a .docx is: its cells come
back as run-together paragraphs), so antiword's DocBook reading, which keeps
every table, supplies the tables LibreOffice lost. antiword alone is the
fallback: text and simple tables, merges lost. Without either tool the
document is reported as 'unsupported_format' naming what is missing.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .documents import Document
from .docxtables import read_docx
from .errors import ParseError
from .tables import Table, table_from_rows

_TIMEOUT = 120


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _with_soffice(tool: str, data: bytes, filename: str | None) -> Document:
    with tempfile.TemporaryDirectory(prefix="zfxxgk-doc-") as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        env = dict(os.environ, HOME=tmp)
        cmd = [tool, "--headless", "--norestore", "--convert-to", "docx", "--outdir", tmp, str(src)]
        subprocess.run(cmd, capture_output=True, timeout=_TIMEOUT, env=env, check=False)
        out = Path(tmp) / "input.docx"
        if not out.exists() or not out.stat().st_size:
            raise ParseError("LibreOffice could not convert the .doc (damaged or not a Word file)")
        doc = read_docx(out.read_bytes(), filename=filename)
    doc.kind = "doc"
    return doc


_ROW = re.compile(r"<row>(.*?)</row>", re.S)
_ENTRY = re.compile(r"<entry>(.*?)</entry>|<entry/>", re.S)
_TABLE = re.compile(r"<informaltable[^>]*>(.*?)</informaltable>", re.S)
_PARA = re.compile(r"<para>(.*?)</para>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _xml_text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment or "")).strip("\n")


def _docbook(tool: str, data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".doc") as src:
        src.write(data)
        src.flush()
        done = subprocess.run([tool, "-x", "db", "-m", "UTF-8.txt", src.name], capture_output=True, timeout=_TIMEOUT, check=False)
    if done.returncode != 0:
        raise ParseError(f"antiword failed: {done.stderr.decode('utf-8', 'replace')[:200]}")
    out = done.stdout.decode("utf-8", "replace")
    return out[out.find("<chapter>") :] if "<chapter>" in out else out


def docbook_tables(xml: str) -> list[Table]:
    """antiword's tables: rows of entries in order (no merges), as text tables are read."""
    tables: list[Table] = []
    for body in _TABLE.findall(xml):
        rows = [[_xml_text(e) for e in _ENTRY.findall(row)] for row in _ROW.findall(body)]
        tables.append(table_from_rows(len(tables), [r for r in rows if r]))
    return tables


def _with_antiword(tool: str, data: bytes, filename: str | None) -> Document:
    xml = _docbook(tool, data)
    paragraphs = [_xml_text(p) for p in _PARA.findall(_TABLE.sub("", xml))]
    return Document("doc", "\n".join(paragraphs), docbook_tables(xml), filename=filename, narrative="\n".join(paragraphs))


def _add_lost_tables(doc: Document, data: bytes) -> None:
    """Tables antiword sees beyond those LibreOffice kept (it drops one that ends the file)."""
    antiword = shutil.which("antiword")
    if not antiword:
        return
    try:
        lost = docbook_tables(_docbook(antiword, data))[len(doc.tables) :]
    except (ParseError, OSError, subprocess.SubprocessError):
        return
    for table in lost:
        table.index = len(doc.tables)
        doc.tables.append(table)


def read_doc(data: bytes, *, filename: str | None = None) -> Document:
    """A Word 97 file via LibreOffice (tables it lost from antiword), else antiword alone; 'unsupported_format' without either."""
    tool = _soffice()
    if tool:
        doc = _with_soffice(tool, data, filename)
        _add_lost_tables(doc, data)
        return doc
    antiword = shutil.which("antiword")
    if antiword:
        return _with_antiword(antiword, data, filename)
    return Document(
        "doc",
        status="unsupported_format",
        reason="legacy .doc needs a converter: install Debian package libreoffice-writer-nogui (or antiword)",
        filename=filename,
    )
