# casework: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
SCALE  ?= 400000

.PHONY: run test fuzz install install-test translations compile-translations check-translations bench scan load clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# setuptools and wheel too: the venv's own copies are old and have known vulnerabilities.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Translations: casework/translations/<locale>/LC_MESSAGES/messages.po are the sources (sr_Cyrl is
# built from sr_Latn by l10n/cyrillic.py); the .mo files are compiled here, never committed.
PO_FILES := casework/translations/sr_Latn/LC_MESSAGES/messages.po casework/translations/sr_Cyrl/LC_MESSAGES/messages.po
MO_FILES := $(PO_FILES:.po=.mo)
BABEL_KEYWORDS := -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2

%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel -q compile -i $< -o $@

compile-translations: install $(MO_FILES)

# After new strings land: extract them, merge them into sr_Latn (translate what the check lists
# there), rebuild sr_Cyrl from it, compile, and list every string still missing.
translations: install
	$(BIN)/pybabel -q extract -F l10n/babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--project casework --copyright-holder "casework contributors" -o casework/translations/messages.pot .
	$(BIN)/pybabel -q update -i casework/translations/messages.pot -d casework/translations -l sr_Latn \
		--no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/python -m l10n.cyrillic
	$(BIN)/pybabel -q compile -d casework/translations
	$(BIN)/python -m l10n.check

check-translations: compile-translations
	$(BIN)/python -m l10n.check

run: install compile-translations
	$(BIN)/casework db upgrade
	$(BIN)/casework demo load
	@echo "Serving casework on http://$(HOST):$(PORT)/"
	$(BIN)/casework run --host $(HOST) --port $(PORT)

# The suite runs in PYTEST_WORKERS processes (pytest-xdist), one per core by default; 0 runs it in one.
PYTEST_WORKERS ?= auto
test: install-test compile-translations
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The hostile-input targets of the suite with 500 examples each instead of the suite's short
# fixed-seed pass (about half an hour on PostgreSQL); FUZZ_EXAMPLES=2000 for a longer run.
FUZZ_EXAMPLES ?= 500
fuzz: install-test
	CASEWORK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/security/test_hostile_input.py tests/security/test_hostile_forms.py $(PYTEST_ARGS)

# Builds the synthetic database once (cached in .bench-cache/), measures on SQLite and, when
# CASEWORK_BENCH_DATABASE_URL is set, on PostgreSQL; writes bench-results.json.
bench: install
	$(BIN)/python -m tools.bench --scale $(SCALE)

# Real attack tools (wapiti, sqlmap) against a throwaway copy of the demo office on 127.0.0.1;
# fails on any finding above informational or any 5xx. The tools live in .venv-scan.
SCAN_VENV := .venv-scan
$(SCAN_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install -q --upgrade pip setuptools wheel
	$(SCAN_VENV)/bin/python -m pip install -q $$($(PYTHON) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['scan']))")
	touch $@

scan: install $(SCAN_VENV)/.installed
	$(BIN)/python -m tools.scan

# 50 users on gunicorn + PostgreSQL for a minute, then again during a wrong-password flood;
# writes load-results.json. CASEWORK_LOAD_DATABASE_URL names the (throwaway) database.
load: install
	$(BIN)/python -m tools.loadrun

clean-venv:
	rm -rf $(VENV)
