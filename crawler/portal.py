"""Portal definitions: a portal is data (one TOML file in ``crawler/portals/``), not code.

A definition names its CMS family; the family's defaults (``families.toml``)
supply every rule the portal does not override, so a new site of a known
family needs only a name, a base URL and its start pages. The files are read
with ``importlib.resources``, so they are found inside a zipped egg too (as
Scrapyd runs the project), not only on disk.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsers.pages import PageRules

PORTALS_DIR: Traversable = files("crawler") / "portals"
FAMILIES_FILE = "families.toml"
_RULE_KEYS = {f for f in PageRules.__dataclass_fields__}


class PortalError(Exception):
    """A portal definition that is missing or malformed."""


@dataclass(frozen=True)
class Portal:
    name: str
    title: str
    family: str
    base_url: str
    start: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    rules: PageRules
    region: str | None = None
    encoding: str | None = None
    agency_code: str | None = None
    year_hint: str | None = None
    min_reports: int = 0
    min_agencies: int = 0

    @property
    def start_urls(self) -> list[str]:
        return [urljoin(self.base_url, path) for path in self.start]

    def with_base_url(self, base_url: str) -> Portal:
        """The same portal pointed at a mirror or local copy: start pages and domains follow the new root."""
        if not base_url.endswith("/"):
            base_url += "/"
        host = urlsplit(base_url).hostname or ""
        return replace(self, base_url=base_url, allowed_domains=(host,))

    def agency_of(self, url: str) -> str | None:
        """The agency code a URL carries, where the portal's layout puts one in its paths."""
        match = re.search(self.agency_code, url) if self.agency_code else None
        return next((v for v in match.groupdict().values() if v), None) if match else None

    def year_of(self, url: str) -> int | None:
        match = re.search(self.year_hint, url) if self.year_hint else None
        return int(match["year"]) if match else None


def _families(directory: Traversable) -> dict[str, dict[str, Any]]:
    return tomllib.loads((directory / FAMILIES_FILE).read_text(encoding="utf-8"))


def _tuples(data: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}


def load_portal(name: str, directory: Traversable = PORTALS_DIR) -> Portal:
    path = directory / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(portal_names(directory))
        raise PortalError(f"no portal {name!r} (known: {known})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PortalError(f"{path}: {exc}") from exc
    families = _families(directory)
    family = data.get("family", "trs")
    if family not in families:
        raise PortalError(f"{path}: unknown family {family!r} (known: {', '.join(families)})")
    merged = {**families[family], **data.get("rules", {})}
    unknown = set(merged) - _RULE_KEYS
    if unknown:
        raise PortalError(f"{path}: unknown rules {', '.join(sorted(unknown))}")
    base_url = data.get("base_url", "")
    expect = data.get("expect", {})
    return Portal(
        name=name,
        title=data.get("title", name),
        family=family,
        base_url=base_url,
        start=tuple(data.get("start", ["index.html"])),
        allowed_domains=tuple(data.get("allowed_domains", [urlsplit(base_url).hostname or ""])),
        rules=PageRules(**_tuples(merged)),
        region=data.get("region"),
        encoding=data.get("encoding"),
        agency_code=data.get("agency_code"),
        year_hint=data.get("year_hint"),
        min_reports=int(expect.get("min_reports", 0)),
        min_agencies=int(expect.get("min_agencies", 0)),
    )


def portal_names(directory: Traversable = PORTALS_DIR) -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in directory.iterdir()
                  if p.name.endswith(".toml") and p.name != FAMILIES_FILE)
