# casework: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
SCALE  ?= 400000

.PHONY: run test fuzz install install-test bench scan load clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/casework db upgrade
	$(BIN)/casework demo load
	@echo "Serving casework on http://$(HOST):$(PORT)/"
	$(BIN)/casework run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The hostile-input targets of the suite with 500 examples each instead of the suite's short
# fixed-seed pass (about half an hour on PostgreSQL); FUZZ_EXAMPLES=2000 for a longer run.
FUZZ_EXAMPLES ?= 500
fuzz: install-test
	CASEWORK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/security/test_hostile_input.py tests/security/test_hostile_forms.py $(PYTEST_ARGS)

# Builds the synthetic database once (cached in .bench-cache/), measures on SQLite and, when
# CASEWORK_BENCH_DATABASE_URL is set, on PostgreSQL; writes bench-results.json.
bench: install
	$(BIN)/python -m casework.bench --scale $(SCALE)

# Real attack tools (wapiti, sqlmap) against a throwaway copy of the demo office on 127.0.0.1;
# fails on any finding above informational or any 5xx. The tools live in .venv-scan.
SCAN_VENV := .venv-scan
$(SCAN_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install -q --upgrade pip
	$(SCAN_VENV)/bin/python -m pip install -q $$($(PYTHON) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['scan']))")
	touch $@

scan: install $(SCAN_VENV)/.installed
	$(BIN)/python -m casework.scan

# 50 users on gunicorn + PostgreSQL for a minute, then again during a wrong-password flood;
# writes load-results.json. CASEWORK_LOAD_DATABASE_URL names the (throwaway) database.
load: install
	$(BIN)/python -m casework.loadrun

clean-venv:
	rm -rf $(VENV)
