"""Extractors: pure functions from (text, url) to raw event dicts."""
