"""The crawl's "now": one shared reading of the EVENTHOUND_NOW setting."""

from __future__ import annotations

from datetime import UTC, datetime


def crawl_now(settings) -> datetime:
    """EVENTHOUND_NOW as an aware datetime (UTC when naive); the clock when empty."""
    value = settings.get("EVENTHOUND_NOW")
    if not value:
        return datetime.now(UTC)
    now = datetime.fromisoformat(value)
    return now if now.tzinfo else now.replace(tzinfo=UTC)
