# The two commands of the README:
#   make serve   set up everything, build the dataset and serve it on http://127.0.0.1:8080/
#   make test    set up everything (incl. headless Chromium for the browser tests) and run all tests
# and `make shell`: a shell with `dlkg` on the PATH (or `. .venv/bin/activate`).
# Both work on a fresh machine with Python 3.11+; nothing is needed beyond the package registries.

PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
BUILD   ?= data/build
PORT    ?= 8080
# Offline mirror of the pinned upstream files; used when present (CI and this workplace).
MIRROR  ?= $(abspath $(firstword $(wildcard ../shared/upstream)))
MIRROR_OPT := $(if $(MIRROR),--mirror $(MIRROR),)

.PHONY: serve build test setup shell browser-deps store-deps lint

$(BIN)/dlkg: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(BIN)/dlkg

setup: $(BIN)/dlkg

# `dlkg build` skips the work (one line says so) when sources, curation, ontology, shapes and
# code are unchanged since the last build; `make build FORCE=1` rebuilds anyway.
build: setup
	$(BIN)/dlkg --build-dir $(BUILD) $(MIRROR_OPT) build $(if $(FORCE),--force,)

# The port is checked first, so a taken port fails in a second, not after a build.
serve: setup
	@$(BIN)/dlkg serve --check-port --port $(PORT)
	$(BIN)/dlkg --build-dir $(BUILD) $(MIRROR_OPT) build $(if $(FORCE),--force,)
	$(BIN)/dlkg --build-dir $(BUILD) serve --port $(PORT)

# An interactive shell with the venv's bin/ (dlkg, python, pytest) first on the PATH.
shell: setup
	@echo "dlkg is on the PATH in this shell; 'exit' leaves it"
	@VIRTUAL_ENV="$(abspath $(VENV))" PATH="$(abspath $(BIN)):$$PATH" $${SHELL:-/bin/sh} -i

# Debian's chromium + chromedriver for the browser tests, and a CJK font so they render Chinese
# (root only; otherwise they skip).
browser-deps:
	@if { ! command -v chromedriver >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; } \
		&& [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium, chromium-driver and fonts-noto-cjk"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	fi

# Debian's Virtuoso Open Source for the push tests (root only; otherwise they skip).
# policy-rc.d-less machines may start its system service; the tests use a private one.
store-deps:
	@if ! command -v virtuoso-t >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing virtuoso-opensource"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
	fi

lint: setup
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/ruff format --check pipeline tests bench

test: setup browser-deps store-deps lint
	DLKG_MIRROR=$(MIRROR) $(BIN)/python -m pytest -p no:cacheprovider
