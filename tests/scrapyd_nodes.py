"""Real Scrapyd nodes for tests and benchmarks: `scrapyd` processes on 127.0.0.1, each with its
own directory and port, started and stopped by the caller."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {root}/eggs
logs_dir = {root}/logs
items_dir = {root}/items
dbs_dir = {root}/dbs
jobs_to_keep = 1000
max_proc = {max_proc}
poll_interval = 0.2
finished_to_keep = 1000
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_node(root: Path, max_proc: int = 4) -> tuple[subprocess.Popen, str]:
    """One scrapyd in `root` (its scrapyd.conf, eggs, logs, items); returns it and its URL once it answers."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (root / "scrapyd.conf").write_text(CONF.format(port=port, root=root, max_proc=max_proc))
    scrapyd = Path(sys.executable).with_name("scrapyd")
    process = subprocess.Popen(
        [str(scrapyd)],
        cwd=root,
        stdout=(root / "scrapyd.out").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/daemonstatus.json", timeout=2):
                return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    stop_node(process)
    raise RuntimeError(f"scrapyd in {root} did not start: {(root / 'scrapyd.out').read_text()[-2000:]}")


def stop_node(process: subprocess.Popen) -> None:
    """Stop a node and the crawls it started (its process group)."""
    import os
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=20)


@contextmanager
def scrapyd_nodes(root: Path, count: int = 2, max_proc: int = 4):
    """`count` running nodes under root/node1, root/node2...; yields [(process, url), ...]."""
    nodes = []
    try:
        for n in range(count):
            nodes.append(start_node(root / f"node{n + 1}", max_proc))
        yield nodes
    finally:
        for process, _ in nodes:
            stop_node(process)
