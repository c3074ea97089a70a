"""A small real archive for the browsing tests, written through archive.store.Archive.

Texts are the real reports of tests/golden (one of them converted to
traditional characters, as big5 gateway pages serve it), plus two short
reports written here: one in full-width digits and letters, one whose archived
page carries a script. Records follow docs/report-schema.md. Two crawl runs
on different days give one report a second version, for as-of pinning.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from opencc import OpenCC

import archive.store
from archive.records import AnalysedReport, Cell, DocumentSummary, FetchRecord
from archive.store import Archive

GOLDEN = Path(__file__).parent / "golden"
PORTAL = "sample"
XSS = '<script>window.__zfxxgk_pwned = 1</script><img src="x" onerror="window.__zfxxgk_pwned = 2">'
FIRST_RUN, SECOND_RUN = "2024-03-01T08:00:00+00:00", "2024-06-01T08:00:00+00:00"


def golden(prefix: str) -> str:
    return next(GOLDEN.glob(f"seed-{prefix}_*")).joinpath("input.txt").read_text(encoding="utf-8")


@dataclass
class Figures:
    """The requests and appeals figures a report states, from which record, cells and checks follow."""

    new: int
    granted: int
    partly: int
    withheld: int
    unavailable: int
    rejected: int
    other: int
    reviews: int
    litigations: int
    carried_out: int = 0
    balanced: bool = True


def record(f: Figures, template: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    handled = f.granted + f.partly + f.withheld + f.unavailable + f.rejected + f.other
    rows = {"new": f.new, "carried_in": 0, "granted": f.granted, "partly_granted": f.partly,
            "withheld_third_party": f.withheld, "unavailable_not_held": f.unavailable,
            "rejected_duplicate": f.rejected, "other": f.other, "handled_total": handled,
            "carried_out": f.carried_out}
    requests = {row: {"natural_person": n, "total": n} for row, n in rows.items()}
    appeals = {"review": {"upheld": f.reviews, "total": f.reviews},
               "litigation_direct": {"upheld": f.litigations, "total": f.litigations},
               "litigation_after_review": {"total": 0}}
    summary = {"requests_new": f.new, "requests_handled": handled, "granted": f.granted,
               "partly_granted": f.partly, "reviews": f.reviews, "litigations": f.litigations}
    cells = [Cell("requests", row, col, float(n), "件", document=0, tbl=1, cell_row=i + 2, cell_col=j + 1)
             for i, (row, cols) in enumerate(requests.items()) for j, (col, n) in enumerate(cols.items())]
    cells += [Cell("summary", k, "value", float(v)) for k, v in summary.items()]
    ok = f.balanced and f.new == handled + f.carried_out
    checks = [{"rule": "requests_balance", "ok": int(ok),
               "detail": "" if ok else f"新收 {f.new} ≠ 办结 {handled} + 结转 {f.carried_out}"},
              {"rule": "appeals_totals", "ok": 1, "detail": ""}]
    rec = {"template": template, "requests": requests, "appeals": appeals, "summary": summary,
           "checks": checks, "status": "parsed"}
    return rec, cells, checks


@dataclass
class Doc:
    key: str
    agency: str
    region: str
    year: int
    text: str
    figures: Figures
    template: str = "gb-2019"
    html_extra: str = ""

    @property
    def url(self) -> str:
        return f"http://portal.example/{self.key}/{self.year}/report.html"

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


def xiluoyuan_2021() -> str:
    return ("北京市丰台区人民政府西罗园街道办事处2021年政府信息公开工作年度报告\n一、总体情况\n"
            "2021年，西罗园街道按照国办公开办函〔2021〕30号的格式编制本报告。全年共收到政府信息公开申请5件，"
            "均已按时答复。本年度未发生行政复议案件。\n二、主动公开政府信息情况\n本年制发件数 0\n")


def lugouqiao_2021() -> str:
    return ("北京市丰台区卢沟桥街道办事处２０２１年政府信息公开工作年度报告\n"
            "一、总体情况\n２０２１年度共收到政府信息公开申请１２件，ＡＢＣ１２３号文件已全文公开。"
            "街道通过政务新媒体发布信息２００条。\n")


def documents() -> list[Doc]:
    s2t = OpenCC("s2t")
    return [
        Doc("xiluoyuan", "北京市丰台区人民政府西罗园街道办事处", "丰台区", 2019, golden("000"),
            Figures(3, 2, 1, 0, 0, 0, 0, 0, 1)),
        Doc("xiluoyuan", "北京市丰台区人民政府西罗园街道办事处", "丰台区", 2021, xiluoyuan_2021(),
            Figures(5, 3, 1, 1, 0, 0, 0, 0, 0), template="gb-2021"),
        Doc("lugouqiao", "北京市丰台区卢沟桥街道办事处", "丰台区", 2021, lugouqiao_2021(),
            Figures(12, 6, 2, 1, 2, 1, 0, 1, 0), template="gb-2021"),
        Doc("jianguomen", "北京市东城区人民政府建国门街道办事处", "东城区", 2018, golden("001"),
            Figures(20, 10, 5, 2, 2, 1, 0, 1, 1), template="beijing-2008"),
        Doc("jianguomen", "北京市东城区人民政府建国门街道办事处", "东城区", 2019,
            golden("001").replace("2018", "2019"), Figures(30, 20, 4, 2, 2, 1, 1, 2, 1)),
        Doc("xianfenglu", "咸丰路街道办事处", "红桥区", 2019, golden("002"), Figures(8, 4, 2, 1, 1, 0, 0, 0, 0)),
        Doc("xihongmen", "北京市大兴区西红门镇人民政府", "大兴区", 2020, s2t.convert(golden("003")),
            Figures(6, 3, 1, 1, 1, 0, 0, 1, 0)),
        Doc("shichahai", "北京市西城区什刹海街道", "西城区", 2024, golden("004") + "\n" + XSS,
            Figures(9, 5, 1, 1, 1, 0, 1, 0, 1), template="gb-2021", html_extra=XSS),
    ]


# The second crawl finds 建国门 2019 corrected: more granted than handled, so its balance check fails.
CORRECTED = Figures(30, 22, 4, 2, 2, 1, 1, 2, 1, balanced=False)


def page_html(doc: Doc) -> bytes:
    return (f"<html><head><title>{doc.title}</title></head><body><h1>{doc.title}</h1>"
            f"<div class=\"content\">{doc.text}</div>{doc.html_extra}</body></html>").encode("utf-8")


def analysed(doc: Doc, stamp: str, figures: Figures | None = None) -> tuple[AnalysedReport, FetchRecord]:
    body = page_html(doc) if figures is None else page_html(doc) + b"<!-- corrected -->"
    rec, cells, checks = record(figures or doc.figures, doc.template)
    sha = hashlib.sha256(body).hexdigest()
    text = doc.text if figures is None else doc.text + "\n（更正）"
    fetch = FetchRecord(url=doc.url, role="page", status=200, fetched_at=stamp, final_url=doc.url, body=body,
                        content_type="text/html; charset=utf-8", bytes=len(body))
    report = AnalysedReport(
        portal=PORTAL, url=doc.url, list_url=f"http://portal.example/{doc.key}/list.html", agency=doc.agency,
        agency_code=doc.key, region=doc.region, year=doc.year, title=doc.title, published=f"{doc.year + 1}-03-31",
        template=doc.template, status="parsed", text=text,
        content_hash=hashlib.sha256((text + repr(cells)).encode("utf-8")).hexdigest(),
        parser_version="test", record=json.dumps(rec, ensure_ascii=False), cells=cells, checks=checks,
        documents=[DocumentSummary(url=doc.url, role="page", status=200, sha256=sha, kind="html")])
    return report, fetch


def crawl(path: Path, stamp: str, docs: list[Doc], corrected: set[str]) -> None:
    """One crawl run at ``stamp`` storing ``docs``; keys in ``corrected`` carry CORRECTED figures."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(archive.store, "now", lambda: stamp)
        store = Archive(path)
        store.start_run(PORTAL, "http://portal.example/")
        for doc in docs:
            report, fetch = analysed(doc, stamp, CORRECTED if f"{doc.key}-{doc.year}" in corrected else None)
            store.record_fetch(fetch)
            store.store_report(report)
        store.finish_run("finished", {})
        store.close()


def build(path: Path) -> Path:
    """The fixture archive: every report on 2024-03-01, and on 2024-06-01 a corrected 建国门 2019."""
    docs = documents()
    crawl(path, FIRST_RUN, docs, set())
    crawl(path, SECOND_RUN, docs, {"jianguomen-2019"})
    return path
