"""Parsing throughput on HTML and text reports, against bare baselines run alongside.

Usage: .venv/bin/python bench/parse_bench.py [--seconds 5] [--reports 30]

Inputs come from both generators: the parser's golden fixtures
(tests/golden/make_fixtures.py) and the sample portal's independent renderer
(crawler/sample/render.py: TRS body fragments as the crawler hands them over,
and whole detail pages as ``zfxxgk parse FILE`` reads them), in the
gb-2019, gb-2021 and beijing-2008 templates, plus the five text seeds.
For each input set it prints reports/s for the full parser (read_document +
parse_report), for the parser plus ``Document.text`` (trafilatura, computed
lazily: what a caller that reads the text pays, as crawler/analysis.py does),
and for bare baselines measured in the same run on the same inputs (lxml
parse alone, trafilatura.extract alone, str.splitlines). Single process, so
the figures are per core.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "golden"))

import heldout_eval as H  # noqa: E402
import lxml.html  # noqa: E402
import make_fixtures as mf  # noqa: E402
import trafilatura  # noqa: E402

from crawler.sample import render  # noqa: E402
from parsers.documents import read_document  # noqa: E402
from parsers.report import parse_report  # noqa: E402

TARGET = 50.0


def _inputs(n: int) -> dict[str, list[bytes]]:
    templates = ["gb-2019", "gb-2021", "beijing-2008"]
    specs = [mf.random_spec(i, templates[i % 3], mf.Damage(blank_zeros=bool(i % 2))) for i in range(n)]
    cases = H.generated_cases(max(1, n // 3), seed=3)
    seeds = [p.read_bytes() for p in sorted((ROOT / "tests" / "golden").glob("seed-*/input.txt"))]
    return {
        "html fixtures": [mf.render_html(s).encode("utf-8") for s in specs],
        "html sample body": [render.render_html(c.truth, c.damage).encode("utf-8") for c in cases],
        "html sample page": [H.page_bytes(c, traditional=random.Random(c.key).random() < 0.3) for c in cases],
        "text fixtures+seeds": [mf.render_text(s).encode("utf-8") for s in specs] + seeds,
        "text sample": [render.render_text(c.truth, c.damage).encode("utf-8") for c in cases],
    }


def _rate(fn: Callable[[bytes], object], items: list[bytes], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
            done += 1
    return done / (time.perf_counter() - start)


def _parse(name: str) -> Callable[[bytes], object]:
    return lambda b: parse_report([read_document(b, filename=name)])


def _parse_and_text(name: str) -> Callable[[bytes], object]:
    def run(b: bytes) -> object:
        doc = read_document(b, filename=name)
        parse_report([doc])
        return doc.text

    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--reports", type=int, default=30)
    args = ap.parse_args()
    inputs = _inputs(args.reports)
    rows: list[tuple[str, str, float, bool]] = []
    for label, items in inputs.items():
        name = "t1.html" if label.startswith("html") else "report.txt"
        rows.append((label, "parser", _rate(_parse(name), items, args.seconds), True))
        if label.startswith("html"):
            rows.append((label, "parser + doc.text (trafilatura)", _rate(_parse_and_text(name), items, args.seconds), False))
            rows.append((label, "baseline lxml parse", _rate(lxml.html.fromstring, items, args.seconds), False))
            rows.append((label, "baseline trafilatura.extract", _rate(lambda b: trafilatura.extract(b.decode("utf-8", "replace")), items, args.seconds), False))
        else:
            rows.append((label, "baseline splitlines", _rate(lambda b: b.decode("utf-8", "replace").splitlines(), items, args.seconds), False))
    parser_rate = {label: rate for label, name, rate, gated in rows if gated}
    print("parser = read_document + parse_report; Document.text (trafilatura) is computed lazily, on first access")
    for label, name, rate, _ in rows:
        print(f"{label:20s} {name:32s} {rate:9.1f} reports/s   parser/this = {parser_rate[label] / rate:8.3f}")
    ok = all(r >= TARGET for r in parser_rate.values())
    print(f"target >= {TARGET:.0f} reports/s per core on html and text (parser): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
