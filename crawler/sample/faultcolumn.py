"""The fault column ``/faults/``: one report page per fault kind, served only when faults are on.

Each page (and, for the attachment faults, its attachment) is a normal report
once its fault has run out, so a crawl that retries later archives it.
"""

from __future__ import annotations

import random

from . import chrome as C
from .chrome import Furniture, esc
from .faults import FAULT_ROOT, KINDS, fault_attachment, fault_page
from .pages import SITES, rel
from .render import render_docx, render_html
from .variants import make_report

AGENCY = "北京市样例故障测试中心"


def fault_files(f: Furniture, pdf: bytes) -> dict[str, bytes]:
    """The column's list, its pages and attachments (``pdf``: any real PDF, reused)."""
    files: dict[str, bytes] = {}
    items = []
    for n, kind in enumerate(KINDS):
        report = make_report(AGENCY, "北京市", 2024, "gb-2021", random.Random(f"fault-{kind}"), published="2025-01-15")
        title = f"{AGENCY}2024年政府信息公开工作年度报告（{kind}）"
        page = fault_page(kind)
        body = render_html(report)
        if kind in ("not_zip_docx", "huge"):
            attachment = fault_attachment(kind)
            files[attachment] = render_docx(report) if kind == "not_zip_docx" else pdf
            body = f'<p>全文详见附件。</p><p>附件：<a href="{rel(attachment, page)}">{esc(title)}</a></p>'
        files[page] = _page(title, body, f).encode("utf-8")
        items.append(f'<li><a href="{rel(page, FAULT_ROOT + "index.html")}" title="{esc(title)}">{esc(title)}</a><span>2025-01-{15 - n % 3:02d}</span></li>')
    main = f'<div class="list-box"><h2 class="list-title">故障测试栏目</h2><ul class="list">{"".join(items)}</ul><div class="page">{C.page_script(1, 0, "index", "html")}</div></div>'
    files[FAULT_ROOT + "index.html"] = _page("故障测试栏目", main, f).encode("utf-8")
    return files


def _page(title: str, body: str, f: Furniture) -> str:
    site = SITES["beijing"]
    meta = {"ArticleTitle": title, "PubDate": "2025-01-15 10:00", "ColumnName": "故障测试栏目"}
    main = f'<div class="article"><div class="header"><p>{esc(title)}</p></div><div id="mainText"><div class="view TRS_UEDITOR trs_paper_default trs_web">\n{body}\n</div></div></div>'
    return C.trs_page(C.trs_head(title, site, f, meta), site, f, main, [("首页", "/index.html"), ("故障测试栏目", "")])
