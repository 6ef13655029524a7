# One entry point for people and CI. `make run` and `make test` are the README's Quick start.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install run test lint soak bench screenshots messages

# The Chinese catalogue is kept as its .po; the .mo the app reads is compiled here.
CATALOGUE := backoffice/translations/zh_Hans_CN/LC_MESSAGES/messages

install: $(VENV)/.installed $(CATALOGUE).mo

$(CATALOGUE).mo: $(CATALOGUE).po $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d backoffice/translations

# After wrapping new strings in _(): extract them, merge them into the catalogue, translate.
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o backoffice/translations/messages.pot .
	$(VENV)/bin/pybabel update -N -i backoffice/translations/messages.pot -d backoffice/translations

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
