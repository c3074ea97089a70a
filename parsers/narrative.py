"""Figures stated in the report's prose.

Reports say how many requests they received (共收到申请40件, 2020年我镇共受理依申请
公开政府信息40件, 收到信息公开申请总数为9件) and how much they published
(主动公开政府信息1280条). Only tight phrasings are read: a missed sentence
costs nothing, a misread one raises a false alert.
"""

from __future__ import annotations

import re

from .labels import to_simplified

_RECEIVED = re.compile(
    r"(?:收到|接到|受理|接收|收悉|新收)"
    r"(?P<what>[^，。；;,\d]{0,24}?申请[^，。；;,\d]{0,12}?|[^，。；;,\d]{0,6}?)"
    r"(?:共计|总数为|总量为|合计|共|为|是)?\s*(?P<n>\d+)\s*(?:件|个|宗|条|次)"
)
_EXCLUDED = ("复议", "诉讼", "投诉", "举报", "信访", "许可", "补贴", "救助", "结转", "办结", "答复", "提案", "建议", "来信", "热线", "咨询")
_PROACTIVE = re.compile(r"主动公开(?:政府)?信息(?:共计|总数为|共|合计)?\s*(\d+)\s*条")
_SENTENCE = re.compile(r"[^。；;\n]+")


def _flat(text: str) -> str:
    return re.sub(r"[ \t\u3000\xa0]+", "", to_simplified(text))


def stated_requests(text: str) -> list[tuple[int, str]]:
    """(count, sentence) for each sentence stating the number of requests received."""
    found = []
    for sentence in _SENTENCE.findall(_flat(text)):
        if "申请" not in sentence:
            continue
        for m in _RECEIVED.finditer(sentence):
            span = sentence[max(0, m.start() - 4) : m.end()]
            if any(w in span for w in _EXCLUDED):
                continue
            if "申请" not in m.group(0) and "申请" not in sentence[max(0, m.start() - 12) : m.start()]:
                continue
            found.append((int(m.group("n")), sentence[:120]))
            break
    return found


def stated_proactive(text: str) -> int | None:
    """The number of items published on the agency's own initiative, when stated."""
    m = _PROACTIVE.search(_flat(text))
    return int(m.group(1)) if m else None
