"""Crawl on Scrapyd nodes: one job per source, the results stored here as a local crawl stores them.

`run_on_nodes` deploys the project egg (built by scrapyd-client's `scrapyd-deploy
--build-egg` from scrapy.cfg) to every node, schedules one job per source with the source's
entry as a spider argument (`source_entry`, no shared file system), at most one job per
domain at a time across all nodes and `slots` jobs per node, and polls `listjobs.json`.

A job runs every pipeline but the database (settings EXTRACT_PIPELINES) and writes its
records through Scrapy's FEEDS into the node's `items_dir` (Scrapyd sets FEEDS), and its
stats beside them (`JobReport`: `<job>.run.json`). As each job finishes, its report and
items are fetched over HTTP and stored here through the same steps as a local crawl
(upsert, search index, `runs` row, removals: `eventhound.runlog.record_crawl`), so ids,
records, runs, dedupe, digests and health are the same either way.

Faults: a job that ends without its report, or runs past `job_seconds`, is a failed
source (cancelled). A node that stops answering is dropped and its unfinished sources are
scheduled again on the others; each source is stored once. Every job is written to a
manifest (`events.jobs.json` beside `events.db`), which `eventhound load` reads to store
finished jobs a killed coordinator left behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from scrapyd_client.utils import get_auth

from eventhound import db as database
from eventhound.crawl import SourceResult, judge
from eventhound.runlog import record_crawl
from eventhound.sources import Source, entry_source

PROJECT = "eventhound"
ROOT = Path(__file__).resolve().parent.parent  # where scrapy.cfg is
TIMEOUT = 10.0  # seconds for one call to a node


class NodeError(RuntimeError):
    """A node that does not answer, or answers with an error."""


class Node:
    """One Scrapyd node's web service; `http://user:pass@host:6800` carries its credentials
    (else ~/.netrc, as scrapyd-client reads it)."""

    def __init__(self, url: str):
        parts = urlsplit(url.rstrip("/"))
        self.url = urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))
        self.auth = get_auth(self.url, parts.username, parts.password)
        self.alive = True

    def call(self, method: str, name: str, data=None, files=None) -> dict:
        try:
            answer = requests.request(
                method,
                f"{self.url}/{name}.json",
                auth=self.auth,
                timeout=TIMEOUT,
                params=data if method == "GET" else None,
                data=data if method == "POST" else None,
                files=files,
            )
            body = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise NodeError(f"{self.url}: {type(exc).__name__}: {exc}") from None
        if body.get("status") != "ok":
            raise NodeError(f"{self.url}/{name}.json: {body.get('message', body)}")
        return body

    def fetch(self, path: str) -> bytes | None:
        """A file the node serves (items, reports); None when it has none."""
        try:
            answer = requests.get(f"{self.url}/{path}", auth=self.auth, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise NodeError(f"{self.url}: {type(exc).__name__}: {exc}") from None
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise NodeError(f"{self.url}/{path}: HTTP {answer.status_code}")
        return answer.content


@dataclass
class Job:
    source_entry: str  # Source.entry_json()
    spider: str
    node: str
    jobid: str
    scheduled: str  # ISO UTC
    state: str = "scheduled"  # scheduled, loaded, failed, lost
    cancelled: bool = False
    started_clock: float = field(default=0.0, compare=False)

    @property
    def key(self) -> str:
        return json.loads(self.source_entry)["key"]


def build_egg() -> bytes:
    """The project egg, built by scrapyd-client from scrapy.cfg (`scrapyd-deploy --build-egg`)."""
    deploy = Path(sys.executable).with_name("scrapyd-deploy")
    with tempfile.TemporaryDirectory() as tmp:
        egg = Path(tmp) / f"{PROJECT}.egg"
        done = subprocess.run([str(deploy), "--build-egg", str(egg)], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0 or not egg.exists():
            raise NodeError(f"scrapyd-deploy --build-egg failed: {done.stderr.strip()[-500:]}")
        return egg.read_bytes()


def deploy(nodes: list[Node], egg: bytes, version: str) -> None:
    """Add the egg as `version` of the project on every node (addversion.json), all nodes at
    once; then ask each for its spiders, so that the node lists the new egg's spiders (a
    subprocess) now rather than at the first job's schedule."""

    def add(node: Node) -> None:
        node.call("POST", "addversion", {"project": PROJECT, "version": version}, files={"egg": egg})
        node.call("GET", "listspiders", {"project": PROJECT, "_version": version})

    with ThreadPoolExecutor(max_workers=len(nodes) or 1) as pool:
        list(pool.map(add, nodes))  # re-raises a node's NodeError


def job_settings(now: datetime, overrides: dict) -> list[tuple[str, str]]:
    """The `setting` arguments of every job: the crawl's now, every pipeline but the
    database, the job report instead of the runs row, no page copies on the node."""
    from eventhound import settings

    values = {
        "EVENTHOUND_NOW": now.isoformat(),
        "ITEM_PIPELINES": json.dumps({name: settings.ITEM_PIPELINES[name] for name in settings.EXTRACT_PIPELINES}),
        "EXTENSIONS": json.dumps({"eventhound.jobreport.JobReport": 500}),
        "HTTPCACHE_ENABLED": "False",
        **{name: str(value) for name, value in overrides.items()},
    }
    return [("setting", f"{name}={value}") for name, value in values.items()]


class Coordinator:
    """Schedules the sources on the nodes, politely, and stores each finished job once."""

    def __init__(
        self,
        nodes: list[Node],
        db_path: str,
        now: datetime,
        overrides: dict,
        slots: int,
        job_seconds: float,
        manifest: Path,
    ):
        self.nodes, self.db_path, self.now, self.slots = nodes, db_path, now, slots
        self.settings = job_settings(now, overrides)
        self.job_seconds, self.manifest = job_seconds, manifest
        self.running: dict[str, Job] = {}  # jobid -> job
        self.jobs: list[Job] = []
        self.results: dict[str, SourceResult] = {}

    def run(self, sources: list[Source], poll: float = 0.5) -> list[SourceResult]:
        waiting = deque(sources)
        while waiting or self.running:
            self.start(waiting)
            time.sleep(poll)
            for node in [n for n in self.nodes if n.alive]:
                self.check(node, waiting)
            if not any(n.alive for n in self.nodes):
                for source in [*waiting, *(entry_source(j.source_entry) for j in self.running.values())]:
                    self.results[source.key] = failed(self.db_path, source, "no Scrapyd node answers", self.now)
                waiting.clear()
                self.running.clear()
        return [self.results[s.key] for s in sources]

    def start(self, waiting: deque) -> None:
        """Schedule every waiting source whose domains are free on a node with a free slot."""
        busy = {d for job in self.running.values() for d in domains(entry_source(job.source_entry))}
        for source in list(waiting):
            node = min(
                (n for n in self.nodes if n.alive and self.load_of(n) < self.slots), key=self.load_of, default=None
            )
            if node is None:
                return
            if domains(source) & busy:
                continue
            try:
                jobid = node.call(
                    "POST",
                    "schedule",
                    [
                        ("project", PROJECT),
                        ("spider", source.spider),
                        ("source_entry", source.entry_json()),
                        *self.settings,
                    ],
                )["jobid"]
            except NodeError:
                node.alive = False
                continue
            job = Job(
                source.entry_json(),
                source.spider,
                node.url,
                jobid,
                database.iso_utc(datetime.now(UTC)),
                started_clock=time.monotonic(),
            )
            self.running[jobid] = job
            self.jobs.append(job)
            busy |= domains(source)
            waiting.remove(source)
            self.save_manifest()

    def load_of(self, node: Node) -> int:
        return sum(job.node == node.url for job in self.running.values())

    def check(self, node: Node, waiting: deque) -> None:
        """Store the node's finished jobs; cancel those over time; on a dead node, schedule again."""
        mine = [job for job in self.running.values() if job.node == node.url]
        try:
            listed = node.call("GET", "listjobs", {"project": PROJECT})
            finished = {j["id"] for j in listed.get("finished", [])}
            for job in mine:
                if job.jobid in finished:
                    self.finish(node, job)
                elif not job.cancelled and time.monotonic() - job.started_clock > self.job_seconds:
                    node.call("POST", "cancel", {"project": PROJECT, "job": job.jobid})
                    job.cancelled = True
        except NodeError:
            node.alive = False
            for job in [j for j in mine if j.jobid in self.running]:
                job.state = "lost"
                del self.running[job.jobid]
                waiting.appendleft(entry_source(job.source_entry))
        self.save_manifest()

    def finish(self, node: Node, job: Job) -> None:
        del self.running[job.jobid]
        source = entry_source(job.source_entry)
        result = load_job(node, job, self.db_path, self.now)
        if job.cancelled and result.ok:  # what it read is stored; it ran past its limit
            result.problem = f"the job ran over its time limit ({self.job_seconds:g} s) and was cancelled"
        self.results[source.key] = result
        job.state = "loaded" if result.ok else "failed"

    def save_manifest(self) -> None:
        write_manifest(self.manifest, self.now.isoformat(), self.jobs)


def domains(source: Source) -> set[str]:
    """The sites a source's crawl visits (host and port): one job per site at a time."""
    return {urlsplit(url).netloc for url in source.urls}


def load_job(node: Node, job: Job, db_path: str, now: datetime) -> SourceResult:
    """Fetch a finished job's report and records and store them as a local crawl would."""
    source = entry_source(job.source_entry)
    base = f"items/{PROJECT}/{job.spider}/{job.jobid}"
    try:
        report = node.fetch(base + ".run.json")
        items = node.fetch(base + ".jl") if report is not None else None
    except NodeError as exc:
        return failed(db_path, source, f"job {job.jobid} on {node.url}: {exc}", now)
    if report is None:
        return failed(
            db_path,
            source,
            f"job {job.jobid} on {node.url} ended without its report "
            f"(its log: {node.url}/logs/{PROJECT}/{job.spider}/{job.jobid}.log)",
            now,
        )
    run = json.loads(report)
    stats = run["stats"]
    lines = (items or b"").decode("utf-8").splitlines()
    records = {r["id"]: r for r in (json.loads(line) for line in lines if line.strip())}
    if stats.get("item_scraped_count", 0) and not records:
        return failed(db_path, source, f"job {job.jobid} on {node.url}: its items are gone (raise jobs_to_keep)", now)
    seen_at = database.iso_utc(now)
    db = database.open_db(db_path)
    try:
        database.upsert_events(db, records.values(), seen_at)  # the search index: once, after every source
    finally:
        db.close()
    record_crawl(db_path, source, job.spider, stats, run["started"], run["finished"], stats["finish_reason"], seen_at)
    return judge(source.key, stats)


def failed(db_path: str, source: Source, message: str, now: datetime) -> SourceResult:
    """A source whose job failed as a whole: its runs row says why; nothing else changes."""
    stamp = database.iso_utc(datetime.now(UTC))
    stats = {
        "eventhound/last_error": message,
        "eventhound/fetch_errors": 1,
        "eventhound/start_errors": 1,
        "finish_reason": "job failed",
    }
    record_crawl(db_path, source, source.spider, stats, stamp, stamp, "job failed", database.iso_utc(now))
    result = judge(source.key, stats)
    result.problem = message
    return result


def run_on_nodes(
    sources: list[Source],
    db_path: str,
    now: datetime,
    overrides: dict | None,
    urls: list[str],
    slots: int = 4,
    job_seconds: float = 2400.0,
) -> list[SourceResult]:
    """Crawl every source on the Scrapyd nodes at `urls` into db_path; one result per source, in order."""
    nodes = [Node(url) for url in urls]
    deploy(nodes, build_egg(), version=str(int(time.time())))
    manifest = jobs_manifest(db_path)
    return Coordinator(nodes, db_path, now, overrides or {}, slots, job_seconds, manifest).run(sources)


def write_manifest(path: Path, now_iso: str, jobs: list[Job]) -> None:
    """The jobs manifest, replaced whole (a reader never sees half of it)."""
    rows = [{k: v for k, v in asdict(job).items() if k != "started_clock"} for job in jobs]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"now": now_iso, "jobs": rows}, indent=1))
    tmp.replace(path)


def jobs_manifest(db_path: str | Path) -> Path:
    path = Path(db_path).resolve()
    return path.with_name(path.stem + ".jobs.json")


def load_unloaded(db_path: str) -> tuple[list[SourceResult], list[str], datetime]:
    """Store the finished jobs of the manifest that no coordinator stored (it was killed);
    returns their results, a line for each job still running or out of reach, and the
    crawl's now."""
    manifest = jobs_manifest(db_path)
    if not manifest.exists():
        raise NodeError(f"{manifest}: no jobs manifest (nothing was crawled on Scrapyd into {db_path})")
    data = json.loads(manifest.read_text())
    now = datetime.fromisoformat(data["now"])
    jobs = [Job(**row) for row in data["jobs"]]
    results, waiting = [], []
    for url in sorted({job.node for job in jobs if job.state == "scheduled"}):
        node, mine = Node(url), [job for job in jobs if job.node == url and job.state == "scheduled"]
        try:
            finished = {j["id"] for j in node.call("GET", "listjobs", {"project": PROJECT}).get("finished", [])}
        except NodeError as exc:
            waiting += [f"{job.key}: job {job.jobid}: {exc}" for job in mine]
            continue
        for job in mine:
            if job.jobid not in finished:
                waiting.append(f"{job.key}: job {job.jobid} on {url} has not finished")
                continue
            result = load_job(node, job, db_path, now)
            job.state = "loaded" if result.ok else "failed"
            results.append(result)
    write_manifest(manifest, data["now"], jobs)
    return results, waiting, now
