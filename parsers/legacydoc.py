"""Legacy Word 97 (.doc) attachments, through a converter from Debian.

LibreOffice headless converts to .docx and keeps the tables with their merged
cells, so the .docx reader does the rest; antiword is the fallback (text only,
its ``|``-ruled tables are turned into TAB-prefixed cells). Without either
tool the document is reported as 'unsupported_format' naming what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .documents import Document, read_text
from .docxtables import read_docx
from .errors import ParseError

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


def _antiword_text(text: str) -> str:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            lines.append("\n".join("\t" + c for c in cells) + "\n")
        else:
            lines.append(line)
    return "\n".join(lines)


def _with_antiword(tool: str, data: bytes, filename: str | None) -> Document:
    with tempfile.NamedTemporaryFile(suffix=".doc") as src:
        src.write(data)
        src.flush()
        done = subprocess.run([tool, "-m", "UTF-8.txt", "-w", "0", src.name], capture_output=True, timeout=_TIMEOUT, check=False)
    if done.returncode != 0:
        raise ParseError(f"antiword failed: {done.stderr.decode('utf-8', 'replace')[:200]}")
    doc = read_text(_antiword_text(done.stdout.decode("utf-8", "replace")), filename=filename)
    doc.kind = "doc"
    return doc


def read_doc(data: bytes, *, filename: str | None = None) -> Document:
    """A Word 97 file via LibreOffice, else antiword; 'unsupported_format' when neither is installed."""
    tool = _soffice()
    if tool:
        return _with_soffice(tool, data, filename)
    antiword = shutil.which("antiword")
    if antiword:
        return _with_antiword(antiword, data, filename)
    return Document(
        "doc",
        status="unsupported_format",
        reason="legacy .doc needs a converter: install Debian package libreoffice-writer-nogui (or antiword)",
        filename=filename,
    )
