# Two commands on a fresh machine: `make run` (the bot) and `make test` (the tests).
# Both install what they need into .venv from this project's own files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install catalogs migrate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

catalogs: $(STAMP)
	$(PY) tools/i18n.py compile

install: $(STAMP) catalogs

run: install
	$(PY) -m bot

migrate: install
	$(PY) -m bot migrate

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)
