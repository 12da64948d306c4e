# make run: set up .venv and run the nightly job (crawl sources.toml into events.db, write digest.xml)
# make test: set up .venv and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test demo setup

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

test: setup
	$(BIN)/python -m pytest
