# Two commands on a fresh machine (see README.md):
#   make serve   install everything, build the database, serve the dashboards
#   make test    install everything (incl. Debian's chromium), run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 5006
ADDRESS ?= 127.0.0.1

.PHONY: serve test install data chromium lint bench clean

$(BIN)/smartidf: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,dev,notebooks]"
	touch $(BIN)/smartidf

install: $(BIN)/smartidf

data: install
	$(BIN)/smartidf data build

serve: data
	$(BIN)/smartidf serve --port $(PORT) --address $(ADDRESS)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

lint: install
	$(BIN)/ruff check $(wildcard smartidf_analysis dashboards tests benchmarks notebooks)

test: install chromium lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) data/*.duckdb data/downloads reports
