# Build / test entry points. `make demo` and `make test` are all a fresh machine needs (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
BROWNIE_PORT ?= 8545

# anvil (npm @foundry-rs/anvil-*) and the venv's tools come first on PATH; py-solc-x finds solc 0.8.30
# (native, or the solc-js wrapper) in the project's .solcx/ folder.
export PATH := $(VENV)/bin:$(ROOT)/node_modules/.bin:$(PATH)
export VIRTUAL_ENV := $(VENV)
export SOLCX_BINARY_PATH := $(ROOT)/.solcx
export BROWNIE_PORT

PY_DIRS := scripts offchain tests tools

.PHONY: help setup test demo console lint fmt slither unit bench lock clean

help:
	@echo "make demo     - set up, then the devnet demo: chain, scheduler, workers, a bag of tasks, the picture"
	@echo "make test     - set up, then lint, static analysis (slither) and the brownie test suite"
	@echo "make console  - set up, then brownie console on a local anvil chain"
	@echo "make lint     - ruff (Python) and solhint (Solidity; errors fail, warnings are advice)"
	@echo "make fmt      - format Python sources with ruff"
	@echo "make bench    - run scripts/benchmark.py if it exists"
	@echo "make setup    - install everything (idempotent; fast when nothing changed)"
	@echo "make lock     - re-resolve requirements.in into requirements.lock"
	@echo "BROWNIE_PORT=<port> picks the local chain's port (default 8545)."

setup:
	@bash tools/setup.sh

# Refuse to attach to a chain someone else already runs on our port: demo and tests want a fresh one.
define require_free_port
	@if (exec 3<>/dev/tcp/127.0.0.1/$(BROWNIE_PORT)) 2>/dev/null; then \
	  echo "error: port $(BROWNIE_PORT) is in use; pick another with BROWNIE_PORT=<port>"; exit 1; fi
endef

test: setup
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory slither
	@$(MAKE) --no-print-directory unit

unit:
	$(require_free_port)
	brownie test

slither:
	python tools/slither_gate.py

# The devnet demo picks its own free ports (anvil, scheduler) and stops every process it started.
demo: setup
	brownie compile >/dev/null
	python scripts/demo.py $(DEMO_ARGS)

console: setup
	brownie console

lint:
	ruff check $(PY_DIRS)
	ruff format --check $(PY_DIRS)
	@files=$$(find contracts interfaces -name '*.sol' 2>/dev/null || true); \
	if [ -n "$$files" ]; then solhint --disc $$files; else echo "solhint: no Solidity files yet"; fi

fmt:
	ruff format $(PY_DIRS)
	ruff check --fix $(PY_DIRS)

bench: setup
	@if [ -f scripts/benchmark.py ]; then python tools/brownie_run.py scripts/benchmark.py; \
	else echo "bench: scripts/benchmark.py does not exist yet; nothing to run"; fi

lock:
	@bash tools/lock.sh

clean:
	rm -rf build reports .stamps .solcx .hypothesis
