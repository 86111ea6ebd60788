# sdg87 task runner. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(HOME)/.local/bin:$(PATH)
export UV_COMPILE_BYTECODE := 1
export MLFLOW_DISABLE_TELEMETRY := true
export GX_ANALYTICS_ENABLED := false
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PYTEST_ARGS ?=
# Test workers (pytest-xdist): the suite waits on Airflow, servers and browsers as much as it computes, so
# one more worker than cores, at least three.
TEST_WORKERS ?= $(shell python3 -c "import os; print(max(3, (os.cpu_count() or 1) + 1))")
BENCH_ARGS ?=

.PHONY: help install run test test-fast test-distributed lint format check airflow-ui mlflow-ui up down benchmark benchmark-scale clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	@command -v uv >/dev/null 2>&1 || { echo "installing uv"; python3 -m pip install --quiet --user uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv \
		|| curl -LsSf https://astral.sh/uv/install.sh | sh; }

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

install: .venv/.synced ## install uv (if missing) and the locked environment into .venv

run: install ## run the whole pipeline once on the shipped data (state in ./var)
	$(UV) run --frozen sdg87 run

test: install ## run the whole test suite on TEST_WORKERS workers (TEST_WORKERS=0: one process)
	$(UV) run --frozen pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder $(PYTEST_ARGS)

test-fast: install ## run the tests not marked slow (no whole chain, no full training)
	$(UV) run --frozen pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder -m "not slow" $(PYTEST_ARGS)

test-distributed: install ## start the Celery stack on free ports, run the chain on two workers, kill one
	$(UV) run --frozen pytest tests/distributed -m distributed $(PYTEST_ARGS)

lint: install ## ruff, formatting check and the import-layer contracts
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports

format: install ## format the code
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

airflow-ui: install ## start Airflow (UI + scheduler) on the state in ./var: http://127.0.0.1:8080
	$(UV) run --frozen sdg87 ui airflow

mlflow-ui: install ## start the MLflow UI on the state in ./var: http://127.0.0.1:5000
	$(UV) run --frozen sdg87 ui mlflow

up: install ## start the distributed stack (PostgreSQL, Redis, MLflow server, Airflow on Celery) in ./var/stack
	$(UV) run --frozen python -m pipelines.stack up

down: ## stop the distributed stack started by `make up`
	$(UV) run --frozen python -m pipelines.stack down

benchmark: install ## print ingest throughput (rows/s) on SQLite and PostgreSQL against COPY
	$(UV) run --frozen python benchmarks/run_all.py

benchmark-scale: install ## the project's stages on GENERATED data at ViEWS and global-grid scale against the raw library
	$(UV) run --frozen python benchmarks/scale.py $(BENCH_ARGS)

clean: ## remove local state (./var) — the warehouse, MLflow store, outbox
	rm -rf var
