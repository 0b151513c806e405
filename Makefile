# Set-up and everyday commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB := $(or $(S400_DB),data/s400.duckdb)
DATA := $(wildcard data/*.csv)
PORT ?= 8501

.PHONY: run test build clean loadtest

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "python3 -m venv failed: on Debian run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

# Rebuilt when missing or older than any data file; a failed build keeps the old file.
$(DB): $(STAMP) $(DATA)
	$(BIN)/python -m s400tracker build --db $(DB)

build: $(DB)

run: $(DB)
	$(BIN)/python -m s400tracker serve --port $(PORT)

test: $(DB)
	$(BIN)/python -m pytest

# 20 browser sessions for 60 s changing filters and downloading, and 10 readers while an
# import commits; prints the figures (also written to test-artifacts/*.md).
loadtest: $(DB)
	S400_LOAD_SESSIONS=20 S400_LOAD_SECONDS=60 S400_LOAD_READERS=10 \
	  $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/browser/test_load.py

clean:
	rm -rf $(VENV) $(DB) test-artifacts .pytest_cache
