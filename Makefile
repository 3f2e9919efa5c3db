# One way to do each thing; CI (.ci/run) calls `make test`, humans call `make run`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
INTEROP := tests/interop

.PHONY: run setup install migrate keys seed serve test lint typecheck pytest interop browser bench clean

run: setup serve

## Everything `make run` needs before serving; safe to repeat.
setup: install migrate keys seed

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11+ is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

migrate: install
	$(BIN)/nassc db upgrade

keys: install
	$(BIN)/nassc keys ensure

seed: install
	$(BIN)/nassc seed

serve: install
	$(BIN)/nassc serve --host $(HOST) --port $(PORT)

## Lint, type-check and run every test (the PostgreSQL ones too when a server answers).
test: install interop browser lint typecheck pytest

lint: install
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# pytest exits 5 when it collects nothing: a suite that runs no test is a failure here.
pytest: install
	@$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$status

## The independent Data Integrity verifier (Node.js) used by the interoperability tests.
interop: $(INTEROP)/node_modules/.installed

$(INTEROP)/node_modules/.installed: $(INTEROP)/package.json $(INTEROP)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(INTEROP) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the Node interop tests will skip (or fail under CI=true)"; fi

## Debian's Chromium and ChromeDriver for the headless-browser tests (root installs them;
## otherwise those tests skip, or fail under CI=true).
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "chromium not installed: the browser tests will skip (or fail under CI=true)"; fi

bench: setup
	$(BIN)/python bench/issuance.py
	$(BIN)/python bench/verify.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache $(INTEROP)/node_modules
