"""One nightly run at a time: an exclusive OS lock (flock) on a file beside the database.

The lock is taken before anything is written and held for the whole run; the kernel drops
it when the process ends, however it ends (kill -9 included), so a dead run never blocks
the next. The file keeps the holder's pid and start time, for the message a second run
prints when it finds the lock taken.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class LockHeld(RuntimeError):
    """Another run holds the lock (its pid and start time in the message)."""


def lock_path(db: str | Path) -> Path:
    return Path(f"{db}.lock")


@contextmanager
def run_lock(db: str | Path):
    """Hold the run lock of the database `db` (`DB.lock`); LockHeld at once when it is taken."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockHeld(f"{db}: another run holds {path} ({holder}); not starting") from None
        started = datetime.now(UTC).isoformat(timespec="seconds")  # the clock, never --now
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {started}")
        handle.flush()
        yield path
    finally:
        handle.close()  # closing the descriptor releases the lock
