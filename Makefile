# kpilab: `make demo` and `make test` set everything up on a fresh machine
# (only python3, pip and make needed) and are safe to run twice.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kpilab-installed
PYTEST_WORKERS ?= 2

.PHONY: help install demo test test-fast contract dashboard bench bench-dashboard notebooks artifacts clean

help:
	@echo "make demo       set up, then compare the bundled plans on the sample team (reports/demo/)"
	@echo "make test       set up, then run every test (unit, contract, notebooks, browser)"
	@echo "make dashboard  serve the owners' bonus tuner on http://127.0.0.1:8866"
	@echo "make bench      run the benchmarks"
	@echo "make bench-dashboard  time slider release -> verdict in Chromium (needs /usr/bin/chromium)"
	@echo "make artifacts  screenshots (PNG) and printouts (PDF) of the reports and the dashboard in artifacts/"

# The venv: python's venv module, or virtualenv where the distribution ships python without it.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV) && $(PYTHON) -m pip install --user --quiet virtualenv && $(PYTHON) -m virtualenv $(VENV); }

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m kpilab demo

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests notebooks --nbmake -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q tests -m "not browser"

contract: $(STAMP)
	$(BIN)/python ../shared/contract/run_cases.py $(BIN)/python ../shared/contract/cases

# Run from notebooks/ so Voila reads notebooks/voila.json: the browser's Accept-Language reaches the
# kernel (Russian page for a Russian browser) and idle kernels of closed pages are culled.
dashboard: $(STAMP)
	cd notebooks && ../$(BIN)/voila 04_bonus_tuner.ipynb --no-browser --Voila.ip=127.0.0.1 --port=8866 \
		--strip_sources=True --MappingKernelManager.cull_idle_timeout=600 --MappingKernelManager.cull_interval=60

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/scenarios.py
	$(BIN)/python benchmarks/tuner.py

# Notebooks are edited as jupytext percent sources (notebooks/NN_name.py); this writes the paired .ipynb.
notebooks: $(STAMP)
	$(BIN)/jupytext --sync notebooks/[0-9][0-9]_*.py

bench-dashboard: $(STAMP)
	$(BIN)/python benchmarks/dashboard_latency.py

# Headless Chromium renders the Russian and English reports (and the dashboard) and saves what a client
# sees: artifacts/report_ru.png, report_en.png, their A4 printouts (.pdf) and the dashboard's screenshots.
artifacts: $(STAMP)
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q -m browser tests/browser -p no:cacheprovider

clean:
	rm -rf $(VENV) reports artifacts .pytest_cache
