"""µs per call: eventhound.dates.parse_moment (ISO / free text, first call and cached) vs
plain dateparser.parse with default settings, over 200 distinct strings of each kind.

Run: .venv/bin/python benchmarks/dates_v1.py
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import dateparser

from eventhound import dates
from eventhound.dates import parse_moment

N = 200
TZ = "America/New_York"
NOW = datetime(2027, 1, 10, 14, 15, tzinfo=timezone.utc)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def iso_strings() -> list[str]:
    base = datetime(2027, 1, 1, 9, 0)
    forms = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S-05:00", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"]
    return [(base + timedelta(days=i, minutes=15 * i)).strftime(forms[i % len(forms)]) for i in range(N)]


def free_strings() -> list[str]:
    out = []
    for i in range(N):
        k = i // 4
        day, month, hour = 1 + k % 28, MONTHS[k % 12], 1 + k % 12
        forms = [f"{month} {day}, 2027 {hour}:30 PM", f"{day} {month} 2027", f"{month[:3]}. {day}th",
                 f"{month} {day}, 2027 at {hour}pm"]
        out.append(forms[i % len(forms)])
    assert len(set(out)) == N
    return out


def per_call_us(fn, strings) -> float:
    start = time.perf_counter()
    for s in strings:
        fn(s)
    return (time.perf_counter() - start) / len(strings) * 1e6


def main() -> None:
    iso, free = iso_strings(), free_strings()
    moment = lambda s: parse_moment(s, TZ, NOW)  # noqa: E731

    cold = time.perf_counter()
    parse_moment("March 3, 2027 6:30 PM", TZ, NOW)  # imports dateparser, loads the en locale
    cold = (time.perf_counter() - cold) * 1e6
    dateparser.parse("March 3, 2027 6:30 PM")  # warm dateparser's default parser too

    dates._parse_cached.cache_clear()
    rows = [
        ("ISO", per_call_us(moment, iso), per_call_us(moment, iso), per_call_us(dateparser.parse, iso)),
        ("free text", per_call_us(moment, free), per_call_us(moment, free), per_call_us(dateparser.parse, free)),
    ]
    print(f"{N} distinct strings each; µs per call (first-ever free-text call, incl. dateparser import: {cold:,.0f} µs)")
    print(f"{'strings':<10} {'parse_moment first':>19} {'parse_moment cached':>20} {'dateparser.parse':>17}")
    for name, first, cached, plain in rows:
        print(f"{name:<10} {first:>19,.1f} {cached:>20,.1f} {plain:>17,.1f}")
    parsed = sum(parse_moment(s, TZ, NOW) is not None for s in iso + free)
    print(f"parse_moment read {parsed}/{2 * N}")


if __name__ == "__main__":
    main()
