"""A big TRS portal for benchmarks: N reports (≈30 KB pages) under paginated list pages.

``build_bulk(tmp, 2000)`` writes ``tmp/site`` (with a manifest carrying the
dates the server needs) and returns it; serve it with ``SampleServer(root=...)``.
Nothing is committed: it is made in a temporary folder when a benchmark runs.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from .catalog import Entry
from .chrome import CURRENT_FURNITURE
from .manifest import Figures, Manifest, ReportRecord
from .narrative import WORK_SENTENCES
from .pages import Item, detail_page, list_page
from .render import render_html
from .variants import make_report, template_for

DISTRICTS = ("东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区", "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区")
BODIES = ("发展和改革委员会", "教育委员会", "科学技术委员会", "民政局", "司法局", "财政局", "人力资源和社会保障局", "生态环境局", "住房和城乡建设委员会", "城市管理委员会", "交通委员会", "水务局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "市场监督管理局", "统计局", "医疗保障局", "信访办")
ROOT = "/gongkai/zfxxgk/gknb/"


# Street offices: past 320 agencies × 10 years, the next reports come from bodies of these,
# so every report is a distinct agency and year (a benchmark of N reports archives N reports).
STREETS = ("东华门街道", "景山街道", "交道口街道", "安定门街道", "北新桥街道", "东四街道", "朝阳门街道", "建国门街道")


def bulk_entry(n: int) -> Entry:
    per_round = len(DISTRICTS) * len(BODIES) * 10
    district, body = DISTRICTS[n % len(DISTRICTS)], BODIES[(n // len(DISTRICTS)) % len(BODIES)]
    year = 2015 + (n // (len(DISTRICTS) * len(BODIES))) % 10
    street = STREETS[(n // per_round - 1) % len(STREETS)] if n >= per_round else ""
    agency = n % (len(DISTRICTS) * len(BODIES)) + (n // per_round) * len(DISTRICTS) * len(BODIES)
    day = 1 + n % 28
    return Entry(f"bulk-{n}", "beijing", f"北京市{district}{street}{body}", f"北京市{district}", f"b{agency}", year,
                 f"{year + 1}-01-{day:02d}", 5000000 + n)


def build_bulk(out: Path, n: int = 2000, per_page: int = 20) -> Path:
    """Write an ``n``-report portal into ``out/site``; return that folder."""
    site = Path(out) / "site"
    f = CURRENT_FURNITURE
    entries = sorted((bulk_entry(i) for i in range(n)), key=lambda e: (e.published, e.key), reverse=True)
    records, dates = [], {}
    for entry in entries:
        rng = random.Random(entry.key)
        report = make_report(entry.agency, entry.region or "", entry.year, template_for(entry.year), rng, published=entry.published)
        report.narrative.lead.extend(_padding(rng))
        path = entry.page_path()
        _write(site, path, detail_page(entry, report.title or "", render_html(report), f, path).encode())
        dates[path] = entry.published
        figures = Figures(report.summary.get("requests_new"), report.summary.get("requests_handled"))
        records.append(ReportRecord(entry.key, entry.agency, entry.region, entry.code, "beijing", entry.year, report.template, report.title or "", entry.published, "html", [path], [], "", figures))
    pages = -(-n // per_page)
    lists = []
    for p in range(pages):
        path = f"{ROOT}index{'_' + str(p) if p else ''}.html"
        chunk = records[p * per_page : (p + 1) * per_page]
        for record in chunk:
            record.list_page = path
        items = [Item(r.pages[0], r.title, r.published) for r in chunk]
        _write(site, path, list_page("beijing", "政府信息公开年报", items, path, pages, p, f, ROOT).encode())
        dates[path] = chunk[0].published if chunk else "2025-01-20"
        lists.append(path)
    (site / "manifest.json").write_text(Manifest("bulk", records, {"beijing": lists}, dates).to_json(), encoding="utf-8")
    return site


def _padding(rng: random.Random, paragraphs: int = 7) -> list[str]:
    """Longer prose, so a page weighs what a real report page does (about 30 KB)."""
    return ["；".join(rng.sample(WORK_SENTENCES, len(WORK_SENTENCES))) + "。" for _ in range(paragraphs)]


def _write(site: Path, path: str, data: bytes) -> None:
    target = site / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write an N-report TRS portal for benchmarks.")
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=2000)
    args = parser.parse_args(argv)
    site = build_bulk(args.out, args.n)
    print(f"{args.n} reports in {site}")


if __name__ == "__main__":
    main()
