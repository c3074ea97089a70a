"""Page furniture of each portal family: TRS pages, the legacy zfxxgk site, a generic TRS site.

Everything here is what a crawler must look past: headers, menus, breadcrumbs,
share links, scripts, footers, and the two noise placeholders every page
carries (``<!--zfx:counter-->`` and ``<!--zfx:now-->``) that the server fills
per request. :class:`Furniture` holds what changes between the two states of
the sample (a script version, a footer detail) without touching content.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

COUNTER = "<!--zfx:counter-->"
NOW = "<!--zfx:now-->"
FAULTS_LINK = "<!--zfx:faults-->"  # the server links the fault column here when faults are on


@dataclass(frozen=True)
class Furniture:
    version: str
    year: int
    icp: str


CURRENT_FURNITURE = Furniture("20250106", 2025, "京ICP备05060933号")
NEXT_FURNITURE = Furniture("20260112", 2026, "京ICP备05060933号-5")


@dataclass(frozen=True)
class Site:
    """Names a family of pages shows in its header and footer."""

    name: str
    host: str
    column: str
    home: str = "/index.html"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def noise() -> str:
    return f'<div class="visit">本页访问量：<span id="visitCount">{COUNTER}</span>　当前时间：<span id="nowTime">{NOW}</span></div>'


def _scripts(f: Furniture) -> str:
    return (
        f'<script type="text/javascript" src="/images/jquery-1.12.4.min.js?v={f.version}"></script>\n'
        f'<script type="text/javascript" src="/images/common.js?v={f.version}"></script>\n'
        '<script type="text/javascript">var _maq = _maq || []; _maq.push(["_setAccount", "bjgov"]);</script>'
    )


def trs_head(title: str, site: Site, f: Furniture, meta: dict[str, str], charset: str = "utf-8") -> str:
    tags = "\n".join(f'<meta name="{k}" content="{esc(v)}">' for k, v in meta.items())
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        f'<meta name="SiteName" content="{esc(site.name)}">\n<meta name="SiteDomain" content="{site.host}">\n{tags}\n'
        f"<title>{esc(title)}_{esc(site.name)}</title>\n"
        f'<link rel="stylesheet" href="/images/base.css?v={f.version}">\n'
        f'<link rel="stylesheet" href="/images/xxgk.css?v={f.version}">\n</head>\n'
    )


def trs_header(site: Site, f: Furniture, twin: str | None = None) -> str:
    big5 = f'<a href="{twin}" class="fanti">繁體</a>' if twin else '<a href="javascript:void(0)" class="fanti">繁體</a>'
    return (
        '<div class="topbar"><div class="w1200">'
        f'<span class="fl">欢迎访问{esc(site.name)}</span>'
        f'<span class="fr">{big5}<a href="javascript:void(0)" id="wza">无障碍</a><a href="/index.html">首页</a></span>'
        "</div></div>\n"
        f'<div class="banner"><div class="w1200"><a href="/index.html" class="logo"><img src="/images/logo.png" alt="{esc(site.name)}"></a>'
        '<form class="search" action="/so/search" method="get"><input name="qt" type="text" placeholder="请输入关键词"><button type="submit">搜索</button></form>'
        "</div></div>\n"
        '<div class="nav"><ul class="w1200"><li><a href="/index.html">首页</a></li><li><a href="/gongkai/">政务公开</a></li>'
        '<li><a href="/fuwu/">政务服务</a></li><li><a href="/hudong/">政民互动</a></li><li><a href="/renwen/">走进北京</a></li></ul></div>\n'
    )


def crumbs(parts: list[tuple[str, str]]) -> str:
    links = " &gt; ".join(f'<a href="{href}">{esc(label)}</a>' if href else esc(label) for label, href in parts)
    return f'<div class="location w1200">您当前所在的位置：{links}</div>\n'


def share() -> str:
    return (
        '<div class="share"><span>分享到：</span><a class="wechat" href="javascript:void(0)">微信</a>'
        '<a class="weibo" href="javascript:void(0)">微博</a><a class="print" href="javascript:window.print()">打印</a>'
        '<a class="close" href="javascript:window.close()">关闭</a></div>\n'
    )


def footer(site: Site, f: Furniture) -> str:
    return (
        f'<div class="footer"><div class="w1200"><p>主办：{esc(site.name)}　'
        f'<a href="/sitemap.html">网站地图</a>　<a href="/contact.html">联系我们</a></p>'
        f"<p>版权所有：{esc(site.name)}　{f.icp}　京公网安备11010502039180号　© 2008-{f.year}</p>"
        f"{noise()}</div></div>\n"
    )


def side_menu(items: list[tuple[str, str]], title: str = "各部门年报") -> str:
    links = "".join(f'<li><a href="{href}">{esc(label)}</a></li>' for label, href in items)
    return f'<div class="side-menu"><h3>{esc(title)}</h3><ul>{links}{FAULTS_LINK}</ul></div>\n'


def page_script(count: int, current: int, name: str, ext: str) -> str:
    return f'<script type="text/javascript">\n//<![CDATA[\ncreatePageHTML({count}, {current}, "{name}", "{ext}");\n//]]>\n</script>'


def trs_page(head: str, site: Site, f: Furniture, body: str, crumb: list[tuple[str, str]], twin: str | None = None, side: str = "") -> str:
    """A whole TRS page around a main block."""
    return (
        f"{head}<body>\n{trs_header(site, f, twin)}{crumbs(crumb)}"
        f'<div class="main w1200">{side}<div class="content-wrap">\n{body}\n</div></div>\n'
        f"{footer(site, f)}{_scripts(f)}\n</body>\n</html>\n"
    )


def legacy_page(title: str, f: Furniture, body: str, agency: str) -> str:
    """The zfxxgk.beijing.gov.cn frame: plain header, agency banner, content, footer."""
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f"<title>{esc(title)}</title>\n"
        f'<link href="/css/zfxxgk.css?v={f.version}" rel="stylesheet" type="text/css" />\n'
        f'<script type="text/javascript" src="/js/jquery.js?v={f.version}"></script>\n'
        f'<script type="text/javascript" src="/js/laypage/laypage.js?v={f.version}"></script>\n</head>\n<body>\n'
        '<div class="head"><img src="/images/zfxxgk_top.jpg" alt="北京市政府信息公开专栏" /></div>\n'
        f'<div class="menu"><a href="/zfxxgk/dir.shtml">信息公开目录</a> | <a href="/index.html">首页</a> | <span class="agency">{esc(agency)}</span></div>\n'
        f'<div class="container">\n{body}\n</div>\n'
        f'<div class="foot"><p>北京市人民政府办公厅主办　{f.icp}　© {f.year}</p>{noise()}</div>\n</body>\n</html>\n'
    )


def generic_page(title: str, f: Furniture, body: str, site: Site, charset: str = "utf-8") -> str:
    """A plain TRS site of a sub-district outside Beijing."""
    return (
        f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{charset}">\n<meta name="ArticleTitle" content="{esc(title)}">\n'
        f"<title>{esc(title)}</title>\n<link rel=\"stylesheet\" href=\"/xxgk/style.css?v={f.version}\">\n</head>\n<body>\n"
        f'<div id="header"><h2>{esc(site.name)}</h2><p class="nav"><a href="/index.html">首页</a> | <a href="/xxgk/gknb/index.html">政府信息公开年报</a></p></div>\n'
        f'<div id="wrap">\n{body}\n</div>\n'
        f'<div id="footer">{esc(site.name)}　版权所有　{f.year}{noise()}</div>\n'
        f'<script src="/xxgk/common.js?v={f.version}"></script>\n</body>\n</html>\n'
    )
