# One way to do each thing; CI (.ci/run) calls `make test`, humans call `make run`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
INTEROP := tests/interop
# Exact versions with hashes, compiled from pyproject.toml by `make lock`: every install of the
# same commit gets the same packages. uv (pinned, in a venv of its own) installs and compiles
# them; it installs the locked set in seconds where pip takes a minute.
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
UV_VERSION := 0.13.9
LOCK_TOOLS := var/lock-tools
UV := $(LOCK_TOOLS)/bin/uv

.PHONY: run setup install lock lock-upgrade migrate keys seed serve test lint typecheck pytest interop browser bench fuzz clean

run: setup serve

## Everything `make run` needs before serving; safe to repeat.
setup: install migrate keys seed

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(DEV_LOCK) | $(UV)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11+ is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes --no-deps -r $(DEV_LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

$(UV):
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)

## Bring the lock files in line with pyproject.toml after a dependency changed, keeping every
## other pinned version; `make lock-upgrade` takes the newest versions the ranges allow. Both
## are deliberate: run `make test` afterwards and commit the lock files with the change.
lock: $(UV)
	$(UV) pip compile pyproject.toml --extra dev --universal \
		--python-version 3.11 --generate-hashes $(LOCK_FLAGS) --quiet -o $(DEV_LOCK)
	$(UV) pip compile pyproject.toml --universal --python-version 3.11 \
		--generate-hashes --quiet -c $(DEV_LOCK) -o $(RUNTIME_LOCK)

lock-upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade

migrate: install
	$(BIN)/nassc db upgrade

keys: install
	$(BIN)/nassc keys ensure

seed: install
	$(BIN)/nassc seed

serve: install
	$(BIN)/nassc serve --host $(HOST) --port $(PORT)

## Lint, type-check and run every test (the PostgreSQL ones too when a server answers).
test: install interop browser lint
	@# mypy uses one core for half a minute: it runs beside pytest rather than before it.
	@$(MAKE) --no-print-directory -j2 typecheck pytest

lint: install
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# Tests run in parallel, one process per core (TEST_WORKERS=0 runs them in this process);
# each process has its own SQLite file and PostgreSQL database.
# pytest exits 5 when it collects nothing: a suite that runs no test is a failure here.
TEST_WORKERS ?= auto
pytest: install
	@$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=25 $(PYTEST_ARGS); status=$$?; \
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

## Schemathesis against a real server: every operation, 50 cases each, stateful links, as
## anonymous, admin and provider. Fails on server errors and undocumented statuses or
## content types; prints what the other checks found. FUZZ_EXAMPLES / FUZZ_SEED to vary.
FUZZ_EXAMPLES ?= 50
FUZZ_SEED ?= 20
fuzz: install
	$(BIN)/python -m tests.fuzzing.run --examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED) --stateful \
		--report-dir var/fuzz

## Every benchmark, each printing ratios against a baseline measured in the same run
## (bench/README.md). The HTTP ones use PostgreSQL when one answers (load.py requires it).
bench: setup interop
	$(BIN)/python bench/canonicalize.py
	$(BIN)/python bench/issuance.py
	$(BIN)/python bench/verify.py
	$(BIN)/python bench/overhead.py
	$(BIN)/python bench/http_issuance.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache $(INTEROP)/node_modules
