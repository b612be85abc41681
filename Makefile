# Two commands on a fresh machine: `make run` (the bot) and `make test` (the tests).
# Both install what they need into .venv from this project's own files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install catalogs migrate sandbox browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

catalogs: $(STAMP)
	$(PY) tools/i18n.py compile

install: $(STAMP) catalogs

# Without BOT_TOKEN or ZALO_BOT_TOKEN (in the environment or .env), `make run` starts the local sandbox:
# the whole bot on this machine with a browser chat page, no Telegram needed.
# Its options: `make run PORT=9000` (default 8080), and any of `python -m bot sandbox --help`
# in SANDBOX_ARGS, e.g. `make run SANDBOX_ARGS="--reset --at now"`. With BOT_TOKEN the bot
# polls Telegram and listens on no port: PORT and SANDBOX_ARGS do not apply.
PORT ?=
SANDBOX_ARGS ?=
SANDBOX_OPTS = $(if $(strip $(PORT)),--port $(strip $(PORT)) )$(SANDBOX_ARGS)

run: install
	@if [ -n "$$BOT_TOKEN$$ZALO_BOT_TOKEN" ] || grep -Eqs '^[[:space:]]*(export[[:space:]]+)?(ZALO_)?BOT_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]#]' .env; then $(PY) -m bot; else $(PY) -m bot sandbox $(SANDBOX_OPTS); fi

sandbox: install
	$(PY) -m bot sandbox $(SANDBOX_OPTS)

migrate: install
	$(PY) -m bot migrate

# Debian packages the tests use: chromium drives the sandbox's browser tests (never a
# downloaded browser build); Liberation Serif has Times New Roman's metrics, so the DOCX
# tests measure a line as Word lays it out.
browser:
	@{ { command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; } && \
	   [ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ]; } || \
	  { command -v apt-get >/dev/null 2>&1 && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji fonts-liberation2 >/dev/null; } || \
	  echo "chromium or fonts-liberation2 could not be installed: the browser and DOCX layout tests will fail"

# Lint, format and types first (configured in pyproject.toml): a finding fails `make test`
# before a single test runs. `ruff format .` rewrites what `--check` rejects.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: lint browser
	$(PY) -m pytest -q $(PYTEST_ARGS)
