"""Scale-out benchmark (issue 14): one Scrapyd node vs two, on many politeness-bound sites.

Generates `--sources` sites, each its own domain (its own port on 127.0.0.1; all served by
one separate Twisted process, a static file server per port), each with a listing page of
`--pages` event pages (schema.org JSON-LD, distinct titles, dates and venues), and a
sources.toml with one source per site and `settings = { DOWNLOAD_DELAY = <delay> }`.
Starts two real `scrapyd` nodes (tests.scrapyd_nodes, 4 jobs each, as the coordinator's 4
slots), then crawls the same sources, each into a fresh database with the same --now:
(a) `eventhound crawl --scrapyd node1`, (b) `--scrapyd node1,node2`, (c) `eventhound crawl`
here (no Scrapyd), for reference. Prints each crawl's wall seconds, the two-node speed-up
a/b (the goal: >= 1.8x), the sources' summed crawl seconds / wall (how many crawled at
once), and checks that (a), (b) and (c) stored the same event ids, records and runs rows
(all columns but started/finished) and every source its --pages events.

Defaults, and why: 16 sources x 40 pages x 1.0 s delay. A source is robots.txt, the
listing and 40 event pages a second apart: ~45 s of politeness per job (real sources take
minutes), against the 2-9 s a Scrapyd job spends starting its process (2 s alone; more when
8 start at once on two shared cores), so the per-domain delay, not CPU, sets the pace. 16
sources are 4 rounds of 4 jobs on one node and 2 rounds of 8 on two, so both keep their
slots full to the end. One round takes about 6 minutes. Both nodes share this machine's
cores, so the speed-up here is a lower bound for two machines: the ~10 s before the first
job starts (egg, deploy, first schedule) and the job starts, slower on two nodes, do not
halve. The longer a source's politeness, the nearer 2x: measured 1.80x with the defaults on
a quiet machine; with 20 pages 1.66-1.93x (1.70-1.72x quiet), 1.79x with --delay 2, 1.77x
with 24 sources of 10 pages. The crawls keep the project's settings (AutoThrottle on: it
never goes below DOWNLOAD_DELAY).

Both nodes and the crawls share this machine's cores with whatever else runs on it, so
the seconds are noisy; --rounds repeats every crawl (in alternating order).

Example: python benchmarks/scale.py [--sources 16] [--pages 40] [--delay 1.0] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project root, for tests.*

from tests.scrapyd_nodes import scrapyd_nodes  # noqa: E402

NOW = "2027-01-15T12:00:00+00:00"
ZONE = "America/Chicago"
SLOTS = 4  # jobs per node: the coordinator's default, and each node's max_proc
# what differs between two crawls of the same pages by construction: when they ran
RUN_COLUMNS = "source, pages, items, dropped, errors, warnings, finish_reason, error, dropped_reasons"
CITIES = [
    "Springfield",
    "Riverton",
    "Lakeside",
    "Fairview",
    "Maple Grove",
    "Cedar Falls",
    "Oak Ridge",
    "Brookhaven",
    "Millbrook",
    "Franklin",
    "Georgetown",
    "Clearwater",
]
PUBLISHERS = [
    "Chamber of Commerce",
    "Workforce Board",
    "Public Library",
    "SHRM Chapter",
    "Community College Career Center",
    "Manufacturers Association",
    "Young Professionals Network",
]
KINDS = [
    "Spring Career & Job Fair",
    "Monthly Job Club",
    "Business After Hours",
    "Resume Workshop",
    "Chapter Luncheon",
    "Healthcare Hiring Event",
    "Networking Breakfast",
    "Employer Information Session",
    "LinkedIn Basics Webinar",
    "Manufacturing Expo",
    "Interview Skills Workshop",
    "Veterans Hiring Fair",
]
LISTING = """<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>Events &#8211; {publisher}</title>
<script type="application/ld+json">{itemlist}</script></head>
<body><h1>Upcoming events</h1><ul>{links}</ul></body></html>
"""
DETAIL = """<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>{title} &#8211; {publisher}</title>
<script type="application/ld+json">{jsonld}</script></head>
<body><article><h1>{title}</h1><p>{description}</p></article></body></html>
"""


def publisher(n: int) -> str:
    name = f"{CITIES[n % len(CITIES)]} {PUBLISHERS[n % len(PUBLISHERS)]}"
    rounds = n // (len(CITIES) * len(PUBLISHERS))  # 84 distinct names, then numbered
    return f"{name} {rounds + 1}" if rounds else name


def site_event(n: int, k: int) -> dict:
    """Event k of site n: its own title, day, hour and venue."""
    name = publisher(n)
    when = datetime(2027, 2, 1, 8, 0, tzinfo=ZoneInfo(ZONE)) + timedelta(days=(n * 3 + k * 5) % 120, hours=(k % 5) * 2)
    city = CITIES[n % len(CITIES)]
    return {
        "@context": "https://schema.org",
        "@type": "BusinessEvent",
        "name": f"{KINDS[(n + k) % len(KINDS)]} #{k + 1}, {city}",
        "description": f"Hosted by the {name}. Meet employers, recruiters and career coaches; free and open "
        f"to the public. Registration is required.",
        "startDate": when.isoformat(),
        "endDate": (when + timedelta(hours=2)).isoformat(),
        "url": f"/events/{k + 1}/",
        "location": {
            "@type": "Place",
            "name": f"{city} Convention Hall, Room {k + 1}",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": f"{100 + k} Main St",
                "addressLocality": city,
                "addressRegion": "IL",
                "postalCode": f"62{n % 1000:03d}",
                "addressCountry": "US",
            },
        },
        "organizer": {"@type": "Organization", "name": name, "url": "/"},
    }


def generate_sites(root: Path, count: int, pages: int) -> None:
    """root/s<N>/: robots.txt, /events/ (the listing) and /events/<k>/ (one event each)."""
    for n in range(count):
        site = root / f"s{n}"
        (site / "events").mkdir(parents=True)
        (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
        itemlist = {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": k + 1, "url": f"/events/{k + 1}/"} for k in range(pages)
            ],
        }
        links = "".join(f'<li><a href="/events/{k + 1}/">{site_event(n, k)["name"]}</a></li>' for k in range(pages))
        (site / "events" / "index.html").write_text(
            LISTING.format(publisher=publisher(n), itemlist=json.dumps(itemlist), links=links.replace("&", "&amp;"))
        )
        for k in range(pages):
            event = site_event(n, k)
            (site / "events" / str(k + 1)).mkdir()
            (site / "events" / str(k + 1) / "index.html").write_text(
                DETAIL.format(
                    title=event["name"].replace("&", "&amp;"),
                    publisher=publisher(n),
                    jsonld=json.dumps(event),
                    description=event["description"],
                )
            )


def serve(root: Path, count: int, ports_file: Path) -> None:
    """The server process: a static file server for root/s<N> on its own port, for each N;
    writes the ports to ports_file once all listen, then serves until terminated."""
    from twisted.internet import reactor
    from twisted.web import server, static

    ports = [
        reactor.listenTCP(0, server.Site(static.File(str(root / f"s{n}"))), interface="127.0.0.1") for n in range(count)
    ]
    ports_file.write_text(json.dumps([port.getHost().port for port in ports]))
    reactor.run()


def start_server(root: Path, count: int) -> tuple[subprocess.Popen, list[str]]:
    """The server process for `count` sites; returns it and each site's base URL."""
    ports_file = root / "ports.json"
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(root), "--sources", str(count)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        if ports_file.exists():
            return process, [f"http://127.0.0.1:{port}/" for port in json.loads(ports_file.read_text())]
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the benchmark's site server did not start")


def sources_toml(urls: list[str], delay: float) -> str:
    return "".join(
        f'[sources.s{n:03d}]\nspider = "schemaorg"\nurls = ["{url}events/"]\ntimezone = "{ZONE}"\n'
        f"settings = {{ DOWNLOAD_DELAY = {delay} }}\n"
        for n, url in enumerate(urls)
    )


def crawl(work: Path, sources: Path, nodes: list[str], timeout: float) -> tuple[float, Path]:
    """One `eventhound crawl` (on the Scrapyd `nodes`, or here when none) into a fresh database:
    its wall seconds and the database."""
    work.mkdir(parents=True)
    db = work / "events.db"
    command = [sys.executable, "-m", "eventhound", "crawl", "--sources", str(sources), "--db", str(db), "--now", NOW]
    if nodes:
        command += ["--scrapyd", ",".join(nodes)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{work.name}: eventhound crawl exited {done.returncode}\n{done.stdout}{done.stderr[-3000:]}")
    return seconds, db


def stored(db: Path) -> dict:
    """What a crawl stored, as the comparison needs it."""
    with closing(sqlite3.connect(db)) as conn:

        def rows(sql: str) -> list[tuple]:
            return [tuple(row) for row in conn.execute(sql)]

        return {
            "ids": rows("select id from events order by id"),
            "records": rows("select * from events order by id"),
            "runs": rows(f"select {RUN_COLUMNS} from runs order by source"),
            "counts": dict(rows("select source, count(*) from events group by source order by source")),
            "source_seconds": rows("select sum(julianday(finished) - julianday(started)) * 86400 from runs")[0][0],
        }


def egg_seconds() -> float:
    """How long building the project egg takes (each Scrapyd crawl builds and deploys one)."""
    from eventhound.scrapyd import build_egg

    started = time.perf_counter()
    build_egg()
    return time.perf_counter() - started


def check(results: dict[str, dict], sources: int, pages: int) -> list[str]:
    """Lines saying whether every crawl stored what the first stored; a line starting with
    MISMATCH when not."""
    (first, reference), *others = results.items()
    lines = []
    compared = (("ids", "event ids"), ("records", "event records"), ("runs", "runs rows (but started/finished)"))
    for what, label in compared:
        differ = [name for name, got in others if got[what] != reference[what]]
        verdict = f"MISMATCH: {', '.join(differ)} differ from {first}" if differ else "the same"
        lines.append(f"{verdict}: {label} ({len(reference[what])}) in {', '.join(results)}")
    for name, got in results.items():
        counts = got["counts"]
        short = {key: n for key, n in counts.items() if n != pages}
        if len(counts) != sources or short:
            lines.append(f"MISMATCH: {name}: {len(counts)} of {sources} sources stored events; not {pages}: {short}")
    if not any(line.startswith("MISMATCH") for line in lines):
        lines.append(
            f"every source's event count, in every crawl: {pages} ("
            + " ".join(f"{key}={n}" for key, n in reference["counts"].items())
            + ")"
        )
    return lines


def run_round(
    work: Path, sources: Path, modes: dict[str, list[str]], order: list[str], timeout: float
) -> dict[str, dict]:
    """Every crawl once, in `order`, each into its own fresh database."""
    results = {}
    for name in order:
        seconds, db = crawl(work / name.replace(" ", "_"), sources, modes[name], timeout)
        results[name] = {"seconds": seconds, **stored(db)}
    return {name: results[name] for name in modes}


def report(rounds: list[dict[str, dict]]) -> None:
    """Each crawl's wall seconds (median, best), how many sources crawled at once, the speed-up."""
    print(
        f"over {len(rounds)} round(s), medians: wall seconds (best); a source's crawl seconds (runs "
        f"started..finished); those summed / wall"
    )
    for name in rounds[0]:
        walls = [r[name]["seconds"] for r in rounds]
        each = median(r[name]["source_seconds"] / len(r[name]["runs"]) for r in rounds)
        overlap = median(r[name]["source_seconds"] / r[name]["seconds"] for r in rounds)
        print(
            f"  {name:<10} {median(walls):7.1f} s ({min(walls):7.1f} s)   {each:5.1f} s a source   "
            f"{overlap:4.1f} sources at once"
        )
    ratios = [r["one node"]["seconds"] / r["two nodes"]["seconds"] for r in rounds]
    best = min(r["one node"]["seconds"] for r in rounds) / min(r["two nodes"]["seconds"] for r in rounds)
    goal = "met" if median(ratios) >= 1.8 else "NOT met"
    print(
        f"  two-node speed-up (one node / two nodes): median {median(ratios):.2f}x, best rounds {best:.2f}x "
        f"(goal >= 1.8x: {goal})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=16, help="sites, each its own domain and source")
    parser.add_argument("--pages", type=int, default=40, help="event pages per site")
    parser.add_argument("--delay", type=float, default=1.0, help="each source's DOWNLOAD_DELAY, seconds")
    parser.add_argument("--rounds", type=int, default=1, help="how many times to run every crawl")
    parser.add_argument("--no-local", action="store_true", help="skip the local crawl (c)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the server process's own mode
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.sources, args.serve / "ports.json")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the nodes and server, as on Ctrl-C
    waves = math.ceil(args.sources / SLOTS)
    timeout = 300 + 3 * waves * ((args.pages + 2) * args.delay + 5)  # per crawl, generous
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generate_sites(work / "sites", args.sources, args.pages)
        server, urls = start_server(work / "sites", args.sources)
        try:
            with scrapyd_nodes(work / "scrapyd", 2, max_proc=SLOTS) as running:
                nodes = [url for _, url in running]
                print(
                    f"{args.sources} sites x {args.pages} event pages, DOWNLOAD_DELAY {args.delay:g} s; "
                    f"2 Scrapyd nodes, {SLOTS} jobs each; building the egg takes {egg_seconds():.1f} s "
                    f"(in each Scrapyd crawl's wall time)"
                )
                modes = {"one node": nodes[:1], "two nodes": nodes, **({} if args.no_local else {"local": []})}
                rounds, mismatch = [], False
                sources = work / "sources.toml"
                sources.write_text(sources_toml(urls, args.delay))
                for n in range(args.rounds):
                    order = list(modes) if n % 2 == 0 else list(reversed(modes))
                    results = run_round(work / f"round{n + 1}", sources, modes, order, timeout)
                    rounds.append(results)
                    print(
                        f"round {n + 1}: "
                        + ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in results.items())
                        + f"; speed-up {results['one node']['seconds'] / results['two nodes']['seconds']:.2f}x"
                    )
                    for line in check(results, args.sources, args.pages):
                        print("  " + line)
                        mismatch |= line.startswith("MISMATCH")
                report(rounds)
        finally:
            server.terminate()
            server.wait(timeout=10)
    if mismatch:
        sys.exit(1)


if __name__ == "__main__":
    main()
