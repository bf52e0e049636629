# noegletal — the one interface. `make` alone prints this help.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
DATA ?= data/example
PERIOD ?= latest-half
SEED ?= 2026

.DEFAULT_GOAL := help
.PHONY: help setup test test-fast test-spark test-update reports bench lint format docs example-data clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/uv:
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --compile-bytecode --python $(BIN)/python
	touch $@

setup: $(VENV)/.installed ## Create .venv and install noegletal with pinned dependencies (uv.lock)
	@# Byte-compile our sources too: start-up is 3x faster where PYTHONDONTWRITEBYTECODE is set.
	@$(BIN)/python -m compileall -q src

test: setup ## Run the whole test suite
	$(BIN)/pytest -q

test-fast: setup ## Run the tests not marked slow
	$(BIN)/pytest -q -m "not slow and not spark"

test-spark: setup ## Run the Spark-vs-DuckDB comparison (installs the spark extra)
	$(BIN)/uv sync --frozen --inexact --compile-bytecode --extra spark --python $(BIN)/python
	$(BIN)/pytest -q -m spark

reports: setup ## Validate the example data, compute every indicator, render all reports to _output/
	$(BIN)/noegletal validate $(DATA)
	$(BIN)/noegletal indicators --data $(DATA) --period $(PERIOD) --json _output/indicators.json --format none
	$(BIN)/noegletal render all --data $(DATA) --period $(PERIOD) --out _output

bench: setup ## Run the benchmarks and write benchmarks/results.json
	$(BIN)/python benchmarks/run.py

lint: setup ## ruff lint + format check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: setup ## Format the code with ruff
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

docs: setup ## Refresh the generated parts of docs/ (data contract tables, indicator catalogue)
	$(BIN)/python -m noegletal.docs

example-data: setup ## Regenerate the committed example municipality under data/example
	$(BIN)/noegletal example-data $(DATA) --seed $(SEED)

clean: ## Remove the environment and every generated output
	rm -rf $(VENV) _output _site .pytest_cache .ruff_cache
