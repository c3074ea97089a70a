"""Page objects: what a portal's list and detail pages mean.

Spiders only follow the links these functions return. Every rule comes from a
:class:`PageRules` (built from a portal definition), so the same functions read
every portal of a CMS family; links are recognised by URL pattern and title
rather than by one CSS path, because list markup varies from site to site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml.html import HtmlElement
from parsel import css2xpath

from .htmltree import parse_page

_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"'](\w+)[\"']")
_LAYPAGE_COUNT = re.compile(r"\bpages\s*:\s*(\d+)")
_DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_NAMED = re.compile(r"[.#]([\w-]+)|\[[\w-]+=[\"']?([^\]\"']+)")
_DATE_WORDS = ("发布时间", "发布日期")  # a page date printed in the text, when no meta tag gives it
_DATE_TEXT = etree.XPath("//*[" + " or ".join(f"contains(text(),'{w}')" for w in _DATE_WORDS) + "]/text()",
                         smart_strings=False)
_GATEWAY = etree.XPath("//a[contains(@href, $gate)]")


@dataclass(frozen=True)
class PageRules:
    """Where links are on one portal's pages (regexes match the absolute URL)."""

    report_links: tuple[str, ...]
    report_titles: tuple[str, ...]
    column_links: tuple[str, ...] = ()
    exclude_links: tuple[str, ...] = ()
    content: tuple[str, ...] = ("div.TRS_UEDITOR", "div.TRS_Editor", "div.view", "#mainText",
                                "div.article", "div.content", "#zoom", "body")
    title: tuple[str, ...] = ("meta[name=ArticleTitle]::attr(content)", "h1::text",
                              "div.header p::text", "title::text")
    published: tuple[str, ...] = ("meta[name=PubDate]::attr(content)",
                                  "meta[name=firstpublishedtime]::attr(content)")
    attachment_links: str = r"\.(docx?|pdf|wps|xlsx?|rtf)(\?.*)?$"
    attachment_boxes: tuple[str, ...] = (".fujian", "#fujian", ".attachment", ".attachments", ".xgfj",
                                         ".appendix", ".fj")
    twin_prefix: str = "/gate/big5/"


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass
class ListPage:
    """A column's list page: the reports it lists, the columns it links and its other pages."""

    reports: list[Link] = field(default_factory=list)
    columns: list[Link] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


@dataclass
class DetailPage:
    """A report page: its title, date, body and the documents that belong to it.

    ``body`` is the body element in the page's own tree (the page's root when no
    content rule matched), so the analysis reads the tree this page was parsed into.
    """

    title: str | None
    published: str | None
    html: str = field(repr=False)
    body: HtmlElement | None = field(default=None, repr=False, compare=False)
    attachments: list[Link] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    twin: str | None = None

    @cached_property
    def body_html(self) -> str:
        """The body's markup (the page's own when no content rule matched), serialised once."""
        if self.body is None or self.body.getparent() is None:
            return self.html
        return _markup(self.body)


def _markup(element: etree._Element) -> str:
    """An element's HTML, its tail left out (what parsel's ``get()`` gives for an element)."""
    return etree.tostring(element, method="html", encoding="unicode", with_tail=False)


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _matches(patterns: tuple[str, ...], url: str) -> bool:
    return any(re.search(p, url) for p in patterns)


def _links(root: etree._Element, base: str) -> list[Link]:
    """Links under ``root`` (itself included), text from the title attribute or the anchor's text.

    Walks the lxml tree itself: a parsel query per anchor cost more than the rest of reading a page.
    """
    out: list[Link] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        text = clean(a.get("title")) or clean(" ".join(a.itertext()))
        out.append(Link(strip_fragment(urljoin(base, href)), text))
    return out


def strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=""))


def twin_original(url: str, rules: PageRules) -> str | None:
    """For a gateway twin (…/gate/big5/host/path) return the original page's URL, else None."""
    parts = urlsplit(url)
    prefix = rules.twin_prefix
    if not prefix or not parts.path.startswith(prefix):
        return None
    rest = parts.path[len(prefix):]
    host, _, path = rest.partition("/")
    if not host:
        return None
    return urlunsplit((parts.scheme, parts.netloc, "/" + path, parts.query, ""))


def is_report_title(text: str, rules: PageRules) -> bool:
    return any(word in text for word in rules.report_titles)


def pagination(html: str, url: str) -> list[str]:
    """Other pages of a list or report, from TRS's ``createPageHTML(count, current, "name", "ext")``.

    Read from the first page (``current`` 0) only: every page carries the same
    call, and a 500-page column read from each of its pages made 250,000 requests
    for the duplicate filter to drop (a 10,000-report crawl ran 25 % slower).
    """
    match = _CREATE_PAGE.search(html)
    if not match or int(match[2]) != 0:
        return []
    count, name, ext = int(match[1]), match[3], match[4]
    return [urljoin(url, f"{name}_{n}.{ext}") for n in range(1, count)]


def read_list_page(html: str, url: str, rules: PageRules) -> ListPage:
    """Reports, sub-columns and further pages linked from a list page."""
    page = ListPage(pages=pagination(html, url))
    seen: set[str] = set()
    for link in _links(parse_page(html), url):
        if link.url in seen or _matches(rules.exclude_links, link.url):
            continue
        seen.add(link.url)
        if _matches(rules.report_links, link.url) and (not link.text or is_report_title(link.text, rules)):
            page.reports.append(link)
        elif _matches(rules.column_links, link.url):
            page.columns.append(link)
    return page


@lru_cache(maxsize=512)
def _compiled(query: str) -> etree.XPath:
    """A CSS query (parsel's dialect: ``::text``, ``::attr(name)``) as compiled XPath, once a process."""
    return etree.XPath(css2xpath(query), smart_strings=False)


def _css(root: etree._Element, html: str, query: str) -> list[Any]:
    """What ``query`` finds under ``root`` (elements or strings), skipped when a class, id or
    attribute value the query names is nowhere in the page.

    libxml2 tests a class selector with string functions on every element: the
    seven attachment boxes a page usually lacks cost as much as parsing it.
    """
    if all((a or b) in html for a, b in _NAMED.findall(query)):
        return _compiled(query)(root)  # type: ignore[no-any-return]
    return []


def _first(root: etree._Element, html: str, queries: tuple[str, ...]) -> str | None:
    """The first query's first find with text in it, as parsel's ``get()`` gives it (an element as markup)."""
    for query in queries:
        found = _css(root, html, query)
        if not found:
            continue
        item = found[0]
        value = clean(_markup(item) if isinstance(item, etree._Element) else str(item))
        if value:
            return value
    return None


def normalise_date(text: str | None) -> str | None:
    match = _DATE.search(text or "")
    if not match:
        return None
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"


def read_detail_page(html: str, url: str, rules: PageRules) -> DetailPage:
    """Title, publication date, body, attachments, continuation pages and twin of a report page."""
    root = parse_page(html)
    body: HtmlElement | None = None
    for query in rules.content:
        found = [e for e in _css(root, html, query) if isinstance(e, etree._Element)]
        if found:
            body = found[0]
            break
    published = normalise_date(_first(root, html, rules.published))
    if published is None and any(word in html for word in _DATE_WORDS):
        published = normalise_date(" ".join(_DATE_TEXT(root)))
    links = _links(body, url) if body is not None else []
    for box in rules.attachment_boxes:
        for part in _css(root, html, box):
            links += _links(part, url)
    attachments = [link for link in links if re.search(rules.attachment_links, link.url, re.I)]
    unique = [a for n, a in enumerate(attachments) if all(a.url != b.url for b in attachments[:n])]
    gateway = _GATEWAY(root, gate=rules.twin_prefix) if rules.twin_prefix else []
    twin = next((link.url for anchor in gateway for link in _links(anchor, url)
                 if twin_original(link.url, rules) == url), None)
    page = DetailPage(title=_first(root, html, rules.title), published=published, html=html,
                      body=body if body is not None else root, attachments=unique, twin=twin)
    if "createPageHTML" in html:
        page.parts = pagination(page.body_html, url)
    return page


_BLOCK_MARKS = (
    "acw_sc__v2", "acw_tc", "_waf_", "aliyun_waf", "yunsuo_session", "创宇盾", "知道创宇", "安全验证",
    "访问验证", "滑动验证", "人机验证", "访问被拦截", "访问已被拦截", "访问频率过高", "请开启JavaScript",
    "Request blocked", "Access denied by WAF", "eval(function(p,a,c,k,e",
)
_BLOCK_STATUSES = (412, 418)
_BLOCK_PAGE_MAX = 30_000
# Pieces several marks share: a page without the piece has none of them, so one search rules them out.
_BLOCK_SHARED = ("acw_", "waf", "创宇", "验证", "拦截")
# The marks as a page's bytes carry them, in the encodings portals serve (no decoding of every page),
# each with the shared piece it holds (or itself).
_BLOCK_BYTES = {
    m.encode(codec): (next((s for s in _BLOCK_SHARED if s in m), m).encode(codec), m)
    for codec in ("utf-8", "gb18030") for m in _BLOCK_MARKS
}
_BLOCK_KEYS = tuple(dict.fromkeys(key for key, _ in _BLOCK_BYTES.values()))


def block_reason(status: int, body: bytes) -> str | None:
    """Why an answer is a WAF or anti-bot block rather than the page, or None.

    Block pages are small 200s carrying a JavaScript challenge, or 412/418s;
    they are never a report's content and never evidence that it is gone.
    """
    if status in _BLOCK_STATUSES:
        return f"blocked: HTTP {status}"
    if status not in (200, 403) or len(body) > _BLOCK_PAGE_MAX:
        return None
    present = {key for key in _BLOCK_KEYS if key in body}
    mark = next((m for raw, (key, m) in _BLOCK_BYTES.items() if key in present and raw in body), None)
    return f"blocked: HTTP {status} challenge page ({mark})" if mark else None
