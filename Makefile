# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# Debian packages the project uses when present (as root; elsewhere they are skipped with a message).
system-deps:
	@.ci/system-deps

demo: $(VENV)/.installed system-deps
	$(BIN)/zfxxgk crawl --db archive.db
	$(BIN)/zfxxgk reports --db archive.db

test: $(VENV)/.installed-test system-deps
	$(BIN)/pytest

clean:
	rm -rf $(VENV) archive.db archive.db-* .zfxxgk warc
