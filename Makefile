# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck bench clean-data venv qgis

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## Run the main job on the embedded offline default (synthetic scenes; no credentials, no network).
run: $(STAMP)
	$(BIN)/monitor run

## Headless QGIS (Debian's python3-qgis) for the real-QGIS tests of the exports: installed with apt when missing.
## Without root, `MONITOR_SKIP_QGIS=1 make test` skips those tests instead (CI never sets it).
qgis:
	@./.ci/install-qgis

## The full suite CI runs: lint, type check, every test.
test: $(STAMP) qgis
	$(BIN)/ruff check monitor tests benchmarks scripts
	$(BIN)/mypy monitor
	$(BIN)/python -m pytest -q

## The quick subset for iterating (skips tests marked slow).
test-fast: $(STAMP) qgis
	$(BIN)/python -m pytest -q -m "not slow" -x

lint: $(STAMP)
	$(BIN)/ruff check monitor tests benchmarks scripts
	$(BIN)/ruff format --check monitor tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy monitor

## Accuracy and speed benchmarks (results go in the README).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_detector.py
	$(BIN)/python benchmarks/diagnose_real.py
	$(BIN)/python benchmarks/bench_speed.py
	$(BIN)/python benchmarks/bench_backfill.py

clean-data:
	rm -rf data/
