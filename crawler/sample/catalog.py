"""Which reports the sample portal publishes, where, and in what form.

One :class:`Entry` per published report. Paths follow the real portals (see
``docs/portal-notes.md``): TRS columns name details ``YYYYMM/tYYYYMMDD_N.html``
after the publication date (never the report year), Dongcheng files a report
under the folder of its report year, the legacy zfxxgk site uses
``YYYY-MM/DD/content_<hex>.shtml``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from .damage import CLEAN, HEAVY, Damage
from .variants import template_for


@dataclass(frozen=True)
class Portal:
    """A column (or site) of the sample: its list path and how its detail pages are named."""

    name: str
    root: str  # column folder, with trailing slash
    ext: str = "html"
    page_size: int = 10
    host: str = ""


PORTALS = {
    "beijing": Portal("beijing", "/gongkai/zfxxgk/gknb/", page_size=4, host="www.beijing.gov.cn"),
    "fgw": Portal("fgw", "/fgw/fgwzwgk/zfxxgk/zfxxgknb/", ext="htm", host="fgw.beijing.gov.cn"),
    "zdb": Portal("zdb", "/zdb/zfxxgk/zfxxgkzl/nb/", host="zdb.beijing.gov.cn"),
    "dongcheng": Portal("dongcheng", "/zfxxgkzl/zfxxgknb/", host="www.bjdch.gov.cn"),
    "legacy": Portal("legacy", "/", ext="shtml", host="zfxxgk.beijing.gov.cn"),
    "generic": Portal("generic", "/xxgk/gknb/", host="www.xfljd.gov.cn"),
}


@dataclass(frozen=True)
class Entry:
    """One published report. ``code`` narrows a crawl: TRS sub-column or legacy agency code."""

    key: str
    portal: str
    agency: str
    region: str | None
    code: str
    year: int
    published: str  # YYYY-MM-DD, the date the page shows
    doc_id: int = 0
    form: str = "html"  # html | docx | pdf | doc | split
    template: str | None = None
    seed: str | None = None
    damage: Damage = CLEAN
    twin: bool = False
    gbk: bool = False
    inconsistent: str | None = None

    @property
    def layout(self) -> str:
        return self.template or template_for(self.year)

    @property
    def stamp(self) -> str:
        return self.published.replace("-", "")

    @property
    def hex(self) -> str:
        return hashlib.md5(self.key.encode()).hexdigest()

    def page_path(self, page: int = 0) -> str:
        """Path of the detail page (``page`` > 0: continuation pages of a split report)."""
        suffix = f"_{page}" if page else ""
        if self.portal == "legacy":
            y, m, d = self.published.split("-")
            return f"/{self.code}/zfxxgknb/{y}-{m}/{d}/content_{self.hex}{suffix}.shtml"
        portal = PORTALS[self.portal]
        return f"{self.folder()}{self.stamp[:6]}/t{self.stamp}_{self.doc_id}{suffix}.{portal.ext}"

    def folder(self) -> str:
        """The list folder the report belongs to."""
        if self.portal == "dongcheng":
            return f"{PORTALS['dongcheng'].root}{self.year}nb/{self.code}{self.year}/"
        if self.portal == "legacy":
            return f"/{self.code}/zfxxgknb/"
        return PORTALS[self.portal].root

    def attachment_path(self) -> str | None:
        if self.form not in ("docx", "pdf", "doc"):
            return None
        if self.portal == "legacy":
            y, m, d = self.published.split("-")
            other = hashlib.md5(f"{self.key}/file".encode()).hexdigest()
            return f"/{self.code}/zfxxgknb/{y}-{m}/{d}/{self.hex}/files/{other}.{self.form}"
        serial = int(self.hex[:12], 16) % 10**12
        return f"{self.folder()}{self.stamp[:6]}/P0{self.stamp}{serial:012d}.{self.form}"

    def twin_path(self) -> str | None:
        if not self.twin:
            return None
        return f"/gate/big5/{PORTALS[self.portal].host}{self.page_path()}"


BJ, DC = "北京市", "北京市东城区"
BGT, TJJ = "北京市人民政府办公厅", "北京市统计局"
FGW, ZDB = "北京市发展和改革委员会", "北京市政务服务和数据管理局"
DCQ, DCJW, DHM = "北京市东城区人民政府", "北京市东城区教育委员会", "北京市东城区东华门街道办事处"
JGM = "北京市东城区人民政府建国门街道办事处"
XLY = "北京市丰台区人民政府西罗园街道办事处"
XFL = "咸丰路街道办事处"


def _bj(key, agency, code, year, published, doc_id, **kw) -> Entry:
    return Entry(key, "beijing", agency, BJ, code, year, published, doc_id, **kw)


CURRENT: tuple[Entry, ...] = (
    _bj("bj-bgt-2015", BGT, "bgt", 2015, "2016-03-25", 1126401),
    _bj("bj-bgt-2017", BGT, "bgt", 2017, "2018-03-28", 1526733, damage=Damage(fullwidth_spaces=True)),
    _bj("bj-bgt-2019", BGT, "bgt", 2019, "2020-01-21", 1836112),
    _bj("bj-bgt-2021", BGT, "bgt", 2021, "2022-01-19", 2617304, damage=Damage(blank_zeros=True, goback=True)),
    _bj("bj-bgt-2023", BGT, "bgt", 2023, "2024-01-17", 3509876, twin=True),
    _bj("bj-tjj-2016", TJJ, "tjj", 2016, "2017-03-30", 1321045),
    _bj("bj-tjj-2018", TJJ, "tjj", 2018, "2019-01-31", 123456, form="split"),
    _bj("bj-tjj-2022", TJJ, "tjj", 2022, "2023-01-16", 3307722, form="pdf"),
    _bj("bj-tjj-2023", TJJ, "tjj", 2023, "2024-01-18", 3512345, form="docx"),
    _bj("bj-xhm-2020", "北京市大兴区西红门镇人民政府", "dxq", 2020, "2021-01-26", 2230198, seed="003_8e92e5233c244faa", form="docx"),
    _bj("bj-shh-2024", "北京市西城区什刹海街道", "xcq", 2024, "2025-01-17", 3901288, seed="004_86514a3b0928ab2f"),
    Entry("fgw-2021", "fgw", FGW, BJ, "fgw", 2021, "2022-01-20", 2618870, damage=Damage(spaced_labels=True, signed_changes=True)),
    Entry("fgw-2022", "fgw", FGW, BJ, "fgw", 2022, "2023-01-18", 3309001, form="pdf"),
    Entry("fgw-2023", "fgw", FGW, BJ, "fgw", 2023, "2024-01-16", 3500000),
    Entry("zdb-2022", "zdb", ZDB, BJ, "zdb", 2022, "2023-01-19", 3310456),
    Entry("zdb-2023", "zdb", ZDB, BJ, "zdb", 2023, "2024-01-19", 3513370, form="docx", damage=HEAVY),
    Entry("zdb-2024", "zdb", ZDB, BJ, "zdb", 2024, "2025-01-20", 3902231),
    Entry("dc-qzf-2018", "dongcheng", DCQ, DC, "dcqzf", 2018, "2023-04-18", 4122015),
    Entry("dc-qzf-2019", "dongcheng", DCQ, DC, "dcqzf", 2019, "2020-03-27", 4100331),
    Entry("dc-qzf-2021", "dongcheng", DCQ, DC, "dcqzf", 2021, "2022-03-30", 4110459),
    Entry("dc-qzf-2024", "dongcheng", DCQ, DC, "dcqzf", 2024, "2025-03-28", 4130872),
    Entry("dc-jw-2020", "dongcheng", DCJW, DC, "dcqzfbm", 2020, "2022-06-10", 4114502, template="gb-2019"),
    Entry("dc-jw-2022", "dongcheng", DCJW, DC, "dcqzfbm", 2022, "2023-01-29", 4120112, damage=Damage(blank_total=True)),
    Entry("dc-dhm-2019", "dongcheng", DHM, DC, "dcqjd", 2019, "2020-01-15", 4100127, gbk=True),
    Entry("dc-dhm-2023", "dongcheng", DHM, DC, "dcqjd", 2023, "2024-01-22", 4125530, inconsistent="requests_balance"),
    Entry("lg-jgm-2016", "legacy", JGM, DC, "dcq11A047", 2016, "2017-03-24"),
    Entry("lg-jgm-2017", "legacy", JGM, DC, "dcq11A047", 2017, "2018-03-23", damage=Damage(fullwidth_spaces=True)),
    Entry("lg-jgm-2018", "legacy", JGM, DC, "dcq11A047", 2018, "2019-03-29", form="doc", seed="001_cd2bc9b6f9130266"),
    Entry("lg-xly-2017", "legacy", XLY, "北京市丰台区", "ftq11GJ03", 2017, "2018-03-26"),
    Entry("lg-xly-2019", "legacy", XLY, "北京市丰台区", "ftq11GJ03", 2019, "2020-01-21", form="doc", seed="000_e0962b715bf85ce8"),
    Entry("gen-xfl-2019", "generic", XFL, None, "gknb", 2019, "2020-01-13", 11871, seed="002_619ff23674f91ae2"),
    Entry("gen-xfl-2021", "generic", XFL, None, "gknb", 2021, "2022-01-14", 15523, damage=Damage(variant_chars=True, amount_unit="元")),
    Entry("gen-xfl-2022", "generic", XFL, None, "gknb", 2022, "2023-01-12", 17106, inconsistent="narrative_matches_table"),
)

# Linked from the municipal list's second page, under a path robots.txt disallows.
PRIVATE = _bj("private-draft", BGT, "bgt", 2024, "2025-01-10", 3900001)
PRIVATE_PATH = "/private/gknb/t20250110_3900001.html"

# Next year's state: who stays silent, what changes.
SILENT_AGENCY = DCJW
EDITED, REMOVED, MOVED = "fgw-2023", "zdb-2022", "dc-qzf-2021"
MOVED_ID = 4110999
NEXT_INCONSISTENT = ("dc-dhm-2025", "requests_columns")


def next_year_entries() -> tuple[Entry, ...]:
    """The 2025 reports published in January 2026: one per agency but the silent one."""
    latest: dict[str, Entry] = {}
    for e in CURRENT:
        latest[e.agency] = e
    out = []
    for n, e in enumerate(sorted(latest.values(), key=lambda e: e.key)):
        if e.agency == SILENT_AGENCY:
            continue
        key = e.key.rsplit("-", 1)[0] + "-2025"
        day = 12 + n % 9
        bad = NEXT_INCONSISTENT[1] if key == NEXT_INCONSISTENT[0] else None
        doc_id = 4300000 + n * 37 if e.portal != "legacy" else 0
        out.append(replace(e, key=key, year=2025, published=f"2026-01-{day:02d}", doc_id=doc_id, form="html", template=None, seed=None, damage=CLEAN, twin=False, gbk=False, inconsistent=bad))
    return tuple(out)
