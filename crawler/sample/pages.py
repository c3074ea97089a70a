"""Detail and list pages of each portal copy, as HTML strings.

List markup differs per column, as it does on the real sites: the municipal
column uses ``ul.list li`` with a ``span`` date, the fgw column puts the date
first, zdb uses a table, Dongcheng an ``em`` date, the legacy site
``#colList li`` with ``.date`` and laypage paging, the generic site ``dl/dd``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from . import chrome as C
from .catalog import PORTALS, Entry
from .chrome import Furniture, Site, esc

SITES = {
    "beijing": Site("北京市人民政府", "www.beijing.gov.cn", "政府信息公开年报"),
    "fgw": Site("北京市发展和改革委员会", "fgw.beijing.gov.cn", "政府信息公开年报"),
    "zdb": Site("北京市政务服务和数据管理局", "zdb.beijing.gov.cn", "年报"),
    "dongcheng": Site("北京市东城区人民政府", "www.bjdch.gov.cn", "政府信息公开年报"),
    "generic": Site("咸丰路街道办事处", "www.xfljd.gov.cn", "政府信息公开年报"),
}
BUREAU_MENU = [("北京市发展和改革委员会", "/fgw/fgwzwgk/zfxxgk/zfxxgknb/index.htm"), ("北京市政务服务和数据管理局", "/zdb/zfxxgk/zfxxgkzl/nb/index.html")]


@dataclass
class Item:
    """A list entry: where it links, its title and date."""

    href: str  # absolute path
    title: str
    date: str


def rel(target: str, page: str) -> str:
    """``target`` relative to the folder of ``page``, written the TRS way (``./…``)."""
    path = posixpath.relpath(target, posixpath.dirname(page))
    return path if path.startswith("../") else "./" + path


def attachment_block(entry: Entry, title: str, page: str) -> str:
    path = entry.attachment_path()
    if not path:
        return ""
    href = rel(path, page)
    return f'<div class="fujian"><p>附件：</p><p><a href="{href}" target="_blank">{esc(title)}.{entry.form}</a></p></div>'


def attachment_body(entry: Entry) -> str:
    """What the body says when the report is only in the attachment."""
    return f'<p style="text-indent:2em;">{esc(entry.agency)}{entry.year}年政府信息公开工作年度报告全文详见附件。</p>'


def trs_detail(entry: Entry, title: str, body: str, f: Furniture, page: str, twin: str | None = None) -> str:
    site = SITES[entry.portal]
    meta = {"ArticleTitle": title, "PubDate": f"{entry.published} 10:00", "ColumnName": site.column, "ContentSource": entry.agency, "Keywords": "政府信息公开,年度报告"}
    head = C.trs_head(title, site, f, meta, charset="gb2312" if entry.gbk else "utf-8")
    title_html = f'<div class="header"><p>{esc(title)}</p></div>' if entry.portal == "beijing" else f'<h1 class="title">{esc(title)}</h1>'
    info = f'<div class="doc-info"><span>发布时间：{entry.published}</span><span>来源：{esc(entry.agency)}</span><span class="font">字号：<a>大</a> <a>中</a> <a>小</a></span></div>'
    main = (
        f'<div class="article">{title_html}\n{info}\n<div id="mainText"><div class="view TRS_UEDITOR trs_paper_default trs_web">\n{body}\n</div></div>\n'
        f"{attachment_block(entry, title, page)}\n{C.share()}</div>"
    )
    side = C.side_menu(BUREAU_MENU) if entry.portal == "beijing" else ""
    crumb = [("首页", "/index.html"), ("政务公开", "/gongkai/"), (site.column, posixpath.join(entry.folder(), _index(entry.portal))), ("正文", "")]
    return C.trs_page(head, site, f, main, crumb, twin=twin, side=side)


def legacy_detail(entry: Entry, title: str, body: str, f: Furniture, page: str) -> str:
    info = (
        '<table class="xxgk_info"><tr><td>索引号：</td>'
        f"<td>{entry.code}/{entry.published[:4]}-{entry.hex[:5]}</td><td>发布机构：</td><td>{esc(entry.agency)}</td></tr>"
        f"<tr><td>发布日期：</td><td>{entry.published}</td><td>分类：</td><td>政府信息公开年报</td></tr></table>"
    )
    main = (
        f'<div class="xxgk_content">{info}\n<h2 id="title">{esc(title)}</h2>\n<div class="date">发布日期：<span>{entry.published}</span></div>\n'
        f'<div id="zoom">\n{body}\n</div>\n{attachment_block(entry, title, page)}</div>'
    )
    return C.legacy_page(title, f, main, entry.agency)


def generic_detail(entry: Entry, title: str, body: str, f: Furniture, page: str) -> str:
    main = (
        f'<div class="detail"><h1>{esc(title)}</h1><div class="info">发布日期：{entry.published}　来源：{esc(entry.agency)}</div>\n'
        f'<div class="TRS_Editor">\n{body}\n</div>\n{attachment_block(entry, title, page)}</div>'
    )
    return C.generic_page(title, f, main, SITES["generic"])


def detail_page(entry: Entry, title: str, body: str, f: Furniture, page: str, twin: str | None = None) -> str:
    if entry.portal == "legacy":
        return legacy_detail(entry, title, body, f, page)
    if entry.portal == "generic":
        return generic_detail(entry, title, body, f, page)
    return trs_detail(entry, title, body, f, page, twin)


def _index(portal: str) -> str:
    return f"index.{PORTALS[portal].ext}"


def _li(portal: str, item: Item, page: str) -> str:
    href, title, date = rel(item.href, page), esc(item.title), item.date
    if portal == "fgw":
        return f'<li><span class="time">[{date}]</span><a href="{href}" target="_blank" title="{title}">{title}</a></li>'
    if portal == "zdb":
        return f'<tr><td class="t"><a href="{href}" target="_blank" title="{title}">{title}</a></td><td class="d">{date}</td></tr>'
    if portal == "dongcheng":
        return f'<li><a href="{href}" title="{title}" target="_blank">{title}</a><em>{date}</em></li>'
    if portal == "generic":
        return f'<dd><a href="{href}" target="_blank">{title}</a><span class="date">{date}</span></dd>'
    short = title if len(title) <= 24 else title[:24] + "…"
    return f'<li><a href="{href}" target="_blank" title="{title}">{short}</a><span>{date}</span></li>'


def _wrap(portal: str, rows: str) -> str:
    if portal == "zdb":
        return f'<table class="list-table" width="100%">{rows}</table>'
    if portal == "generic":
        return f'<dl class="gknb-list">{rows}</dl>'
    cls = {"fgw": "fgw_list", "dongcheng": "xxgk_list"}.get(portal, "list")
    return f'<ul class="{cls}">{rows}</ul>'


def list_page(portal: str, heading: str, items: list[Item], page: str, pages: int, current: int, f: Furniture, folder: str) -> str:
    """One page of a TRS-style column list, with its createPageHTML script."""
    rows = "\n".join(_li(portal, i, page) for i in items)
    ext = PORTALS[portal].ext
    main = f'<div class="list-box"><h2 class="list-title">{esc(heading)}</h2>\n{_wrap(portal, rows)}\n<div class="page">{C.page_script(pages, current, "index", ext)}</div></div>'
    if portal == "generic":
        return C.generic_page(heading, f, main, SITES["generic"])
    site = SITES[portal]
    meta = {"ColumnName": heading, "ColumnType": "政府信息公开年报"}
    side = C.side_menu(BUREAU_MENU) if portal == "beijing" else ""
    crumb = [("首页", "/index.html"), ("政务公开", "/gongkai/"), (heading, "")]
    return C.trs_page(C.trs_head(heading, site, f, meta), site, f, main, crumb, side=side)


def folder_index(heading: str, links: list[tuple[str, str]], page: str, f: Furniture) -> str:
    """A Dongcheng folder page: links to year folders or to sub-columns."""
    site = SITES["dongcheng"]
    rows = "".join(f'<li><a href="{rel(href, page)}">{esc(label)}</a></li>' for label, href in links)
    main = f'<div class="list-box"><h2 class="list-title">{esc(heading)}</h2><ul class="nb_column">{rows}</ul></div>'
    crumb = [("首页", "/index.html"), ("政府信息公开", "/zfxxgkzl/"), (heading, "")]
    return C.trs_page(C.trs_head(heading, site, f, {"ColumnName": heading}), site, f, main, crumb)


def legacy_list(agency: str, items: list[Item], page: str, f: Furniture, per_page: int = 2) -> str:
    """All items in the HTML; laypage pages them in the browser."""
    rows = "\n".join(f'<li><a href="{rel(i.href, page)}" target="_blank" title="{esc(i.title)}">{esc(i.title)}</a><span class="date">{i.date}</span></li>' for i in items)
    count = max(1, -(-len(items) // per_page))
    current = ' class="laypage_curr"'
    pager = "".join(f'<a href="#!page={n}"{current if n == 1 else ""}>{n}</a>' for n in range(1, count + 1))
    pager += '<a class="laypage_next" href="#!page=2">下一页</a>' if count > 1 else ""
    main = (
        f'<div class="col_title">{esc(agency)}　政府信息公开年报</div>\n<div id="colList"><ul>\n{rows}\n</ul></div>\n'
        f'<div id="page"><div class="laypage_main laypageskin_default">{pager}</div></div>\n'
        f'<script type="text/javascript">laypage({{cont: "page", pages: {count}, curr: location.hash.replace("#!page=", "") || 1, hash: "page"}});</script>'
    )
    return C.legacy_page(f"{agency}_政府信息公开年报", f, main, agency)
