# Regal Desktop: `make run` starts the application, `make test` runs every check.
# Both install what is missing: Debian packages for Qt (as root, or with sudo) and a
# virtual environment in .venv with the project and its test tools.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Libraries Qt's xcb and offscreen platforms load, plus Xvfb for a real X server in tests.
DEBS := libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 \
	libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 \
	libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 \
	libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxrender1 fonts-dejavu-core xvfb xauth

.PHONY: run test lint typecheck pytest bench drills system-deps venv clean

run: venv
	$(VENV)/bin/regal-desktop

test: system-deps venv lint typecheck pytest

system-deps: .make/system-deps
.make/system-deps: Makefile
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p .make && touch $@

venv: .make/venv
.make/venv: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@mkdir -p .make && touch $@

lint: venv
	$(VENV)/bin/ruff check regal_desktop tests benchmarks resources
	$(VENV)/bin/ruff format --check regal_desktop tests benchmarks resources

typecheck: venv
	$(VENV)/bin/mypy

pytest: venv system-deps
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q

bench: venv system-deps
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

drills: venv system-deps
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -m slow tests

clean:
	rm -rf $(VENV) .make build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
