# Set-up and everyday commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB := $(or $(S400_DB),data/s400.duckdb)
DATA := $(wildcard data/*.csv)
# The code that decides what the database holds: a change to it rebuilds the file too.
BUILD_CODE := $(addprefix src/s400tracker/,schema.py db.py derive.py build.py validate.py dates.py rollups.py kinds.py filters.py record_tables.py columns.py)
PORT ?= 8501
# The slower tiers (markers set in tests/conftest.py); everything else is the unit tier.
SLOW := browser or server or apptest or fuzz or shared

.PHONY: run check test fuzz build clean loadtest cluster haproxy

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "python3 -m venv failed: on Debian run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

# Rebuilt when missing or older than any data file or build code; a failed build keeps the old file.
$(DB): $(STAMP) $(DATA) $(BUILD_CODE)
	$(BIN)/python -m s400tracker build --db $(DB)

build: $(DB)

run: $(DB)
	$(BIN)/python -m s400tracker serve --port $(PORT)

# HAProxy from Debian when it is missing (as .ci/run installs Chromium): the cluster's balancer.
haproxy:
	@command -v haproxy >/dev/null 2>&1 || test -x /usr/sbin/haproxy || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; }

# REPLICAS identical servers behind HAProxy on CLUSTER_PORT, sharing the database file.
REPLICAS ?= 3
CLUSTER_PORT ?= 8500
cluster: $(DB) haproxy
	$(BIN)/python -m s400tracker cluster --replicas $(REPLICAS) --port $(CLUSTER_PORT)

# The fast tier, for every change: the linter, then the unit tests (no server, browser or AppTest).
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -m "not ($(SLOW))"

# The whole suite: the fast tier first, then only the slower tiers, so no test runs twice.
test: check $(DB)
	$(BIN)/python -m pytest -m "$(SLOW)"

# 20 sessions for 60 s changing filters and downloading, driven over Streamlit's websocket
# protocol (the server's figures), 5 Chromium tabs doing the same (real rendering and
# downloads), and 10 readers while an import commits; prints the figures (also written to
# test-artifacts/*.md). Closed sessions are kept as long as the server's config says
# (S400_LOAD_SESSION_TTL empty), not CI's 5 s, before memory is measured after the idle release.
loadtest: $(DB) haproxy
	S400_LOAD_SESSIONS=20 S400_LOAD_BROWSERS=5 S400_LOAD_SECONDS=60 S400_LOAD_READERS=10 S400_LOAD_SESSION_TTL= \
	  $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_load_protocol.py tests/browser/test_load.py
	S400_CLUSTER_SESSIONS=20 S400_CLUSTER_UNSTICKY=4 S400_CLUSTER_SECONDS=60 \
	  $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_cluster_load.py

# The hostile-link fuzz at full strength: 1,000 generated links per page (CI runs 40).
fuzz: $(DB)
	S400_FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_links_fuzz.py

# The benchmark (benchmarks/run.py): seed scale and 1M+ deliveries, written to benchmarks/results.md.
# Timings never fail: it is a benchmark, not a test. bench-quick is the short run CI can afford.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --out benchmarks/results.md

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --quick

clean:
	rm -rf $(VENV) $(DB) test-artifacts .pytest_cache
