"""Lets scrapyd-deploy build the project egg; everything else is in pyproject.toml."""

from setuptools import setup

setup()
