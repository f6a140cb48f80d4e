# The two commands of the README: `make build` and `make test`. Each sets up what it needs first.
SHELL := /bin/bash
PYTHON := .venv/bin/python
# Reproducible output: timestamps come from the last commit unless the caller sets one.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1700000000)

.PHONY: build test test-fast setup setup-test golden lint lock bench images

build: setup
	$(PYTHON) build.py

test: setup-test
	$(PYTHON) -m pytest

# The fast loop while editing: everything but the end-to-end tests that render PDFs and DOCX.
test-fast: setup-test
	$(PYTHON) -m pytest -m "not e2e" -q

# Pin every transitive Python package (requirements.lock) after changing a pin in pyproject.toml.
lock:
	scripts/lock.sh

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

# Regenerate the golden files under tests/golden/ after an intended change, then review the diff.
golden: setup-test
	UPDATE_GOLDEN=1 $(PYTHON) -m pytest tests/test_golden.py -q

# Regenerate docs/images/*.png (page 1 of the sample brief in en, ar, zh) shown in the README.
images: setup
	$(PYTHON) scripts/make_images.py

lint: setup-test
	$(PYTHON) -m ruff check briefkit tests bench scripts && $(PYTHON) -m ruff format --check briefkit tests bench scripts && $(PYTHON) -m mypy briefkit && .venv/bin/lint-imports

# The benchmark (docs/benchmarks.md): about 20 minutes on 2 cores; `BENCH=--quick` for one round, two sizes.
bench:
	@scripts/setup.sh --bench
	$(PYTHON) bench/run.py $(BENCH)
