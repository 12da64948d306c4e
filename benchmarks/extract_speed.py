"""Speed (and a rough recall check) of extract_schemaorg against extruct.

    .venv/bin/python benchmarks/extract_speed.py [CORPUS_DIR]

Pages: tests/fixtures/schemaorg/*.html plus every jsonld / microdata / rdfa file listed in
CORPUS_DIR/manifest.json (default: ../shared/corpus relative to the repo root; the corpus
part is skipped with a message when it is absent).  Each page is timed with
extract_schemaorg(html, url) and with extruct.extract(html, url, syntaxes=[json-ld,
microdata, rdfa]); for microdata / RDFa pages also our DOM reader alone against extruct's
MicrodataExtractor / RDFaExtractor.  Then, per kind, how many manifest `expected` events
have an extracted event with the same title (entity/whitespace-normalized, case-insensitive)
and the same date part of the start.
"""

from __future__ import annotations

import html
import json
import re
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import extruct  # noqa: E402
from extruct.rdfa import RDFaExtractor  # noqa: E402
from extruct.w3cmicrodata import MicrodataExtractor  # noqa: E402

from eventhound.extractors import schemaorg  # noqa: E402
from eventhound.extractors.schemaorg import extract_schemaorg  # noqa: E402

KINDS = ("jsonld", "microdata", "rdfa")
SYNTAXES = ["json-ld", "microdata", "rdfa"]
MIN_SECONDS = 0.15
MIN_RUNS = 3


def per_call_ms(fn, *args) -> float:
    fn(*args)  # warm up
    runs, start = 0, time.perf_counter()
    while True:
        fn(*args)
        runs += 1
        elapsed = time.perf_counter() - start
        if runs >= MIN_RUNS and elapsed >= MIN_SECONDS:
            return elapsed / runs * 1000


def run_extruct(text, url):
    return extruct.extract(text, base_url=url, syntaxes=SYNTAXES, errors="ignore")


def ours_dom(text, url, rdfa):
    return schemaorg._items_from_tree(schemaorg._parse_tree(text), rdfa)


def norm_title(s: str | None) -> str:
    return " ".join(html.unescape(s or "").split()).casefold()


DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_part(s: str | None) -> str | None:
    m = DATE_RE.search(s or "")
    return m.group() if m else None


def matches(expected: list[dict], events: list[dict]) -> int:
    pool = [(norm_title(e.get("title")), date_part(e.get("start_text"))) for e in events]
    found = 0
    for exp in expected:
        key = (norm_title(exp.get("title")), date_part(exp.get("start")))
        if key in pool:
            pool.remove(key)
            found += 1
    return found


def load_pages(corpus: Path | None):
    pages = []  # (label, kind, text, url, manifest entry or None)
    for path in sorted((ROOT / "tests" / "fixtures" / "schemaorg").glob("*.html")):
        text = path.read_bytes().decode("utf-8", "replace")
        pages.append((f"fixture/{path.name}", "fixture", text, f"https://example.org/fixtures/{path.name}", None))
    if corpus is None:
        return pages
    for entry in json.loads((corpus / "manifest.json").read_text(encoding="utf-8")):
        if entry["kind"] not in KINDS:
            continue
        path = corpus / entry["file"]
        text = path.read_bytes().decode("utf-8", "replace")
        url = "https://example.org/corpus/" + quote(path.name)
        pages.append((entry["file"], entry["kind"], text, url, entry))
    return pages


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "corpus"
    if not (corpus / "manifest.json").is_file():
        print(f"corpus not found at {corpus}: timing the project's fixtures only")
        corpus = None
    warnings.simplefilter("ignore")
    pages = load_pages(corpus)

    print(
        f"{'page':<72} {'kind':<9} {'ours ms':>8} {'extruct ms':>10} {'ratio':>6} {'events':>6} {'exp':>4} {'match':>5}"
    )
    rows = []
    recall: dict[str, list[int]] = {}
    for label, kind, text, url, entry in pages:
        ours = per_call_ms(extract_schemaorg, text, url)
        theirs = per_call_ms(run_extruct, text, url)
        extraction = extract_schemaorg(text, url)
        exp_n = match_n = None
        if entry is not None:
            exp_n = len(entry["expected"])
            match_n = matches(entry["expected"], extraction.events)
            got = recall.setdefault(kind, [0, 0, 0])
            got[0] += match_n
            got[1] += exp_n
            got[2] += 1
        rows.append((kind, ours, theirs))
        name = label if len(label) <= 72 else label[:69] + "..."
        print(
            f"{name:<72} {kind:<9} {ours:8.3f} {theirs:10.3f} {theirs / ours:5.1f}x {len(extraction.events):6d}"
            f" {'' if exp_n is None else exp_n:>4} {'' if match_n is None else match_n:>5}"
            + (f"  errors={extraction.errors}" if extraction.errors else "")
        )

    print("\nms/page (mean)            ours   extruct   ratio")
    for kind in ("fixture", *KINDS, "all"):
        sel = [r for r in rows if kind == "all" or r[0] == kind]
        if not sel:
            continue
        o = statistics.mean(r[1] for r in sel)
        t = statistics.mean(r[2] for r in sel)
        print(f"  {kind:<10} ({len(sel):2d} pages) {o:8.3f} {t:9.3f} {t / o:6.1f}x")

    # Microdata / RDFa readers alone: our lxml code against extruct's extractors.
    print("\nDOM readers alone, ms/page     ours   extruct   ratio")
    for kind, rdfa, cls in (("microdata", False, MicrodataExtractor), ("rdfa", True, RDFaExtractor)):
        sel = [
            (text, url)
            for label, k, text, url, entry in pages
            if k == kind
            or (k == "fixture" and label.endswith(f"{kind}_event.html") or label.endswith(f"{kind}_events.html"))
        ]
        if not sel:
            continue
        extractor = cls()
        o = statistics.mean(per_call_ms(ours_dom, text, url, rdfa) for text, url in sel)
        t = statistics.mean(per_call_ms(extractor.extract, text, url) for text, url in sel)
        print(f"  {kind:<10} ({len(sel):2d} pages) {o:8.3f} {t:9.3f} {t / o:6.1f}x")

    if recall:
        print("\nexpected events matched (title + start date), per kind")
        total = [0, 0]
        for kind in KINDS:
            if kind in recall:
                m, n, files = recall[kind]
                total[0] += m
                total[1] += n
                print(f"  {kind:<10} {m:3d}/{n:<3d} ({files} files)")
        print(f"  {'all':<10} {total[0]:3d}/{total[1]:<3d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
