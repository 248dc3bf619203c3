# SynCode: `make run` starts the embedded stack, `make test` runs the suite, `make lint` checks style.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
DBVENV := .venv-db
NODE_DIR := .data/node

.PHONY: bootstrap run test lint bench clean

BANK_INPUTS := $(wildcard storage/problem_bank/*/tests.sha256 storage/problem_bank/*/gen.py)

bootstrap: $(VENV)/.installed $(DBVENV)/.installed $(NODE_DIR)/.installed .data/collab-node/.installed .data/bank.generated

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

$(DBVENV)/.installed:
	$(PYTHON) -m venv $(DBVENV)
	$(DBVENV)/bin/pip install -q --disable-pip-version-check secantusdb==0.7.0b3
	touch $@

$(NODE_DIR)/.installed:
	mkdir -p $(NODE_DIR)
	npm install --prefix $(NODE_DIR) --silent --no-audit --no-fund typescript@5 @types/node@20
	touch $@

# Stock Yjs clients (y-websocket WebsocketProvider) for tests/collab/node/*.js: NODE_PATH=.data/collab-node/node_modules
.data/collab-node/.installed: tests/collab/node/package.json
	mkdir -p .data/collab-node
	cp tests/collab/node/package.json .data/collab-node/package.json
	npm install --prefix .data/collab-node --silent --no-audit --no-fund
	touch $@

# The bank's large tests are generated build artifacts (git-ignored, pinned by tests.sha256).
.data/bank.generated: $(VENV)/.installed $(BANK_INPUTS)
	mkdir -p .data
	$(VENV)/bin/syncode generate
	touch $@

run: bootstrap
	$(VENV)/bin/syncode up

test: bootstrap
	$(VENV)/bin/pytest -q

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) $(DBVENV) .data/ray .data/test-*
