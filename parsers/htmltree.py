"""lxml trees of HTML pages, with every element an ``HtmlElement`` chosen in C.

lxml.html's own parsers pick each element's Python class in Python whenever an
element is touched (a quarter of the time spent reading a report's tables);
trafilatura needs ``HtmlElement``, and the special form-element classes are never used.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity)


def _parser(**options: object) -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(**options)
    parser.set_element_class_lookup(_CLASSES)
    return parser


_FRAGMENT = _parser()
_PAGE = _parser(recover=True, encoding="utf-8", huge_tree=True)


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """``lxml.html.fromstring``: a whole document, or the element(s) of a fragment."""
    return lxml.html.fromstring(html, parser=_FRAGMENT)


def parse_page(html: str) -> lxml.html.HtmlElement:
    """A page's root as parsel's ``Selector(text=html)`` makes it (UTF-8 bytes, recovering), never None."""
    root = etree.fromstring(html.strip().replace("\x00", "").encode("utf-8") or b"<html/>", parser=_PAGE)
    return root if root is not None else etree.fromstring(b"<html/>", parser=_PAGE)
