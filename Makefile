# Two commands on a fresh machine (see README.md):
#   make serve   install everything, build the database, serve the dashboards
#   make test    install everything (incl. Debian's chromium, poppler-utils, nginx), run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 5006
ADDRESS ?= 127.0.0.1

# The environment is locked: uv.lock pins every package; `make install` puts exactly that tree
# (the package editable, with its test, dev and notebooks extras) into $(VENV), and stops if
# pyproject.toml changed since the lock was made (--locked). uv itself comes
# from PyPI through pip into a small bootstrap venv. After changing a range in pyproject.toml:
# $(UV) lock, and commit uv.lock with it (tests/test_lock.py fails while they disagree).
# --compile-bytecode: every process (a served page's worker, a notebook kernel, `smartidf
# report`) starts from the dependencies' .pyc files instead of compiling ~1,700 modules from
# source, 5-10 s of each cold start where PYTHONDONTWRITEBYTECODE is set (as on CI).
UV_VERSION = 0.13.9
UV_VENV ?= .venv-uv
UV       = $(UV_VENV)/bin/uv
EXTRAS   = --extra test --extra dev --extra notebooks --extra publish --extra docs

.PHONY: serve test install data chromium poppler nginx jemalloc lint bench clean

$(UV):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(BIN)/smartidf: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never \
	  $(UV) sync --locked --quiet --compile-bytecode --python $(PYTHON) $(EXTRAS)
	touch $(BIN)/smartidf

install: $(BIN)/smartidf

# exit status 3: some official files could not be had; the build wrote what it could and
# the pages say what is missing, so the app is still served
data: install
	$(BIN)/smartidf data build || [ $$? -eq 3 ]

serve: data jemalloc
	$(BIN)/smartidf serve --port $(PORT) --address $(ADDRESS)

# $(call apt_install,PACKAGE): Debian package, with sudo unless root, the index refreshed
# only when the first try fails
apt_install = { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
  $$SUDO apt-get install -y -q $(1) || \
  { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $(1); }; }

chromium:
	@command -v chromium >/dev/null 2>&1 || $(call apt_install,chromium)

# pdftotext and pdftoppm: the tests read the printed territory reports with them
poppler:
	@command -v pdftoppm >/dev/null 2>&1 || $(call apt_install,poppler-utils)

# the proxy tests run deploy/nginx.conf in Debian's nginx (tests/ui/test_proxy.py)
nginx:
	@[ -x /usr/sbin/nginx ] || $(call apt_install,nginx)

# optional: the served app releases closed sessions' memory with it (smartidf_analysis/apps/serve.py)
jemalloc:
	@ldconfig -p 2>/dev/null | grep -q libjemalloc.so.2 || $(call apt_install,libjemalloc2) || \
	  echo "libjemalloc2 not installed: the server keeps CPython's allocator"

lint: install
	$(BIN)/ruff check $(wildcard smartidf_analysis dashboards tests benchmarks notebooks docs)

test: install chromium poppler nginx jemalloc lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

# the theme benchmarks one after the other (benchmarks/README.md); the load benchmark, which
# serves the app, is run on its own: $(BIN)/python benchmarks/load.py
bench: install
	@for script in benchmarks/bench_*.py; do echo "== $$script"; \
	  $(BIN)/python $$script || exit 1; done

# the documentation site into docs/_build/html, offline; -W: a warning (a public name without a
# docstring, a broken reference) fails it. REPORTS: where `smartidf notebooks run` wrote its
# reports, linked from the study pages when present (docs/contributing.md)
.PHONY: docs
REPORTS ?= reports
docs: install
	$(BIN)/sphinx-build -W --keep-going -q -b html -D smartidf_reports_dir=$(abspath $(REPORTS)) \
	  docs docs/_build/html
	@echo "docs: $(abspath docs/_build/html/index.html)"

clean:
	rm -rf $(VENV) $(UV_VENV) data/*.duckdb data/downloads reports
