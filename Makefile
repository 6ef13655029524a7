# One entry point for people and CI. `make run` and `make test` are the README's Quick start.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install run test lint soak bench screenshots

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -U pip
	$(VENV)/bin/pip install -q -e '.[test,prod]'
	touch $@

run: install
	scripts/run

test: install
	scripts/test

lint: install
	$(VENV)/bin/ruff check .

bench: install
	PYTHONPATH=. $(PY) -m bench.run

# Refresh the README's pictures of the product from the browser tests.
screenshots: install
	SCREENSHOT_DIR=docs/screenshots $(VENV)/bin/pytest -q -m browser tests/browser

soak: install
	scripts/soak
