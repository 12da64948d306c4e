"""Scrapy spiders: one module per publishing format; file name == spider name."""
