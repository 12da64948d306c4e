"""The eventhound command: crawl, extract, digest, serve, nightly, demo."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import click

from eventhound.dates.zones import DEFAULT_ZONE, is_known
from eventhound.sources import SPIDERS, Source, SourceError, load_sources

REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_now(value: str | None) -> datetime:
    """--now as an aware datetime (UTC when no offset is given); the clock when absent."""
    if not value:
        return datetime.now(UTC)
    try:
        now = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 date-time: {value!r}", param_hint="--now") from None
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def parse_overrides(pairs: tuple[str, ...]) -> dict:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        overrides[name.strip()] = value
    return overrides


class ConfigError(click.ClickException):
    """A bad sources, digests or model file: the command stops before it writes, exit code 2."""

    exit_code = 2


def select_sources(path: str, only: tuple[str, ...]) -> list[Source]:
    try:
        registry = load_sources(path)
    except SourceError as exc:
        raise ConfigError(str(exc)) from None
    unknown = [key for key in only if key not in registry]
    if unknown:
        raise ConfigError(f"{path}: no source {', '.join(unknown)}; known: {', '.join(registry)}")
    return [registry[key] for key in only] if only else [s for s in registry.values() if s.enabled]


def crawl_and_report(
    sources: list[Source], db: str, now: datetime, overrides: dict, nodes: list[str] | None = None
) -> bool:
    """Crawl (here, or on Scrapyd `nodes`), print one summary line per source, and say
    whether every source succeeded."""
    from eventhound import db as database
    from eventhound.crawl import run_crawl
    from eventhound.relevance import ModelError, career_model

    try:  # a bad model file stops the command before any crawl
        career_model(overrides.get("EVENTHOUND_CAREER_MODEL") or None)
    except ModelError as exc:
        raise ConfigError(str(exc)) from None
    database.open_db(db).close()
    if nodes:
        from eventhound.scrapyd import NodeError, run_on_nodes

        try:
            results = run_on_nodes(sources, db, now, overrides, nodes)
        except NodeError as exc:
            raise click.ClickException(f"Scrapyd: {exc}") from None
    else:
        results = run_crawl(sources, db, now, {"LOG_LEVEL": "WARNING", **overrides})
    report_results(db, results, now)
    return all(r.ok for r in results)


def report_results(db: str, results: list, now: datetime) -> None:
    """One summary line per source, then the dedupe and the routine care of the database."""
    from eventhound import db as database

    width = max(len(r.key) for r in results)
    for r in results:
        status = "ok" if r.ok else "FAILED"
        line = (
            f"{r.key:<{width}}  {status:<6}  pages={r.pages} events={r.events} "
            f"dropped={r.dropped} errors={r.errors} warnings={r.warnings} unchanged={r.unchanged} "
            f"time={r.seconds:.2f}s"
        )
        click.echo(line + (f"  {r.problem}" if r.problem else ""))
    conn = database.open_db(db)
    try:  # the search index once for every source; one record per real event across sources
        database.refresh_fts(conn)
        marked = database.mark_duplicates(conn, database.iso_utc(now))
        database.maintain(conn)
    finally:
        conn.close()
    click.echo(f"duplicates: {marked['duplicates']} events marked as duplicates of others")
    failed = sum(not r.ok for r in results)
    click.echo(f"{len(results) - failed} of {len(results)} sources ok; database: {db}")


def node_urls(text: str | None) -> list[str]:
    """The --scrapyd value as a list of node URLs."""
    urls = [u.strip() for u in (text or "").split(",") if u.strip()]
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"not a Scrapyd URL: {url!r}", param_hint="--scrapyd")
    return urls


def write_digest(db: str, out: str, now: datetime, days: int) -> int:
    from eventhound import db as database
    from eventhound.digest import write_rss

    conn = database.open_db(db)
    try:
        return write_rss(conn, out, now=now, days=days)
    finally:
        conn.close()


def write_health_page(db: str, out_dir: str, now: datetime) -> int:
    from eventhound import db as database
    from eventhound.digest import write_health

    conn = database.open_db(db)
    try:
        return write_health(conn, out_dir, now)
    finally:
        conn.close()


def write_saved_searches(
    db: str, out_dir: str, digests_file: str | None, base_url: str | None, now: datetime, days: int | None
) -> dict[str, int]:
    from dataclasses import replace

    from eventhound import db as database
    from eventhound.digest import write_digests
    from eventhound.searches import SearchError, load_searches

    try:
        searches = load_searches(digests_file)
    except SearchError as error:
        raise ConfigError(str(error)) from None
    if days is not None:
        searches = {name: replace(s, days=days) for name, s in searches.items()}
    conn = database.open_db(db)
    try:
        return write_digests(conn, out_dir, searches, now, base_url)
    finally:
        conn.close()


now_option = click.option("--now", help="The time to act as if it were (ISO 8601); default: the clock.")
overrides_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting, as `scrapy crawl -s` does.",
)
scrapyd_option = click.option(
    "--scrapyd",
    "scrapyd_urls",
    default=None,
    metavar="URL[,URL...]",
    help="Crawl on these Scrapyd nodes (one job per source) instead of here.",
)


@click.group()
@click.version_option(package_name="eventhound")
def main():
    """Find career events and publish them.

    Example: eventhound crawl --sources sources.toml --db events.db
    """


@main.command()
@click.option("--sources", "sources_file", default="sources.toml", show_default=True, help="The sources file.")
@click.option("--db", default="events.db", show_default=True, help="The SQLite database to write.")
@click.option("--only", multiple=True, metavar="KEY", help="Crawl only this source (repeatable).")
@now_option
@overrides_option
@scrapyd_option
def crawl(sources_file, db, only, now, overrides, scrapyd_urls):
    """Crawl the enabled sources into the database.

    Prints a line per source and exits 1 when any source failed; what succeeded is stored.

    Example: eventhound crawl --sources sources.toml --db events.db -s LOG_LEVEL=INFO
    """
    sources = select_sources(sources_file, only)
    moment = parse_now(now)
    with one_run(db):
        ok = crawl_and_report(sources, db, moment, parse_overrides(overrides), node_urls(scrapyd_urls))
    if not ok:
        sys.exit(1)


@main.command()
@click.argument("file_or_url")
@click.option("--url", help="The address the saved file came from (for relative links).")
@click.option("--format", "fmt", type=click.Choice(SPIDERS), help="The format; default: detected from the content.")
@click.option("--tz", default=None, help="The source's IANA time zone (default UTC, or the source's).")
@click.option("--sources", "sources_file", help="A sources file to take --source from.")
@click.option("--source", "source_key", help="Take spider, time zone and defaults from this source entry.")
@click.option(
    "--explain",
    is_flag=True,
    help="Instead of the records: each event's career score, type and reason, kept or dropped.",
)
@now_option
def extract(file_or_url, url, fmt, tz, sources_file, source_key, explain, now):
    """Print the events one page would yield, as JSON lines.

    Runs the extractor and every pipeline but the database.

    Example: eventhound extract saved.html --url https://example.org/events/ --tz America/Chicago
    """
    from eventhound.extract import Tally, extract_events, read_input
    from eventhound.formats import detect_format

    if source_key:
        source = select_sources(sources_file or "sources.toml", (source_key,))[0]
        fmt = fmt or source.spider
    else:
        source = Source(
            key="extract", spider=fmt or "schemaorg", urls=(url or "http://localhost/",), timezone=DEFAULT_ZONE
        )
    if tz:
        if not is_known(tz):
            raise click.BadParameter(f"unknown time zone {tz!r}", param_hint="--tz")
        source = replace(source, timezone=tz)
    try:
        text, read_from = read_input(file_or_url)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {file_or_url}: {exc}") from None
    stats = Tally()
    explained: list[dict] | None = [] if explain else None
    records = extract_events(text, url or read_from, source, parse_now(now), fmt=fmt, stats=stats, explained=explained)
    for record in explained if explain else records:
        click.echo(json.dumps(record, ensure_ascii=False))
    problems = {k: v for k, v in stats.items() if "dropped" in k or "errors" in k or "warnings" in k}
    if problems or not records:
        summary = ", ".join(f"{k}={v}" for k, v in sorted(problems.items())) or "nothing unreadable"
        click.echo(f"{len(records)} events ({fmt or detect_format(text)}); {summary}", err=True)


@main.command()
@click.option("--db", default="events.db", show_default=True, help="The database to read.")
@click.option(
    "--out", default=None, help="One RSS file of every upcoming event (default digest.xml without --out-dir)."
)
@click.option(
    "--out-dir", default=None, help="Write each saved search's .rss, .atom, .ics and .html, and index.html, here."
)
@click.option("--digests", "digests_file", default=None, help="The saved searches (digests.toml); default: 'upcoming'.")
@click.option("--base-url", default=None, help="Where --out-dir is published (for webcal:// subscribe links).")
@click.option("--days", default=None, type=int, help="How many days ahead (default 30; overrides every search's days).")
@now_option
def digest(db, out, out_dir, digests_file, base_url, days, now):
    """Write digests: RSS, Atom, iCalendar and a web page per saved search.

    Example: eventhound digest --db events.db --out-dir site/ --digests digests.toml
    """
    moment = parse_now(now)
    if out_dir is None or out is not None:
        out = out or "digest.xml"
        count = write_digest(db, out, moment, days or 30)
        click.echo(f"{out}: {count} upcoming events in the next {days or 30} days")
    if out_dir is not None:
        for name, count in write_saved_searches(db, out_dir, digests_file, base_url, moment, days).items():
            click.echo(f"{out_dir}/{name}.{{rss,atom,ics,html}}: {count} events")


@main.command()
@click.option("--sources", "sources_file", default="sources.toml", show_default=True, help="The sources file.")
@click.option("--db", default="events.db", show_default=True, help="The SQLite database to write.")
@click.option("--digest", "digest_out", default="digest.xml", show_default=True, help="The RSS digest to write.")
@click.option("--out-dir", default=None, help="Also write every saved search's digests and index.html here.")
@click.option("--digests", "digests_file", default=None, help="The saved searches (digests.toml) for --out-dir.")
@click.option("--base-url", default=None, help="Where --out-dir is published (for webcal:// links).")
@click.option("--days", default=30, show_default=True, help="How many days ahead the digest covers.")
@now_option
@overrides_option
@scrapyd_option
def nightly(sources_file, db, digest_out, out_dir, digests_file, base_url, days, now, overrides, scrapyd_urls):
    """Crawl every enabled source, then write the digests (what cron runs).

    Exit codes: 0 every source ok; 1 some failed (the rest is stored); 2 a bad sources,
    digests or model file (nothing written); 3 another run holds the database's lock.

    Example: eventhound nightly --sources sources.toml --db events.db --out-dir site --digests digests.toml
    """
    from eventhound.searches import SearchError, load_searches

    moment = parse_now(now)
    sources = select_sources(sources_file, ())
    try:  # a bad digests file stops the run before it writes anything
        load_searches(digests_file)
    except SearchError as error:
        raise ConfigError(str(error)) from None
    with one_run(db):
        ok = crawl_and_report(sources, db, moment, parse_overrides(overrides), node_urls(scrapyd_urls))
        count = write_digest(db, digest_out, moment, days)
        click.echo(f"{digest_out}: {count} upcoming events in the next {days} days")
        if out_dir is not None:
            for name, found in write_saved_searches(db, out_dir, digests_file, base_url, moment, None).items():
                click.echo(f"{out_dir}/{name}.{{rss,atom,ics,html}}: {found} events")
            click.echo(f"{out_dir}/health.html: {write_health_page(db, out_dir, moment)} sources need attention")
    if not ok:
        sys.exit(1)


@main.command()
@click.option("--db", default="events.db", show_default=True, help="The database the jobs were crawled for.")
def load(db):
    """Store the finished Scrapyd jobs that a stopped `--scrapyd` run left (events.jobs.json).

    Example: eventhound load --db events.db
    """
    from eventhound.scrapyd import NodeError, load_unloaded

    with one_run(db):
        try:
            results, waiting, crawled_at = load_unloaded(db)
        except NodeError as exc:
            raise ConfigError(str(exc)) from None
        if results:
            report_results(db, results, crawled_at)
    for line in waiting:
        click.echo(f"not stored: {line}")
    if not results and not waiting:
        click.echo("every job is stored already")
    if waiting or not all(r.ok for r in results):
        sys.exit(1)


@main.command()
@click.option("--db", default="events.db", show_default=True, help="The database to read.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def health(db, as_json):
    """Each source's health from its crawls; exit 1 when one needs attention.

    Example: eventhound health --db events.db
    """
    from eventhound import db as database

    if not Path(db).exists():
        raise ConfigError(f"{db}: no such database")
    conn = database.open_db(db)
    try:
        report = database.source_health(conn)
    finally:
        conn.close()
    for row in report:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            state = "ATTENTION" if row["alarms"] else "ok"
            click.echo(
                f"{row['source']:<28} {state:<9} events={row['events']} usual={row['usual_events']} "
                f"failures_in_a_row={row['failures_in_a_row']} last_success={row['last_success']}"
                + (f"  {'; '.join(row['alarms'])}" if row["alarms"] else "")
            )
    if any(row["alarms"] for row in report):
        sys.exit(1)


@main.command()
@click.option("--db", default="events.db", show_default=True, help="The database to prune.")
@click.option(
    "--older-than",
    "days",
    default=365,
    show_default=True,
    type=click.IntRange(1),
    help="Delete events that ended more than this many days ago.",
)
@click.option(
    "--cache-days",
    default=30,
    show_default=True,
    type=click.IntRange(1),
    help="Delete the kept copies of pages not asked about for this many days.",
)
@now_option
def prune(db, days, cache_days, now):
    """Delete long-past events and their history, and stale kept copies; then ANALYZE and checkpoint.

    Example: eventhound prune --db events.db --older-than 365
    """
    from eventhound import db as database
    from eventhound.httpcache import cache_dir, prune_cache

    if not Path(db).exists():
        raise ConfigError(f"{db}: no such database")
    moment = parse_now(now)
    with one_run(db):
        conn = database.open_db(db)
        try:
            counts = database.prune(conn, database.iso_utc(moment), days)
        finally:
            conn.close()
        copies = prune_cache(cache_dir(db), cache_days, moment.timestamp()) if cache_dir(db).exists() else 0
    click.echo(
        f"{db}: deleted {counts['events']} events that ended more than {days} days ago "
        f"({counts['event_changes']} changes, {counts['event_sources']} provenance rows, "
        f"{counts['runs']} runs), "
        f"{copies} kept page copies unused for {cache_days} days"
    )


@contextmanager
def one_run(db: str):
    """Hold the database's run lock for the block; exit 3 at once when another run holds it."""
    from eventhound.runlock import LockHeld, run_lock

    try:
        with run_lock(db):
            yield
    except LockHeld as held:
        click.echo(str(held), err=True)
        sys.exit(3)


@main.command()
@click.option("--labels", default=None, help="The labelled events (default: eventhound/data/relevance/labels.tsv).")
@click.option("--out", default=None, help="The model file to write (default: eventhound/data/career_model.json).")
def train(labels, out):
    """Rebuild the career model from labelled events (needs scikit-learn: pip install -e '.[train]').

    Same labels, same model file, byte for byte. The test split is never read.

    Example: eventhound train --labels eventhound/data/relevance/labels.tsv --out career_model.json
    """
    from eventhound import training

    try:
        training.train(labels or training.LABELS, out or training.MODEL, log=click.echo)
    except training.TrainingError as exc:
        raise click.ClickException(str(exc)) from None
    except ImportError as exc:
        raise click.ClickException(f"{exc}; install the training extra: pip install -e '.[train]'") from None


# What `serve --public` turns off: arbitrary SQL (and `_where`), downloading the database, CSV streams.
PUBLIC_SETTINGS = {"default_allow_sql": "off", "allow_download": "off", "allow_csv_stream": "off"}


@main.command()
@click.option("--db", default="events.db", show_default=True, help="The database to browse.")
@click.option("--metadata", default=None, help="Datasette metadata (default: datasette-metadata.json).")
@click.option("--port", default=8001, show_default=True)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="The address to bind (keep 127.0.0.1 behind a proxy)."
)
@click.option("--public", is_flag=True, help="Read-only for the public: canned queries, facets and search only.")
def serve(db, metadata, port, host, public):
    """Browse the events with Datasette.

    Example: eventhound serve --db events.db --port 8001 --public
    """
    # Become Datasette (exec), so that a signal to this process reaches the server itself.
    argv = datasette_argv(db, metadata or _default_metadata(), host, port, public)
    os.execv(sys.executable, [sys.executable, *argv])


def datasette_argv(db: str, metadata: str, host: str, port: int, public: bool = False) -> list[str]:
    """The `python -m datasette serve` arguments; with `public`, PUBLIC_SETTINGS."""
    argv = ["-m", "datasette", "serve", db, "-m", metadata, "--host", host, "--port", str(port)]
    for name, value in PUBLIC_SETTINGS.items() if public else ():
        argv += ["--setting", name, value]
    return argv


def _default_metadata() -> str:
    for candidate in (Path("datasette-metadata.json"), REPO_ROOT / "datasette-metadata.json"):
        if candidate.exists():
            return str(candidate)
    raise click.ClickException("datasette-metadata.json not found; pass --metadata")


@main.command()
@click.option("--db", default="demo.db", show_default=True, help="The database to write.")
@click.option("--digest", "digest_out", default="demo-digest.xml", show_default=True, help="The RSS digest to write.")
def demo(db, digest_out):
    """Run the whole path offline on a bundled sample site.

    Serves the site on 127.0.0.1, crawls it into demo.db and writes a digest.

    Example: eventhound demo && eventhound serve --db demo.db
    """
    from eventhound.demo import DEMO_NOW, demo_source
    from eventhound.localsite import serve_directory

    with serve_directory(Path(__file__).parent / "demo_site") as base_url:
        ok = crawl_and_report([demo_source(base_url)], db, DEMO_NOW, {})
    count = write_digest(db, digest_out, DEMO_NOW, 60)
    click.echo(f"{digest_out}: {count} upcoming events after {DEMO_NOW:%Y-%m-%d}")
    click.echo(f"browse it: eventhound serve --db {db}")
    if not ok:
        sys.exit(1)


@main.command()
@click.argument("file_or_url")
@click.option("--url", "page_url", help="The address a saved page came from (for its links and the entry).")
@click.option("--key", help="The entry's sources.toml key (default: from the site's host name).")
@click.option("--tz", default=None, help="The publisher's IANA time zone (default: one the page names, else UTC).")
def discover(file_or_url, page_url, key, tz):
    """Find the calendars and feeds a page offers; print an entry for the best.

    Reads a homepage or events page (a URL or a saved file), lists what it offers, best
    first, and prints a ready sources.toml entry; exits 1 when it offers nothing (or only
    a site feed that does not say it carries events).

    Example: eventhound discover https://www.example-chamber.org/events/
    """
    from eventhound import discover as discovery
    from eventhound.extract import read_input

    if tz and not is_known(tz):
        raise click.BadParameter(f"unknown time zone {tz!r}", param_hint="--tz")
    try:
        text, read_from = read_input(file_or_url)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {file_or_url}: {exc}") from None
    address = page_url or read_from
    if not address.startswith(("http://", "https://")):
        click.echo(f"note: {file_or_url} is a saved file: pass --url with its address for usable links", err=True)
    offers = discovery.discover(text, address)
    if not offers:
        raise click.ClickException(
            f"{address}: no calendar, feed, The Events Calendar or schema.org events found; "
            "a plain HTML listing can be read by a css source (see eventhound/extractors/css.py)"
        )
    click.echo(f"{len(offers)} offer(s) at {address}, best first:")
    for number, offer in enumerate(offers, 1):
        click.echo(f"{number}. {offer.spider:<9} {offer.url}  [{offer.kind}: {offer.evidence}]")
    if offers[0].kind == "site-feed":
        raise click.ClickException(
            "only site feeds that do not say they carry events: check them by hand, "
            "or read the events page with a css source"
        )
    zone = tz or discovery.guess_timezone(text)
    entry = discovery.sources_entry(
        offers[0], key or discovery.default_key(address), zone, name=discovery.page_title(text)
    )
    click.echo("\nsources.toml entry for the best one:\n")
    click.echo(entry, nl=False)


@main.command()
@click.argument("text", required=False)
@now_option
@click.option("--tz", default="UTC", show_default=True, help="The source's IANA time zone.")
@click.option(
    "--lang", "languages", multiple=True, metavar="CODE", help="A language of the source (repeatable; default: en)."
)
@click.option("--day-first", is_flag=True, help="Read 03/04/2027 as 3 April (default: 4 March).")
@click.option(
    "--jsonl", is_flag=True, help='Read {"text": ..., "now": ..., "tz": ...} lines on stdin; one result each.'
)
def when(text, now, tz, languages, day_first, jsonl):
    """Read a date, time, range or recurring phrase as an event page writes it.

    Prints one JSON object: start, end, all_day, timezone, rrule, warning, error.

    Example: eventhound when "second Tuesday of each month, 7:30-9 AM" --tz America/Chicago
    """
    from eventhound.dates import parse_when

    if not is_known(tz):
        raise click.BadParameter(f"unknown time zone {tz!r}", param_hint="--tz")
    moment = parse_now(now)  # the clock, read once, when --now is absent
    languages = tuple(languages) or ("en",)
    if not jsonl:
        if text is None:
            raise click.UsageError("give a TEXT, or --jsonl to read lines on stdin")
        click.echo(
            json.dumps(
                parse_when(text, moment, tz, languages=languages, day_first=day_first).to_json(), ensure_ascii=False
            )
        )
        return
    fields = ("start", "end", "all_day", "timezone", "rrule", "warning", "error")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError('expected an object with a "text" string')
            row_tz = row.get("tz") or tz
            if not is_known(row_tz):
                raise ValueError(f"unknown time zone {row_tz!r}")
            row_now = moment
            if row.get("now"):
                try:
                    row_now = datetime.fromisoformat(row["now"])
                except (TypeError, ValueError):
                    raise ValueError(f"now is not an ISO 8601 date-time: {row['now']!r}") from None
                row_now = row_now if row_now.tzinfo else row_now.replace(tzinfo=UTC)
            row_langs = row.get("languages") or languages
            row_langs = (row_langs,) if isinstance(row_langs, str) else tuple(row_langs)
            result = parse_when(
                row["text"], row_now, row_tz, languages=row_langs, day_first=bool(row.get("day_first", day_first))
            ).to_json()
        except (ValueError, TypeError) as exc:
            result = dict.fromkeys(fields)
            result.update(all_day=False, timezone=tz, error=f"bad input line: {exc}")
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _near_center(place, lat, lon, country) -> tuple[float, float, str]:
    """The point `near` measures from: --lat/--lon, or PLACE looked up in the gazetteer; and its label."""
    from eventhound.places import country_code, gazetteer, parse_address, region_code

    if (lat is None) != (lon is None):
        raise click.UsageError("give both --lat and --lon")
    if lat is not None and place:
        raise click.UsageError("give a PLACE or --lat/--lon, not both")
    if lat is None:
        if not place or not place.strip():
            raise click.UsageError('give a PLACE ("Cleveland, OH") or --lat and --lon')
        address = parse_address(place)
        city_name, region, in_country = address.city, address.region, address.country
        if not city_name:  # "Toronto", "Paris, France", "Springfield, Illinois"
            head, _, rest = place.partition(",")
            city_name, region, in_country = head.strip(), None, None
            if rest.strip():
                found = region_code(rest)
                region = found[1] if found else None
                in_country = found[0] if found else country_code(rest)
                if not found and not in_country:
                    raise click.BadParameter(
                        f"{rest.strip()!r} is neither a state, a province nor a country", param_hint="PLACE"
                    )
        city = gazetteer().lookup(city_name, region, in_country or (None if region else country))
        if city is None and not (region or in_country):
            city = gazetteer().lookup(city_name)  # not in --country: the most populous anywhere
        if city is None:
            raise click.ClickException(
                f"{place!r}: not in the gazetteer (cities of 5,000+ people); give --lat and --lon"
            )
        lat, lon = city.latitude, city.longitude
        return lat, lon, f"{city.name}, {city.region}, {city.country} ({lat:.4f}, {lon:.4f})"
    return lat, lon, f"({lat:.4f}, {lon:.4f})"


@main.command()
@click.argument("place", required=False)
@click.option(
    "--km", default=40.0, show_default=True, type=click.FloatRange(min=0, min_open=True), help="The radius, in km."
)
@click.option("--lat", type=click.FloatRange(-90, 90), help="Latitude of the center (with --lon, instead of PLACE).")
@click.option("--lon", type=click.FloatRange(-180, 180), help="Longitude of the center (with --lat).")
@click.option(
    "--country", default="US", show_default=True, help="The country of a PLACE that names none (ISO 3166-1 alpha-2)."
)
@click.option("--db", default="events.db", show_default=True, help="The database to read.")
@click.option("--days", default=30, show_default=True, help="How many days ahead to include.")
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPE",
    help="Only this event type (job_fair, association_meeting, workshop, ...); repeat for several.",
)
@click.option(
    "--topic", "topics", multiple=True, help="Only events with this topic tag (healthcare, ...); repeat for several."
)
@click.option("--free", is_flag=True, help="Only free events.")
@click.option("--evening", is_flag=True, help="Only events starting at 17:00 or later, local time.")
@now_option
def near(place, km, lat, lon, country, db, days, types, topics, free, evening, now):
    """List the upcoming events within a distance of a city or a point, nearest first.

    PLACE is a city, "City, ST" or "City, Country", looked up offline in the bundled
    GeoNames gazetteer (cities of 5,000+ people); or give --lat and --lon. Events placed
    only by their city are measured from the city's center; online-only events have no
    place and are not listed. Cancelled events are listed, marked CANCELLED.

    Example: eventhound near "Cleveland, OH" --km 40 --type job_fair --type association_meeting --topic healthcare --evening --free
    """
    from eventhound import db as database

    unknown = [t for t in types if t not in database.EVENT_TYPES]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: not an event type (one of {', '.join(database.EVENT_TYPES)})", param_hint="--type"
        )
    lat, lon, center = _near_center(place, lat, lon, country)
    if not Path(db).exists():
        raise click.ClickException(f"{db}: no such database")
    moment = parse_now(now)
    conn = database.open_db(db)
    try:
        rows = database.near(
            conn, lat, lon, km, database.iso_utc(moment), days, types=types, topics=topics, free=free, evening=evening
        )
    finally:
        conn.close()
    click.echo(f"{len(rows)} events within {km:g} km of {center} in the next {days} days, nearest first")
    for row in rows:
        where = ", ".join(p for p in (row["venue_name"], row["city"], row["region"]) if p)
        status = f"{row['status'].upper()}: " if row.get("status") not in (None, "scheduled") else ""
        click.echo(
            f"{row['distance_km']:7.1f} km  {row['start']}  {status}{row['title']}"
            + (f"  [{row['event_type']}]" if row.get("event_type") else "")
            + (f"  @ {where}" if where else "")
            + (f"  {row['url']}" if row["url"] else "")
        )
