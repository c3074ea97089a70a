"""Label normalisation: make printed labels comparable across files.

Real reports print the same official label with spaces and line breaks inside
cells, full-width characters, traditional characters (big5 gateway copies that
also swap words such as 信息→資訊) and a few recurring misspellings. Matching is
done on the normalised form only; the printed form is kept in the record.
"""

from __future__ import annotations

import importlib.resources
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")


def t2s_entries(name: str) -> dict[str, str]:
    """One of OpenCC's traditional → simplified dictionaries: each entry's first candidate."""
    text = (importlib.resources.files("opencc") / "dictionary" / name).read_text(encoding="utf-8")
    return {key: value.split(" ")[0] for key, _, value in (line.partition("\t") for line in text.splitlines())}


class CharSet:
    """Whether a text holds any of a set of characters, ten times quicker than ``set.isdisjoint``.

    ``isdisjoint`` makes an object of every character of the text. A regex
    character class of the Basic Multilingual Plane's characters is a bitmap
    lookup; astral ones (CJK extension B) would turn the class into a list
    searched at every character (a class of all 4,000 took 2 ms a report), so
    they are looked for with the set, and only in a text that has an astral character.
    """

    _ASTRAL = re.compile("[\U00010000-\U0010ffff]")

    def __init__(self, chars: Iterable[str]) -> None:
        self.chars = frozenset(chars)
        bmp = sorted(c for c in self.chars if c <= "\uffff")
        self._bmp = re.compile("[" + "".join(map(re.escape, bmp)) + "]") if bmp else None

    def found_in(self, text: str) -> bool:
        if self._bmp is not None and self._bmp.search(text):
            return True
        return bool(self._ASTRAL.search(text)) and not self.chars.isdisjoint(text)


def _t2s_sources() -> CharSet:
    """Characters that some t2s entry needs: a text with none of them converts to itself.

    Every character entry's key, and every character of a phrase entry that
    changes text yet holds none of those (沈默). OpenCC's pure-Python conversion
    costs ≈ 1 ms per thousand characters, and nearly every report is printed in
    simplified characters already.
    """
    chars = set(t2s_entries("TSCharacters.txt"))
    for key, value in t2s_entries("TSPhrases.txt").items():
        if key != value and not chars.intersection(key):
            chars.update(key)
    return CharSet(chars)


_T2S_SOURCES = _t2s_sources()

# Word swaps made by the big5 gateway on top of the character conversion,
# applied after t2s (so on simplified forms).
_WORD_SWAPS = (
    ("资讯", "信息"),
    ("网路", "网络"),
    ("程式", "程序"),
)

# Misspellings and variant characters seen in real reports.
_VARIANTS = str.maketrans(
    {
        "釆": "采",  # 釆购 for 采购
        "帐": "账",
        "佈": "布",
        "裏": "里",
        "衹": "只",
        "祇": "只",
        "〇": "0",
    }
)
_WORD_VARIANTS = (
    ("其它", "其他"),
    ("部份", "部分"),
    ("申情", "申请"),
    ("行攻", "行政"),
)

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_DROP = re.compile(r"[\s\u3000\xa0\u200b\ufeff、，,。.．·:：;；\"'“”‘’()（）\[\]【】〔〕《》<>〈〉/／\\\-—–－_=+*#|]+")
_OUTLINE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]?|\(?[一二三四五六七八九十]+\)|\d{1,2}[、.．)]|\(\d{1,2}\)|[①-⑳])"
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def strip_debris(text: str) -> str:
    """Remove export debris that is not part of the printed text."""
    return _BOOKMARK.sub("", text)


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Traditional → simplified, undoing the gateway's word swaps as well."""
    if not _CJK.search(text):
        return text
    out: str = _T2S.convert(text) if _T2S_SOURCES.found_in(text) else text
    for old, new in _WORD_SWAPS:
        out = out.replace(old, new)
    return out


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """Comparable form of a label: t2s, NFKC, variants fixed, spaces and punctuation gone."""
    text = unicodedata.normalize("NFKC", strip_debris(text))
    text = to_simplified(text).translate(_VARIANTS)
    for old, new in _WORD_VARIANTS:
        text = text.replace(old, new)
    return _DROP.sub("", text)


def strip_outline(key: str) -> str:
    """Drop a leading outline number (一、 (三) 2.) from a normalised label."""
    if not key:
        return key
    raw = key
    for _ in range(2):
        key = _OUTLINE.sub("", key)
    return key or raw


@lru_cache(maxsize=8192)
def printed(text: str) -> str:
    """The label as printed, on one line: debris removed, line breaks inside a cell joined
    (cached: the same labels come back in every report of a form)."""
    lines = [ln.strip(" \t\u3000\xa0") for ln in strip_debris(text).splitlines()]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and not (_CJK.match(ln[0]) or _CJK.match(out[-1]) or ln[0] in "（(" or out[-1] in "）)"):
            out += " "
        out += ln
    return re.sub(r"[ \u3000\xa0]{2,}", " ", out)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))
