"""eventhound: finds career events and publishes them as SQLite, Datasette and digest feeds."""

__version__ = "0.1.0"
