# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run setup test lint bench check-python clean messages messages-app messages-project

# The embedded default's job worker (database backend) runs beside the development server and
# stops with it.
run: setup
	$(BIN)/insyn db_worker --no-reload --no-startup-delay & worker=$$!; trap 'kill $$worker' EXIT INT TERM; $(BIN)/insyn runserver 127.0.0.1:8000

# Idempotent: migrates, and loads demo data only into an empty database (then prints the logins).
setup: $(STAMP)
	$(BIN)/insyn migrate --noinput
	$(BIN)/insyn demo --if-empty

test: $(STAMP)
	$(BIN)/pytest

# Benchmarks against reference engines on the local PostgreSQL (bench/README.md); not part of `make test`.
bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/vulture

# The English catalogues: refresh each from the source (new strings appear with an empty msgstr to
# translate) and compile it. `make messages-app APP=activera` does one app; the .mo files are committed.
TRANSLATED_APPS := accounts activera audit core decisions forbund home jobs lexheller organisations people sso yearend
MAKEMESSAGES := makemessages -l en --no-obsolete --add-location=file --no-wrap
messages: $(STAMP)
	for app in $(TRANSLATED_APPS); do $(MAKE) --no-print-directory messages-app APP=$$app || exit 1; done
	$(MAKE) --no-print-directory messages-project

# lib and insyn: the project's own catalogue (locale/).
messages-project: $(STAMP)
	$(BIN)/insyn $(MAKEMESSAGES) --ignore "apps/*" --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*" --ignore "var/*" --ignore "scripts/*" --ignore "build/*"
	msgfmt --check-format -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po

messages-app: $(STAMP)
	mkdir -p apps/$(APP)/locale
	cd apps/$(APP) && ../../$(BIN)/insyn $(MAKEMESSAGES) --ignore "tests/*"
	msgfmt --check-format -o apps/$(APP)/locale/en/LC_MESSAGES/django.mo apps/$(APP)/locale/en/LC_MESSAGES/django.po

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Insyn needs Python 3.11 or newer")'

$(STAMP): requirements.lock pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) var/static
