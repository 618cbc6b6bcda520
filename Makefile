# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app foia_portal
INSTALLED := $(VENV)/.installed
ASSETS := foia_portal/static/uswds/.copied
USWDS_DIST := node_modules/@uswds/uswds/dist

.PHONY: run test install assets db lint format bench bench-deps migration browser-deps clean fuzz

# `make run PORT=5050` serves on another port. Links in emails follow it unless PUBLIC_BASE_URL
# is set. Plain assignments: only the command line overrides them, not a PORT left in the shell.
PORT = 5000
PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

run: db ## Serve the portal on http://127.0.0.1:$(PORT) (5000 unless PORT=…) with SQLite.
	PUBLIC_BASE_URL='$(PUBLIC_BASE_URL)' $(FLASK) run --host 127.0.0.1 --port $(PORT)

TEST_WORKERS ?= 2

test: install browser-deps ## Lint, then the whole test suite (SQLite, PostgreSQL, the browser).
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_WORKERS)

install: $(INSTALLED) $(ASSETS)

$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json
	rm -rf foia_portal/static/uswds foia_portal/static/vendor
	mkdir -p foia_portal/static/uswds foia_portal/static/vendor
	cp -R $(USWDS_DIST)/css $(USWDS_DIST)/js $(USWDS_DIST)/img $(USWDS_DIST)/fonts foia_portal/static/uswds/
	cp node_modules/axe-core/axe.min.js foia_portal/static/vendor/
	touch $@

assets: $(ASSETS)

db: install ## Apply the migrations and load the demo FAQ when the FAQ is empty.
	$(FLASK) db upgrade
	$(FLASK) faq import foia_portal/faq/demo_faqs.json --if-empty

browser-deps: ## Debian's Chromium and ChromeDriver for the browser tests (root with apt only).
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "Chromium/ChromeDriver not installed and cannot install them here: the browser tests will be skipped."; fi

bench-deps: ## Debian's wrk, which drives the benchmark's load (root with apt only).
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "wrk is not installed and cannot be installed here: apt-get install wrk"; exit 1; fi

FUZZ_EXAMPLES ?= 50

# A random seed unless FOIA_FUZZ_SEED is given (a failure names its seed: run it again with it).
fuzz: install ## Schemathesis against the API, every check and phase, a random seed (docs/api.md).
	@seed=$${FOIA_FUZZ_SEED:-$$($(PYTHON) -c 'import random; print(random.getrandbits(32))')}; \
	echo "schemathesis: seed $$seed, $(FUZZ_EXAMPLES) examples per operation and phase"; \
	FOIA_FUZZ_SEED=$$seed FOIA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -p no:xdist -q tests/integration/test_api_fuzz.py

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install bench-deps ## The performance benchmark (see docs/performance.md).
	$(BIN)/python -m bench.run $(BENCH_ARGS)

migration: install ## Regenerate migrations/versions/0001_initial.py after changing a model.
	$(BIN)/python scripts/regen_initial_migration.py
	$(BIN)/ruff format --quiet migrations/versions/0001_initial.py

clean:
	rm -rf $(VENV) node_modules foia_portal/static/uswds foia_portal/static/vendor
