# make run: set up .venv and run the nightly job (crawl sources.toml into events.db, write digest.xml)
# make test: set up .venv (and Debian's chromium) and run the tests
# make lint: ruff's checks and its formatting, as CI runs them (config in pyproject.toml)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint demo setup browser

$(BIN)/eventhound: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/eventhound

run: setup
	$(BIN)/eventhound nightly --sources sources.toml --db events.db --digest digest.xml

demo: setup
	$(BIN)/eventhound demo

# The browser tests drive Debian's chromium, headless (never a browser download).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  { echo "the tests need Debian's chromium: sudo apt-get install chromium"; exit 1; }

test: setup browser
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
