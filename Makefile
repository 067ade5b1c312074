# Regal Desktop: `make run` starts the application, `make test` runs every check.
# Both install what is missing: Debian packages for Qt (as root, or with sudo) and a
# virtual environment in .venv with the project and its test tools.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Libraries Qt's xcb and offscreen platforms load, plus Xvfb for a real X server in tests,
# faketime for the drill that sets the clock back, and PostgreSQL's server for the tests of
# the team store (they start a throwaway cluster of their own: tests/helpers/postgres.py).
DEBS := libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 \
	libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 \
	libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 \
	libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxrender1 fonts-dejavu-core xvfb xauth \
	faketime postgresql

# apt-get waits up to ten minutes for another apt or dpkg (unattended-upgrades, a second
# make) to let go of its locks instead of failing at once; since apt 1.9 the option covers
# the lists lock of `update` as well as the dpkg lock of `install`.
APT_GET := apt-get -o DPkg::Lock::Timeout=600

# Install those of the Debian packages $(1) that are missing (as root, or with sudo).
# `env` after sudo: sudo would drop a DEBIAN_FRONTEND set before it.
define install_debs
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(SUDO) $(APT_GET) update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive \
			$(APT_GET) install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p .make && touch $@
endef

.PHONY: run test lint typecheck pytest test-alone bench drills system-deps venv clean

run: system-deps venv
	$(VENV)/bin/regal-desktop

test: system-deps venv lint typecheck pytest test-alone

system-deps: .make/system-deps
.make/system-deps: Makefile
	$(call install_debs,$(DEBS))

venv: .make/venv
.make/venv: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@mkdir -p .make && touch $@

LINTED := regal_desktop tests benchmarks resources tools

# ruff, then the import contracts of pyproject.toml (layers, no Qt below ui, no database in
# ui) and no import cycle anywhere in regal_desktop: both import checks always run, so one
# failure does not hide the other.
lint: venv
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	@status=0; \
	echo "$(VENV)/bin/lint-imports --no-logo --no-cache"; \
	$(VENV)/bin/lint-imports --no-logo --no-cache || status=1; \
	echo "$(PY) -m tools.import_cycles regal_desktop"; \
	$(PY) -m tools.import_cycles regal_desktop || status=1; \
	exit $$status

typecheck: venv
	$(VENV)/bin/mypy

# The failure drills take a couple of minutes: `make drills` runs them (CI does too).
# pytest-randomly shuffles the order on every run; the seed is printed at the end:
# `--randomly-seed=N` repeats that order, `-p no:randomly` runs in file order.
# Screenshots the layout tests take (1024x700, 1920x1080) are kept in build/test-artifacts.
pytest: venv system-deps
	mkdir -p build/test-artifacts
	QT_QPA_PLATFORM=offscreen REGAL_DESKTOP_ARTIFACTS=$(CURDIR)/build/test-artifacts \
		$(VENV)/bin/pytest -q -m "not drill"

# Each file under tests/ui/ in a pytest process of its own, so a window test that passes
# only because another file ran first in the same QApplication fails here.
test-alone: venv system-deps
	@status=0; for file in $$(find tests/ui -name 'test_*.py' | sort); do \
		echo "QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -m 'not drill' $$file"; \
		QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -m "not drill" "$$file" || status=1; \
	done; exit $$status

# Byte-compiled first, as an installed application is: with PYTHONDONTWRITEBYTECODE set
# (as on CI machines), every start would otherwise compile our modules again.
bench: venv system-deps
	$(PY) -m compileall -q regal_desktop resources benchmarks >/dev/null
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

drills: venv system-deps
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -s -rxX --durations=5 -m drill tests/drills

clean:
	rm -rf $(VENV) .make build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache \
		.import_linter_cache

# Installers (docs/packaging.md). `make package` builds dist/regal-desktop_<version>_amd64.deb
# with PyInstaller, checks it with lintian and desktop-file-validate, then smoke-tests the
# extracted package; `make package-windows` proves the NSIS script compiles (placeholder
# payload: the real one is built on a Windows runner, .github/workflows/installers.yml).
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' regal_desktop/__init__.py)
DEB := dist/regal-desktop_$(VERSION)_amd64.deb
FROZEN := build/frozen/regal-desktop
# dpkg-shlibdeps (dpkg-dev) derives Depends; patchelf drops the build machine's run paths.
PACKAGE_DEBS := dpkg-dev patchelf lintian desktop-file-utils nsis

.PHONY: package package-deb package-smoke package-windows package-deps package-venv

package: package-deb
	@$(MAKE) --no-print-directory package-smoke

package-deps: .make/package-deps
.make/package-deps: Makefile
	$(call install_debs,$(PACKAGE_DEBS))

package-venv: .make/package-venv
.make/package-venv: .make/venv pyproject.toml
	$(PY) -m pip install -q -e '.[package]'
	@mkdir -p .make && touch $@

package-deb: system-deps package-deps package-venv
	rm -rf build/pyinstaller $(FROZEN) $(DEB)
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--workpath build/pyinstaller --distpath $(dir $(FROZEN)) packaging/regal-desktop.spec
	packaging/build_deb.sh $(FROZEN) $(VERSION) dist
	desktop-file-validate resources/regal-desktop.desktop
	lintian --fail-on error,warning $(DEB)

package-smoke: system-deps package-deps package-venv
	$(PY) packaging/smoke.py $(DEB)

package-windows: package-deps
	rm -rf build/windows && mkdir -p build/windows/placeholder/_internal
	printf 'placeholder: PyInstaller builds the real program on Windows\r\n' \
		>build/windows/placeholder/regal-desktop.exe
	printf 'placeholder\r\n' >build/windows/placeholder/_internal/README.txt
	makensis -V2 -WX -DVERSION=$(VERSION) -DPAYLOAD=$(CURDIR)/build/windows/placeholder \
		-DOUTFILE=$(CURDIR)/build/windows/regal-desktop-$(VERSION)-setup-placeholder.exe \
		packaging/windows/regal-desktop.nsi
	@echo "compiled build/windows/regal-desktop-$(VERSION)-setup-placeholder.exe"
