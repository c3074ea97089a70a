"""Navigation of the sample: column lists, Dongcheng's year folders, legacy lists, home, robots.

Lists are newest first, as the portals sort them. The municipal column's
second page also links a report under ``/private/`` that robots.txt disallows.
"""

from __future__ import annotations

from collections import defaultdict

from . import catalog as K
from .catalog import PORTALS, Entry
from .chrome import FAULTS_LINK, Furniture, esc, generic_page, legacy_page
from .manifest import ReportRecord
from .pages import SITES, Item, detail_page, folder_index, legacy_list, list_page, rel

DEFAULT_DATE = "2025-01-20"
DC_KINDS = (("dcqzf", "区政府"), ("dcqzfbm", "区政府部门"), ("dcqjd", "街道"))


def list_files(entries: list[Entry], records: list[ReportRecord], f: Furniture) -> tuple[dict[str, bytes], dict[str, list[str]], dict[str, str]]:
    """Every navigation page; fills each record's ``list_page``."""
    by_folder: dict[str, list[tuple[Entry, ReportRecord]]] = defaultdict(list)
    for entry, record in zip(entries, records):
        by_folder[entry.folder()].append((entry, record))
    for group in by_folder.values():
        group.sort(key=lambda pair: (pair[0].published, pair[0].key), reverse=True)
    files: dict[str, str] = {}
    lists: dict[str, list[str]] = defaultdict(list)
    for portal in ("beijing", "fgw", "zdb", "generic"):
        _column(portal, by_folder.get(PORTALS[portal].root, []), f, files, lists)
    _dongcheng(entries, by_folder, f, files, lists)
    _legacy(by_folder, f, files, lists)
    files.update(_site_pages(f))
    dates = _dates(files, by_folder)
    return {p: s.encode("utf-8") for p, s in files.items()}, dict(lists), dates


def _item(entry: Entry, record: ReportRecord) -> Item:
    return Item(record.pages[0], record.title, entry.published)


def _column(portal: str, group: list[tuple[Entry, ReportRecord]], f: Furniture, files: dict[str, str], lists) -> None:
    root, ext = PORTALS[portal].root, PORTALS[portal].ext
    size = PORTALS[portal].page_size
    chunks = [group[i : i + size] for i in range(0, len(group), size)] or [[]]
    heading = "政府信息公开年报" if portal != "zdb" else "政府信息公开年度报告"
    for n, chunk in enumerate(chunks):
        path = f"{root}index{'_' + str(n) if n else ''}.{ext}"
        items = [_item(e, r) for e, r in chunk]
        if portal == "beijing" and n == 1:
            items.insert(1, Item(K.PRIVATE_PATH, "北京市人民政府办公厅2024年政府信息公开工作年度报告（送审稿）", K.PRIVATE.published))
        for _, record in chunk:
            record.list_page = path
        files[path] = list_page(portal, heading, items, path, len(chunks), n, f, root)
        lists[portal].append(path)


def _dongcheng(entries: list[Entry], by_folder, f: Furniture, files: dict[str, str], lists) -> None:
    root = PORTALS["dongcheng"].root
    years = sorted({e.year for e in entries if e.portal == "dongcheng"} | set(range(2018, 2025)))
    year_links = [(f"{y}年政府信息公开工作年度报告", f"{root}{y}nb/index.html") for y in reversed(years)]
    files[f"{root}index.html"] = folder_index("政府信息公开年度报告", year_links, f"{root}index.html", f)
    lists["dongcheng"].append(f"{root}index.html")
    for year in years:
        index = f"{root}{year}nb/index.html"
        subs = [(f"{year}年{label}", f"{root}{year}nb/{kind}{year}/index.html") for kind, label in DC_KINDS]
        files[index] = folder_index(f"{year}年政府信息公开工作年度报告", subs, index, f)
        lists["dongcheng"].append(index)
        for (kind, label), (_, path) in zip(DC_KINDS, subs):
            group = by_folder.get(f"{root}{year}nb/{kind}{year}/", [])
            for _, record in group:
                record.list_page = path
            items = [_item(e, r) for e, r in group]
            files[path] = list_page("dongcheng", f"{year}年{label}政府信息公开工作年度报告", items, path, 1, 0, f, path)
            lists["dongcheng"].append(path)


def _legacy(by_folder, f: Furniture, files: dict[str, str], lists) -> None:
    agencies = []
    for folder, group in sorted(by_folder.items()):
        entry = group[0][0]
        if entry.portal != "legacy":
            continue
        path = f"{folder}list.shtml"
        for _, record in group:
            record.list_page = path
        files[path] = legacy_list(entry.agency, [_item(e, r) for e, r in group], path, f)
        lists["legacy"].append(path)
        agencies.append((entry.agency, path))
    rows = "".join(f'<li><a href="{href}" target="_blank">{esc(name)}</a></li>' for name, href in agencies)
    body = f'<div class="dir"><h3>政府信息公开年报目录</h3><ul class="dir_list">{rows}</ul></div>'
    files["/zfxxgk/dir.shtml"] = legacy_page("北京市政府信息公开专栏_目录", f, body, "信息公开目录")
    lists["legacy"].insert(0, "/zfxxgk/dir.shtml")


def _site_pages(f: Furniture) -> dict[str, str]:
    links = [
        ("北京市人民政府 政府信息公开年报", "/gongkai/zfxxgk/gknb/index.html"),
        ("北京市发展和改革委员会 年报", "/fgw/fgwzwgk/zfxxgk/zfxxgknb/index.htm"),
        ("北京市政务服务和数据管理局 年报", "/zdb/zfxxgk/zfxxgkzl/nb/index.html"),
        ("北京市东城区 政府信息公开年度报告", "/zfxxgkzl/zfxxgknb/index.html"),
        ("北京市政府信息公开专栏（旧版）", "/zfxxgk/dir.shtml"),
        ("咸丰路街道 政府信息公开年报", "/xxgk/gknb/index.html"),
    ]
    rows = "".join(f'<li><a href="{rel(href, "/index.html")}">{esc(label)}</a></li>' for label, href in links)
    home = generic_page("政府信息公开年度报告样例门户", f, f'<ul class="portals">{rows}{FAULTS_LINK}</ul>', SITES["beijing"])
    private = detail_page(K.PRIVATE, "北京市人民政府办公厅2024年政府信息公开工作年度报告（送审稿）", "<p>内部送审稿，不对外公开。</p>", f, K.PRIVATE_PATH)
    return {"/index.html": home, "/robots.txt": "User-agent: *\nDisallow: /private/\n", K.PRIVATE_PATH: private}


def _dates(files: dict[str, str], by_folder) -> dict[str, str]:
    """A list page is as new as the newest report under its folder; other pages, the newest of all."""
    entries = [e for group in by_folder.values() for e, _ in group]
    newest = max((e.published for e in entries), default=DEFAULT_DATE)
    dates = {}
    for path in files:
        folder = path.rsplit("/", 1)[0] + "/"
        under = [e.published for e in entries if e.folder().startswith(folder)] if folder != "/" else []
        dates[path] = max(under, default=newest)
    dates[K.PRIVATE_PATH] = K.PRIVATE.published
    return dates
