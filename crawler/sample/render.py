"""Render a report in the four forms real reports come in: text, TRS HTML, .docx, .pdf.

All forms are written from one :class:`~.doc.Document` (``layouts.build_document``),
so a figure reads the same in each; ``damage`` changes only its spelling.
The text form is the seeds' format: a tab before each table cell, continuation
lines of a cell without one, a blank line after each row, and an empty cell
where a cell merged from above continues.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import opencc
from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from parsers.records import Report

from .damage import CLEAN, Damage
from .doc import Cell, Paragraph, Table
from .layouts import build_document
from .narrative import Narrative

GATEWAY_WORDS = {"信息": "資訊", "网络": "網路", "软件": "軟體", "视频": "視訊", "打印": "列印", "默认": "預設"}
_S2T = opencc.OpenCC("s2t")


class RenderError(RuntimeError):
    """A form could not be produced (e.g. no LibreOffice for .pdf)."""


def render_text(report: Report, damage: Damage = CLEAN, narrative: Narrative | None = None) -> str:
    """The report as text extracted from Word, in the seeds' tab-led format."""
    doc = build_document(report, damage, narrative)
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            mark = f"[bookmark: {block.bookmark}]" if block.bookmark else ""
            lines.append(mark + block.text)
            continue
        for row in block.word_rows():
            for cell, origin in row:
                first, *rest = cell.text.split("\n") if origin else [""]
                lines.append("\t" + first)
                lines.extend(rest)
            lines.append("")
        lines.append("")
    return "\n".join(lines) + "\n"


def to_traditional(text: str) -> str:
    """What the big5 gateway shows: word swaps first (信息→資訊), then characters."""
    for simplified, traditional in GATEWAY_WORDS.items():
        text = text.replace(simplified, traditional)
    return _S2T.convert(text)


def render_html(report: Report, damage: Damage = CLEAN, traditional: bool = False, narrative: Narrative | None = None) -> str:
    """The body a TRS editor holds after a Word paste (no page chrome)."""
    doc = build_document(report, damage, narrative)
    conv = to_traditional if traditional else (lambda s: s)
    parts = [_html_table(b, conv) if isinstance(b, Table) else _html_para(b, n, conv) for n, b in enumerate(doc.blocks)]
    return "\n".join(parts) + "\n"


def _html_para(p: Paragraph, index: int, conv) -> str:
    text = html.escape(conv(p.text))
    mark = f'<a name="{p.bookmark}"></a>' if p.bookmark else ""
    if index < 2 and p.heading:
        return f'<p style="text-align:center;"><strong>{mark}{text}</strong></p>'
    if p.heading:
        return f'<p style="text-indent:2em;"><strong>{mark}{text}</strong></p>'
    return f'<p style="text-indent:2em;">{mark}{text}</p>'


def _html_table(t: Table, conv) -> str:
    grid = t.grid()
    out = ['<table border="1" cellspacing="0" cellpadding="0" align="center" style="border-collapse:collapse;"><tbody>']
    for r, row in enumerate(t.rows):
        starts = [c for c, slot in enumerate(grid[r]) if slot and slot[1]]
        tds = [_html_cell(cell, sum(t.widths[c : c + cell.colspan]) if t.widths else 0, conv) for cell, c in zip(row, starts)]
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _html_cell(cell: Cell, width: int, conv) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.numeric or len(cell.text) <= 6:
        attrs += " nowrap"
    style = f' style="width:{width}px;"' if width else ""
    if not cell.text.strip():
        return f"<td{attrs}{style}>&nbsp;</td>"
    align = "center" if cell.header and "\n" not in cell.text.strip() and not cell.text.startswith(" ") else "left"
    paras = "".join(f'<p style="text-align:{align};">{html.escape(conv(line)).replace("  ", "&nbsp; ")}</p>' for line in cell.text.split("\n"))
    return f"<td{attrs}{style}>{paras}</td>"


def render_docx(report: Report, damage: Damage = CLEAN, narrative: Narrative | None = None) -> bytes:
    """A Word file with real merged cells; byte-identical for the same input."""
    doc = build_document(report, damage, narrative)
    word = new_docx()
    _base_font(word)
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            _docx_para(word, block, index)
        else:
            _docx_table(word, block)
    if isinstance(doc.blocks[-1], Table):
        word.add_paragraph()  # Word always closes a document with a paragraph; .doc needs one after a table
    stamp = _stamp(report)
    props = word.core_properties
    props.title, props.author, props.last_modified_by = doc.title, report.agency or "", report.agency or ""
    props.created = props.modified = stamp
    props.revision = 1
    buf = io.BytesIO()
    word.save(buf)
    return _fixed_zip(buf.getvalue(), stamp)


def _stamp(report: Report) -> datetime:
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", report.published or "")
    if match:
        return datetime(*map(int, match.groups()), 9, 0, 0)
    return datetime((report.year or 2019) + 1, 1, 15, 9, 0, 0)


def _base_font(word) -> None:
    style = word.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _docx_para(word, p: Paragraph, index: int) -> None:
    para = word.add_paragraph()
    if p.bookmark:
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), "0")
        start.set(qn("w:name"), p.bookmark)
        end.set(qn("w:id"), "0")
        para._p.append(start)
        para._p.append(end)
    run = para.add_run(p.text)
    run.bold = p.heading
    if p.heading and index < 2:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _docx_table(word, t: Table) -> None:
    table = word.add_table(rows=len(t.rows), cols=t.columns)
    table.style = "Table Grid"
    table.autofit = False
    if t.widths:
        scale = 9000 / sum(t.widths)  # fit a portrait page: about 6.25 in of text width
        for c, (width, col) in enumerate(zip(t.widths, table._tbl.tblGrid.gridCol_lst)):
            col.w = Twips(round(width * scale))
            for cell in table.columns[c].cells:
                cell.width = Twips(round(width * scale))
    grid = t.grid()
    for r, row in enumerate(t.rows):
        starts = [c for c, slot in enumerate(grid[r]) if slot and slot[1]]
        for cell, c in zip(row, starts):
            target = table.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            _fill_cell(target, cell)


def _fill_cell(target, cell: Cell) -> None:
    for extra in target.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    first, *rest = cell.text.split("\n")
    target.paragraphs[0].add_run(first)
    for line in rest:
        target.add_paragraph(line)
    if cell.header and not cell.text.startswith(" "):
        for para in target.paragraphs:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite a zip with one fixed timestamp so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_docx(docx: bytes, fmt: str) -> bytes:
    """Convert .docx bytes with LibreOffice headless (``fmt``: "pdf" or "doc"); build time only."""
    exe = soffice_path()
    if not exe:
        raise RenderError("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-writer-nogui fonts-noto-cjk")
    filters = {"pdf": "pdf:writer_pdf_Export", "doc": "doc:MS Word 97"}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx)
        cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", filters[fmt], "--outdir", tmp, str(src)]
        done = subprocess.run(cmd, capture_output=True, timeout=180, check=False)
        out = Path(tmp) / f"report.{fmt}"
        if not out.exists():
            raise RenderError(f"soffice failed to make .{fmt}: {done.stderr.decode(errors='replace')[-500:]}")
        return _normalise(out.read_bytes(), fmt)


def _normalise(data: bytes, fmt: str) -> bytes:
    """Blank the conversion time and random ids LibreOffice writes, keeping byte offsets."""
    if fmt != "pdf":
        return data
    data = re.sub(rb"D:\d{14}([+\-]\d\d'\d\d'|Z)?", lambda m: b"D:20000101000000" + (b"+00'00'" if len(m.group()) > 17 else m.group()[16:]), data)
    data = re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"/DocChecksum /" + b"0" * 32, data)
    return re.sub(rb"<[0-9A-F]{32}>", b"<" + b"0" * 32 + b">", data)


def render_pdf(report: Report, damage: Damage = CLEAN, narrative: Narrative | None = None) -> bytes:
    """The .docx form printed to PDF by LibreOffice (raises RenderError without soffice)."""
    return convert_docx(render_docx(report, damage, narrative), "pdf")


def render_doc(report: Report, damage: Damage = CLEAN, narrative: Narrative | None = None) -> bytes:
    """The legacy Word 97 form (.doc) through LibreOffice, as old portals attached."""
    return convert_docx(render_docx(report, damage, narrative), "doc")
