# Swara: the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 8000
export TF_ENABLE_ONEDNN_OPTS := 0
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run run-https test install install-test install-build system-deps bundle test-py test-js test-fast lint-py lint-js bench bench-quick models clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Serving needs only the base package.
$(VENV)/.base: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

bundle: node_modules/.package-lock.json
	node scripts/bundle.mjs

install: $(VENV)/.base bundle

run: install
	$(PY) -m app --host $(HOST) --port $(PORT)

# A phone on the same Wi-Fi: HTTPS on the LAN address (self-signed certificate), URL + QR code.
HTTPS_PORT ?= 8443
run-https: install
	$(PY) -m app --https --port $(HTTPS_PORT)

# Debian packages the tests and the model factory use; installed only when missing.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v fluidsynth >/dev/null || missing="$$missing fluidsynth"; \
	[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || missing="$$missing fluid-soundfont-gm"; \
	[ -f /usr/share/sounds/sf2/MuseScore_General.sf2 ] || [ -f /usr/share/sounds/sf3/MuseScore_General.sf3 ] || missing="$$missing musescore-general-soundfont"; \
	[ -f /usr/share/sounds/sf2/TimGM6mb.sf2 ] || missing="$$missing timgm6mb-soundfont"; \
	fc-list 2>/dev/null | grep -qi lohit || missing="$$missing fonts-lohit-deva"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The model-factory stack: ddsp without its stale pins, crepe replaced by an offline shim.
$(VENV)/.build: pyproject.toml shims/crepe/crepe/__init__.py | $(VENV)/.base
	$(PIP) install -q -e '.[build,test]'
	$(PIP) install -q --no-deps ddsp==3.7.0 ./shims/crepe
	# Ray Tune for `build_models.py --sweep`, in its own step: tensorflowjs pins packaging~=23.1
	# in its metadata, Ray needs >=24.2; the converter works with the newer one (checked here).
	$(PIP) install -q "ray[tune]==2.60.*" "packaging>=24.2" "pyarrow<18"
	touch $@

# The outside ear (factory/ear.py): musicnn ships its tagger's weights in the wheel; its metadata
# pins numpy<1.17, which it does not need (it runs on ours, in a child process).
$(VENV)/.ear: | $(VENV)/.build
	$(PIP) install -q --no-deps musicnn==0.1.0
	touch $@

install-test: $(VENV)/.build $(VENV)/.ear system-deps bundle

test: install-test
	$(MAKE) --no-print-directory lint-js test-js lint-py test-py

# The node tests, lint and pytest without the browser tests (tests/e2e): minutes, not the hour.
test-fast: install-test
	$(MAKE) --no-print-directory lint-js test-js lint-py test-py PYTEST_ARGS='-m "not e2e" $(PYTEST_ARGS)'

lint-py: $(VENV)/.build
	$(VENV)/bin/ruff check .

lint-js: node_modules/.package-lock.json
	node_modules/.bin/eslint .

test-js:
	node --test tests/js/*.mjs

test-py:
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

models: $(VENV)/.build system-deps
	$(PY) build_models.py $(ARGS)

bench: install-test
	$(PY) -m bench.run $(ARGS)

bench-quick: install-test
	$(PY) -m bench.run --quick

clean:
	rm -rf static/build tests/build node_modules $(VENV)
