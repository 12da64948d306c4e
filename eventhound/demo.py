"""The bundled demo: a sample chamber-and-workforce-board site and the source that reads it."""

from datetime import UTC, datetime

from eventhound.sources import Source

# The demo site's events are in February and March 2027; the demo acts as of this moment.
DEMO_NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)


def demo_source(base_url: str) -> Source:
    return Source(
        key="demo-springfield",
        name="Springfield Works (demo site)",
        spider="schemaorg",
        urls=(base_url + "events/",),
        timezone="America/Chicago",
        country="US",
        region="IL",
    )
