# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# Debian packages are installed by .ci/system-deps (as root; elsewhere it says what to install).
demo: $(VENV)/.installed
	@.ci/system-deps runtime
	$(BIN)/zfxxgk crawl --db archive.db
	$(BIN)/zfxxgk reports --db archive.db

test: $(VENV)/.installed-test
	@.ci/system-deps test
	$(BIN)/pytest

clean:
	rm -rf $(VENV) archive.db archive.db-* archive.db.lock .zfxxgk warc build
