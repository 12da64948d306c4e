"""The date engine against plain dateparser on the shared corpus's date strings: accuracy and time.

Every row of ``date_strings.tsv`` goes through ``eventhound.dates.parse_when`` and through
``dateparser.parse`` (languages ``["en"]``, the same RELATIVE_BASE and TIMEZONE,
RETURN_AS_TIMEZONE_AWARE, PREFER_DATES_FROM "future"), in one run, scored by one function:

- ``now``: the row's ``relative_base`` as wall time in the row's zone; an empty one is
  DEFAULT_NOW (no row without one depends on it: they all carry a year or are rules).
- zone: the row's ``timezone`` when it is an IANA name; else UTC (the column then holds
  the abbreviation or offset the text itself states, e.g. ``PDT`` or ``-04:00``).
- start and end: as instants where the expectation has an offset, as wall times where it
  is floating, as dates where it is a date (a datetime answer counts by its local date).
  An expected end equal to the start is also met by no end; no expected end is met by no
  end or one equal to the start.
- rrule rows (``expected_rrule`` set, no expected start): only the rule, by its parts
  (key -> set of values); ``INTERVAL=1`` is the default (present or not); ``+2TU`` is
  ``2TU``. The rule expectations taken from the recurrent library give the time of day in
  DTSTART, not in the rule, so BYHOUR/BYMINUTE/BYSECOND are compared only where the
  expectation states them. Other rows must give no rule.

Properties: seeded random strings and date-like word soup through the engine, the worst
and mean time per string, and any result that is not an aware instant, a date, or an
error with a reason (tests/test_dates.py checks the same with hypothesis).

Time: each engine over all rows, after one warm-up call each (imports, locale data); five
passes each, the two engines taking turns, and the best pass of each (the machine is
shared: the least disturbed pass). The engine's caches are cleared before each pass, so
every row is a first call (dateparser fallback parsers included); a cached pass of the
engine is shown too.

Example: .venv/bin/python benchmarks/dates.py -v
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_NOW = datetime(2024, 1, 1)
REPEAT = 5
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "date_strings.tsv"


def load_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def row_zone(row: dict) -> str:
    tz = (row.get("timezone") or "").strip()
    if "/" in tz:
        try:
            ZoneInfo(tz)
            return tz
        except Exception:
            pass
    return "UTC"


def row_now(row: dict) -> datetime:
    """The row's relative_base as naive wall time in its zone."""
    base = (row.get("relative_base") or "").strip()
    return datetime.fromisoformat(base) if base else DEFAULT_NOW


def expected(value: str):
    value = (value or "").strip()
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def same(want, got) -> bool:
    if want is None:
        return got is None
    if got is None:
        return False
    if not isinstance(want, datetime):  # a date
        return (got.date() if isinstance(got, datetime) else got) == want
    if not isinstance(got, datetime):
        return False
    if want.tzinfo is None:  # floating: wall times
        return got.replace(tzinfo=None) == want
    return got == want  # instants


def rule_parts(rule: str | None) -> dict[str, frozenset[str]]:
    parts = {}
    for item in (rule or "").split(";"):
        key, sep, value = item.partition("=")
        if not sep:
            continue
        key = key.strip().upper()
        values = frozenset(v.strip().upper().lstrip("+") for v in value.split(","))
        if key == "INTERVAL" and values == {"1"}:
            continue
        parts[key] = values
    return parts


def same_rule(want: str, got: str | None) -> bool:
    want_parts, got_parts = rule_parts(want), rule_parts(got)
    for key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if key not in want_parts:
            got_parts.pop(key, None)
    return want_parts == got_parts


def score(row: dict, start, end, rule) -> bool:
    want_rule = (row.get("expected_rrule") or "").strip()
    want_start, want_end = expected(row["expected_start"]), expected(row["expected_end"])
    if want_rule and want_start is None:
        return same_rule(want_rule, rule)
    if want_rule and not same_rule(want_rule, rule):
        return False
    if not want_rule and rule:
        return False
    if not same(want_start, start):
        return False
    if want_end is None:
        return end is None or same(want_start, end)
    return same(want_end, end if end is not None else start)


def engine_inputs(rows):
    """(text, aware now, zone) per row, prepared before any timing."""
    out = []
    for row in rows:
        tz = row_zone(row)
        out.append((row["text"], row_now(row).replace(tzinfo=ZoneInfo(tz)), tz))
    return out


def dateparser_inputs(rows):
    """(text, settings) per row, prepared before any timing."""
    return [
        (
            row["text"],
            {
                "RELATIVE_BASE": row_now(row),
                "TIMEZONE": row_zone(row),
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "future",
            },
        )
        for row in rows
    ]


def run_engine(inputs):
    from eventhound.dates import parse_when

    out = []
    for text, now, tz in inputs:
        when = parse_when(text, now, tz)
        out.append((when.start, when.end, when.rrule, when.error))
    return out


def run_dateparser(inputs):
    import dateparser

    out = []
    for text, settings in inputs:
        try:
            value = dateparser.parse(text, languages=["en"], settings=settings)
        except Exception as exc:  # count as wrong, keep going
            value = None
            print(f"dateparser raised on {text!r}: {exc}", file=sys.stderr)
        out.append((value, None, None, None))
    return out


def interleaved(runs, repeat=REPEAT):
    """Each (function, inputs, before) run `repeat` times, taking turns, so that both engines
    see the same machine (it is shared); the best pass of each (the least disturbed one).
    `before` runs ahead of each pass, untimed. -> [(results, best seconds)]"""
    best = [None] * len(runs)
    results = [None] * len(runs)
    for _ in range(repeat):
        for k, (fn, inputs, before) in enumerate(runs):
            if before:
                before()
            start = time.perf_counter()
            results[k] = fn(inputs)
            elapsed = time.perf_counter() - start
            best[k] = elapsed if best[k] is None else min(best[k], elapsed)
    return list(zip(results, best))


SOUP = (
    "March",
    "mar.",
    "3",
    "03",
    "31",
    "2027",
    "27",
    "3rd",
    "1st",
    "Tuesday",
    "Tuesdays",
    "weekdays",
    "every",
    "other",
    "of",
    "the",
    "month",
    "week",
    "year",
    "day",
    "in",
    "on",
    "at",
    "@",
    "from",
    "to",
    "and",
    "-",
    "–",
    "|",
    ",",
    "/",
    ".",
    "6:30",
    "6pm",
    "18h",
    "noon",
    "PM",
    "EST",
    "GMT+2",
    "-05:00",
    "+0:00",
    "TBA",
    "last",
    "second",
    "instance",
    "4x",
    "twice",
    "2027-03-04",
    "2027-03-04T18:30:00-04:00",
    "03/04/2027",
    "29.02.2027",
    "13.12",
    "week 53",
    "tomorrow",
    "24:00",
    "25 pm",
    "mardi",
    "à",
    "de",
)


def properties(n: int = 2000, seed: int = 7) -> tuple[int, float, float, int]:
    """Random and date-like strings through the engine: (strings, worst ms, mean ms,
    results that are not an aware instant, a date, or an error with a reason)."""
    import random

    from eventhound.dates import parse_when

    rng = random.Random(seed)
    now = datetime(2027, 1, 10, 14, 15, tzinfo=UTC)
    zones = ["America/New_York", "UTC", "Europe/London", "Asia/Kolkata", "Nope/Zone"]
    texts = ["".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(60))) for _ in range(n // 2)]
    texts += [" ".join(rng.choice(SOUP) for _ in range(rng.randrange(14))) for _ in range(n - n // 2)]
    worst, total, bad = 0.0, 0.0, 0
    for text in texts:
        started = time.perf_counter()
        result = parse_when(text, now, rng.choice(zones), languages=rng.choice([("en",), ("fr",), ("es",)]))
        elapsed = time.perf_counter() - started
        worst, total = max(worst, elapsed), total + elapsed
        ok = (result.start is None and bool(result.error) and not result.error.startswith("internal")) or (
            result.error is None and (not isinstance(result.start, datetime) or result.start.utcoffset() is not None)
        )
        bad += not ok
    return len(texts), worst * 1e3, total / len(texts) * 1e3, bad


def fmt(value) -> str:
    if value is None:
        return "-"
    return value.isoformat()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS), help="date_strings.tsv")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the rows the engine gets wrong")
    parser.add_argument("--dateparser-misses", action="store_true", help="list the rows dateparser gets wrong")
    args = parser.parse_args()
    path = Path(args.corpus)
    if not path.exists():
        sys.exit(f"no corpus at {path}")
    rows = load_rows(path)

    import dateparser

    from eventhound import dates

    dates.parse_when("warm up: March 3, 2027", datetime(2027, 1, 1, tzinfo=UTC), "UTC")
    dates.parse_when("warm up dateparser", datetime(2027, 1, 1, tzinfo=UTC), "UTC")
    dateparser.parse("March 3, 2027", languages=["en"])

    ours_in, theirs_in = engine_inputs(rows), dateparser_inputs(rows)
    (ours, ours_s), (theirs, theirs_s) = interleaved(
        [(run_engine, ours_in, dates.cache_clear), (run_dateparser, theirs_in, None)]
    )
    [(_, ours_cached_s)] = interleaved([(run_engine, ours_in, None)])

    ours_ok = [score(row, *r[:3]) for row, r in zip(rows, ours)]
    theirs_ok = [score(row, *r[:3]) for row, r in zip(rows, theirs)]
    n = len(rows)
    both = sum(a and b for a, b in zip(ours_ok, theirs_ok))
    only_ours = sum(a and not b for a, b in zip(ours_ok, theirs_ok))
    only_theirs = sum(b and not a for a, b in zip(ours_ok, theirs_ok))

    print(f"{n} rows of {path.name}")
    print(f"{'engine':<34} {'right':>11} {'ms total':>10} {'µs / row':>10}")
    print(
        f"{'eventhound.dates.parse_when':<34} {sum(ours_ok):>4} ({sum(ours_ok) / n:5.1%}) "
        f"{ours_s * 1e3:>10.1f} {ours_s / n * 1e6:>10.1f}"
    )
    print(f"{'  (second pass, cached)':<34} {'':>11} {ours_cached_s * 1e3:>10.1f} {ours_cached_s / n * 1e6:>10.1f}")
    print(
        f"{'dateparser.parse':<34} {sum(theirs_ok):>4} ({sum(theirs_ok) / n:5.1%}) "
        f"{theirs_s * 1e3:>10.1f} {theirs_s / n * 1e6:>10.1f}"
    )
    print(
        f"engine is {theirs_s / ours_s:.0f}x faster over the rows (first calls, best of {REPEAT}); "
        f"right on {only_ours} rows dateparser misses, wrong on {only_theirs} it gets, both right on {both}"
    )
    count, worst_ms, mean_ms, bad = properties()
    print(
        f"properties: {count} random and date-like strings (seeded): worst {worst_ms:.1f} ms, mean {mean_ms:.3f} ms, "
        f"{bad} results neither an aware instant, a date, nor an error with a reason "
        "(hypothesis runs the same properties in tests/test_dates.py)"
    )
    if args.verbose:
        print("\nrows the engine gets wrong:")
        for row, r, ok in zip(rows, ours, ours_ok):
            if not ok:
                print(
                    f"  {row['text']!r} now={row['relative_base'] or '-'} tz={row['timezone'] or '-'}\n"
                    f"      want {row['expected_start'] or '-'} .. {row['expected_end'] or '-'} "
                    f"{row['expected_rrule'] or ''}\n"
                    f"      got  {fmt(r[0])} .. {fmt(r[1])} {r[2] or ''} {('error: ' + r[3]) if r[3] else ''}"
                )
    if args.dateparser_misses:
        print("\nrows dateparser gets wrong:")
        for row, r, ok in zip(rows, theirs, theirs_ok):
            if not ok:
                print(f"  {row['text']!r}: want {row['expected_start'] or row['expected_rrule']}, got {fmt(r[0])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
