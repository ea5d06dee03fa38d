"""Every string two parts of the deployment must agree on, written once.

Derived names (the bucket, the instance, the namespace...) are `settings.names`; this module
holds the fixed strings and numbers that cross a boundary: between the manifests (k8s/) and the
server image's programs (mlflow_server/), between the manifests and the Makefile's commands
(ops/), between the Terraform side (infra/) and the manifests. Each constant says who writes it
and who reads it. The image's side of the contract (the environment its entry point and its IAP
plugin read) is the image's own module, `mlflow_entrypoint.contract`, re-exported here, so the
image, infra/, k8s/ and ops/ all read one definition.
"""

from __future__ import annotations

# ---------------------------------------------------------------- the server image's programs
# The image's interface (its entry point's subcommands, the environment its entry point and its
# IAP plugin read, its user, the KEK document's keys, MLflow's health path), defined by the
# image and read here: mlflow_server/entrypoint/mlflow_entrypoint/contract.py says who writes and
# who reads each one.
from mlflow_entrypoint.contract import *  # noqa: F403 - the image's interface, whole
from mlflow_entrypoint.contract import DB_COMMAND, DB_UPGRADE_COMMAND

# The `db upgrade` subcommand as the init container's args.
DB_UPGRADE = (DB_COMMAND, DB_UPGRADE_COMMAND)
# The Auth Proxy image's user (distroless nonroot).
PROXY_UID = 65532

# ---------------------------------------------------------------- inside the pod

# Where the containers find their inputs (the e2e harness maps each mount to a folder).
SECRETS_DIR = "/var/run/secrets/mlflow/db"
PASSWORD_FILE = "password"  # noqa: S105 - a file name  # pragma: allowlist secret
# The KEK passphrase beside it, in the same volume: it protects data in the same database (the
# secrets users store), and the entry point reads both before MLflow starts.
KEK_FILE = "kek-passphrase"
# Google credentials outside GKE: a credential configuration and its token, or an opt-in key.
GCP_CREDENTIALS_DIR = "/var/run/secrets/mlflow/gcp"
KEY_FILE = "key.json"  # pragma: allowlist secret
TOKEN_FILE = "token"  # noqa: S105 - a file name  # pragma: allowlist secret
CREDENTIAL_CONFIG_FILE = "credential-configuration.json"
TMP_DIR = "/tmp"
PROMETHEUS_DIR = f"{TMP_DIR}/prometheus"

# Where the Auth Proxy listens for the server, and its health-check endpoints.
PROXY_ADDRESS = "127.0.0.1"
PROXY_PORT = 5432
PROXY_HEALTH_PORT = 9801
# The Auth Proxy's server-side port on the instance (the NetworkPolicy's egress).
CLOUD_SQL_PORT = 3307

# ---------------------------------------------------------------- the Makefile's commands

# The Secret `make secrets` (ops/cluster_secrets.py) creates on the local platform, and the
# keys the pod's secrets volume maps to PASSWORD_FILE and KEK_FILE (k8s/platforms/local.py).
LOCAL_PASSWORD_KEY = "db-password"  # noqa: S105 - a key's name  # pragma: allowlist secret
LOCAL_KEK_KEY = "kek-passphrase"
# The image pull secret for Artifact Registry (local platform, key opt-in only).
IMAGE_PULL_SECRET = "artifact-registry-pull"  # noqa: S105 - a name  # pragma: allowlist secret
# The sensitive Terraform output of the key opt-in (infra/platforms/external.py writes it,
# ops/cluster_secrets.py reads it).
KEY_OUTPUT = "workload_sa_key"

# ---------------------------------------------------------------- Google Cloud's own addresses

# private.googleapis.com: the VIP that Private Google Access serves Google APIs on. infra/ maps
# *.googleapis.com to it in a private DNS zone, so k8s/ can allow pod egress to Google APIs by
# this one range. https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain
PRIVATE_GOOGLE_APIS_CIDR = "199.36.153.8/30"
PRIVATE_GOOGLE_APIS_IPS = ("199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11")
# restricted.googleapis.com: the VIP that serves only the APIs VPC Service Controls supports
# (https://cloud.google.com/vpc-service-controls/docs/private-connectivity, "IP address ranges
# for restricted.googleapis.com"). Inside a perimeter infra/ maps *.googleapis.com and *.pkg.dev
# to it; gstatic.com (IAP's signing keys), which it does not serve, stays on the private VIP.
RESTRICTED_GOOGLE_APIS_CIDR = "199.36.153.4/30"
RESTRICTED_GOOGLE_APIS_IPS = ("199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7")
# Google Front Ends and health checkers of the external Application Load Balancer.
# https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
LOAD_BALANCER_RANGES = ("130.211.0.0/22", "35.191.0.0/16")
