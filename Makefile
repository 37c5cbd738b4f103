# Rencai — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Newest Python >= 3.12: PATH first, then pyenv's installed versions.
# (pyenv shims answer only with PYENV_VERSION set, so we test each candidate.)
define find_python
for c in python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  p=$$(command -v $$c 2>/dev/null) || continue; \
  $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1 && { echo $$p; exit 0; }; \
done; exit 1
endef

.PHONY: run test setup lint format bench clean worker

$(VENV)/.installed: pyproject.toml constraints.txt
	@PYBIN=$$($(find_python)) || { echo "错误 / ERROR: Rencai needs Python >= 3.12 (Django 6.1). None found on PATH or in pyenv's versions. Install one, e.g. 'pyenv install 3.13'." >&2; exit 1; }; \
	echo "Using $$PYBIN ($$($$PYBIN --version))"; \
	[ -x $(PY) ] || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

setup: $(VENV)/.installed

run: setup
	$(VENV)/bin/rencai bootstrap --no-banner
	PORT=$(PORT) $(VENV)/bin/rencai serve --with-worker

worker: setup
	$(VENV)/bin/rencai worker

test: setup
	@scripts/ensure-chromium
	@scripts/ensure-clamd
	@scripts/ensure-oidc-provider
	@scripts/ensure-axe
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var/test-*
