"""A calendar platform's API served on 127.0.0.1 from saved responses, for crawl tests.

A request's path names a folder or file under the root; the query's paging parameter (the
first of `paging` present) picks `<name>=<value>.json` in that folder, and without one
`index.json` answers. Every request is noted in `seen` (path and query), and the
Authorization header of each in `authorizations`.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from eventhound.localsite import QuietHandler, serve_directory


class ApiHandler(QuietHandler):
    seen: list[str]
    paging: tuple[str, ...] = ("page",)
    authorizations: list  # the Authorization header of each API request (None when absent)

    def do_GET(self):
        self.seen.append(self.path)
        if self.path != "/robots.txt":
            self.authorizations.append(self.headers.get("Authorization"))
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        base = Path(self.directory, parts.path.strip("/"))
        key = next((k for k in self.paging if k in query), None)
        if key is not None:
            found = base / f"{key}={query[key]}.json"
        else:
            found = base / "index.json" if base.is_dir() else base
        if not found.is_file():
            self.send_error(404)
            return
        body = found.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_api(root: Path, seen: list[str], paging: tuple[str, ...] = ("page",), authorizations: list | None = None):
    """Serve `root` as a platform's API; yields the base URL."""
    handler = type(
        "Api",
        (ApiHandler,),
        {"seen": seen, "paging": paging, "authorizations": authorizations if authorizations is not None else []},
    )
    with serve_directory(root, handler=handler) as base_url:
        yield base_url


def crawl_site(work: Path, pages: dict[str, Path], sources: str, now: str, paging: tuple[str, ...] = ("page",)):
    """Serve fixture files as a platform's API (`pages`: path on the site -> fixture) and crawl
    `sources` (sources.toml text in which `{base}` is the site's address, no final slash);
    returns (the crawl's result, its database, the requests the site saw)."""
    from tests.conftest import crawl

    site = work / "site"
    for path, fixture in pages.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture, site / path)
    seen: list[str] = []
    with serve_api(site, seen, paging) as base:
        result, db = crawl(work, sources.replace("{base}", base.rstrip("/")), now=now)
    return result, db, seen
