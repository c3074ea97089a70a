"""Faults the sample server can inject, so the crawler's robustness is tested on real sockets.

A :class:`Fault` hits the first ``times`` requests for a path (or glob), then
the path serves normally, so a later crawl succeeds. ``faults="all"`` applies
one of each kind to the pages of the fault column ``/faults/index.html``,
which exists only when faults are on.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Mapping
from dataclasses import dataclass

KINDS = ("500", "429", "slow", "reset", "truncated", "redirect_loop", "wrong_charset", "not_zip_docx", "huge", "waf", "403", "412")
FAULT_ROOT = "/faults/"


@dataclass(frozen=True)
class Fault:
    """``delay``: seconds a slow answer waits, or the Retry-After of a 429; ``size``: bytes of a huge file."""

    kind: str
    times: int = 1
    delay: float = 0.0
    size: int = 300 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(KINDS)}")


def fault_page(kind: str) -> str:
    """The fault column's detail page for a kind (its attachment for the attachment faults)."""
    return f"{FAULT_ROOT}{kind}/t20250115_9{KINDS.index(kind):05d}.html"


def fault_attachment(kind: str) -> str:
    ext = "docx" if kind == "not_zip_docx" else "pdf"
    return f"{FAULT_ROOT}{kind}/P020250115900000{KINDS.index(kind):06d}.{ext}"


def preset_all() -> dict[str, Fault]:
    """One fault of each kind, on the fault column's pages."""
    plan = {}
    for kind in KINDS:
        target = fault_attachment(kind) if kind in ("not_zip_docx", "huge") else fault_page(kind)
        # A reset on a reused keep-alive connection is retried once by Twisted itself, unseen by
        # the crawler: a second reset makes sure the crawler meets (and logs) one.
        times = {"redirect_loop": 30, "403": 3, "412": 3, "500": 2, "reset": 2}.get(kind, 1)
        delay = {"slow": 2.5, "429": 1.0}.get(kind, 0.0)
        plan[target] = Fault(kind, times=times, delay=delay)
    return plan


FaultSpec = Fault | str | Mapping[str, object]


def parse_faults(spec: str | Mapping[str, FaultSpec] | None) -> dict[str, Fault]:
    """``"all"``, ``None``, or a mapping of path/glob to a Fault, a kind name, or Fault's fields."""
    if spec is None:
        return {}
    if spec == "all":
        return preset_all()
    if isinstance(spec, str):
        raise TypeError(f"faults must be 'all', None or a mapping, not {spec!r}")
    out = {}
    for pattern, value in spec.items():
        if isinstance(value, Fault):
            out[pattern] = value
        elif isinstance(value, str):
            out[pattern] = Fault(value)
        else:
            out[pattern] = Fault(**value)  # type: ignore[arg-type]
    return out


class FaultPlan:
    """Thread-safe: which fault, if any, the next request for a path meets."""

    def __init__(self, faults: dict[str, Fault]) -> None:
        self.faults = faults
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    @property
    def active(self) -> bool:
        return bool(self.faults)

    def take(self, path: str) -> Fault | None:
        with self.lock:
            for pattern, fault in self.faults.items():
                if pattern == path or fnmatch.fnmatchcase(path, pattern):
                    used = self.hits.get(pattern, 0)
                    if used >= fault.times:
                        return None
                    self.hits[pattern] = used + 1
                    return fault
        return None


WAF_PAGES = (
    # Alibaba Cloud WAF: a script computes the acw_sc__v2 cookie, then reloads.
    (
        '<html><script>\nvar arg1="3D5F6A2C9E8B1D7F0A4C6E8B2D1F3A5C7E9B0D2F";\n'
        "var _0x4818=['\\x63\\x6f\\x6f\\x6b\\x69\\x65','\\x72\\x65\\x6c\\x6f\\x61\\x64'];\n"
        "function setCookie(name,value){var expiredate=new Date();expiredate.setTime(expiredate.getTime()+(3600*1000));"
        'document.cookie=name+"="+value+";expires="+expiredate.toGMTString()+";max-age=3600;path=/";}\n'
        'function reload(x){setCookie("acw_sc__v2",x);document.location.reload();}\n</script></html>\n'
    ),
    # 知道创宇 (创宇盾) challenge page.
    (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>创宇盾</title></head><body>'
        '<div class="main"><p>当前访问疑似黑客攻击，已被创宇盾拦截。</p></div>'
        "<script>window.onload=function(){var t=setTimeout(function(){location.reload()},1500);};"
        'document.cookie="__jsluid_s=9e1c6a2b0f7d4e8a;path=/";</script></body></html>\n'
    ),
)
