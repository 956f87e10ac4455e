# The two commands a newcomer needs: `make run` and `make test`.
# The interpreter of the project's virtual environment: the distribution's python3
# when it is 3.11 or newer and can make one (Debian builds it with profile-guided
# and link-time optimisation), else the first python3 on PATH. A default pyenv
# build has neither optimisation and ran the engine a third slower on our
# machines (`make bench`, section b). PYTHON=... chooses another.
PYTHON ?= $(shell for p in /usr/bin/python3 python3; do \
	"$$p" -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo "$$p"; exit 0; }; \
	done; echo python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test install install-dev native serve migrate loadkb bench evaluate clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies change.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[native]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev,native]"
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
	@$(MAKE) --no-print-directory native
install-dev: $(VENV)/.installed-dev
	@$(MAKE) --no-print-directory native

# The engine compiled with Cython into var/native/ (kb/build_native.py): about 10%
# faster. Quick when up to date; without a C compiler the engine runs as plain Python.
native: | $(PY)
	$(PY) -m kb.build_native

migrate: install
	$(PY) manage.py migrate --noinput

loadkb: migrate
	$(PY) manage.py loadkb

run: loadkb
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Mailfix is starting on http://$(HOST):$(PORT)/"
	@echo "  Staff admin:        http://$(HOST):$(PORT)/admin/"
	@echo "  Make a staff login: $(PY) manage.py createsuperuser"
	@echo "  Stop with Ctrl-C."
	@echo ""
	$(VENV)/bin/gunicorn kb.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# The benchmark compares with Debian's Sisimai (Perl) when it can be installed;
# without it, it prints its own figures and says Sisimai is missing.
bench: loadkb
	@perl -MSisimai -e1 2>/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get install -y -qq libsisimai-perl >/dev/null 2>&1 || \
		 (apt-get update -qq && apt-get install -y -qq libsisimai-perl >/dev/null 2>&1)); } || true
	@# bytecode once, so start-up is not spent recompiling (some environments never write .pyc)
	$(PY) -m compileall -q kb articles manage.py
	$(PY) manage.py benchmark

evaluate: install
	$(PY) manage.py evaluate

clean:
	rm -rf $(VENV) var/static var/native .pytest_cache
