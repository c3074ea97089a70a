"""Parsing throughput on HTML and text reports, against a bare baseline run alongside.

Usage: .venv/bin/python bench/parse_bench.py [--seconds 5]

Reports are generated (tests/golden/make_fixtures.py) in the gb-2019, gb-2021
and beijing-2008 templates, plus the text seeds. For each form it prints
reports/s for the full parser (read_document + parse_report) and for a bare
baseline measured in the same run on the same inputs (lxml parse alone for
HTML, trafilatura.extract alone for HTML, str.splitlines for text), and the
ratio. Single process, so the figures are per core.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "golden"))

import lxml.html  # noqa: E402
import make_fixtures as mf  # noqa: E402
import trafilatura  # noqa: E402

from parsers.documents import read_document  # noqa: E402
from parsers.report import parse_report  # noqa: E402


def _inputs(n: int) -> tuple[list[bytes], list[bytes]]:
    templates = ["gb-2019", "gb-2021", "beijing-2008"]
    specs = [mf.random_spec(i, templates[i % 3], mf.Damage(blank_zeros=bool(i % 2))) for i in range(n)]
    html = [mf.render_html(s).encode("utf-8") for s in specs]
    text = [mf.render_text(s).encode("utf-8") for s in specs]
    text += [p.read_bytes() for p in sorted((ROOT / "tests" / "golden").glob("seed-*/input.txt"))]
    return html, text


def _rate(fn: Callable[[bytes], object], items: list[bytes], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
            done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    html, text = _inputs(30)
    rows = [
        ("html", "parser", _rate(lambda b: parse_report([read_document(b, filename="r.html")]), html, args.seconds)),
        ("html", "parser + doc.text (trafilatura)", _rate(lambda b: read_document(b, filename="r.html").text, html, args.seconds)),
        ("html", "baseline lxml parse", _rate(lambda b: lxml.html.fromstring(b), html, args.seconds)),
        ("html", "baseline trafilatura.extract", _rate(lambda b: trafilatura.extract(b.decode()), html, args.seconds)),
        ("text", "parser", _rate(lambda b: parse_report([read_document(b, filename="r.txt")]), text, args.seconds)),
        ("text", "baseline splitlines", _rate(lambda b: b.decode().splitlines(), text, args.seconds)),
    ]
    parser_rate = {form: r for form, name, r in rows if name == "parser"}
    print("parser = read_document + parse_report; Document.text (trafilatura) is computed lazily, on first access")
    for form, name, rate in rows:
        ratio = parser_rate[form] / rate
        print(f"{form:5s} {name:30s} {rate:10.1f} reports/s   parser/this = {ratio:8.3f}")
    ok = all(r >= 50 for r in parser_rate.values())
    print(f"target >= 50 reports/s per core on html and text: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
