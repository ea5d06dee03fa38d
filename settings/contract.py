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

# The entry point on the image's PATH and the subcommands the pods run (k8s/ writes the args).
ENTRYPOINT = "mlflow-entrypoint"
DB_UPGRADE = ("db", "upgrade")
SERVER = "server"
GC = "gc"
# The image's numeric user and group (its Dockerfile's USER), and the Auth Proxy image's
# (distroless nonroot): the pods' security contexts run them as exactly these.
SERVER_UID = 10001
SERVER_GID = 10001
PROXY_UID = 65532
# MLflow's health endpoint: the kubelet's probes, the load balancer's health check (which has
# no IAP assertion, so the IAP plugin lets exactly this path through) and the e2e checks.
HEALTH_PATH = "/health"

# The environment the image's entry point reads (k8s/config.py writes the ConfigMap).
DB_HOST_ENV = "DB_HOST"
DB_PORT_ENV = "DB_PORT"
DB_NAME_ENV = "DB_NAME"
DB_USER_ENV = "DB_USER"
DB_PASSWORD_FILE_ENV = "DB_PASSWORD_FILE"  # noqa: S105 - a variable's name  # pragma: allowlist secret
KEK_PASSPHRASE_FILE_ENV = "KEK_PASSPHRASE_FILE"  # noqa: S105 - a variable's name
AUTH_DB_NAME_ENV = "AUTH_DB_NAME"
SERVER_APP_NAME_ENV = "SERVER_APP_NAME"
# MLflow's own option, which `mlflow-entrypoint gc` also reads to resolve proxied artifacts.
ARTIFACTS_DESTINATION_ENV = "MLFLOW_ARTIFACTS_DESTINATION"
# What the entry point sets itself for MLflow and the IAP plugin (never the manifests).
BACKEND_STORE_URI_ENV = "MLFLOW_BACKEND_STORE_URI"
AUTH_DATABASE_URI_ENV = "IAP_AUTH_DATABASE_URI"
PASSPHRASE_ENV = "MLFLOW_CRYPTO_KEK_PASSPHRASE"  # noqa: S105 - a variable's name
KEK_VERSION_ENV = "MLFLOW_CRYPTO_KEK_VERSION"

# The IAP plugin (mlflow_server/iap_auth): its app name and the environment it reads
# (k8s/auth.py writes them).
IAP_APP_NAME = "iap-auth"
IAP_PROJECT_NUMBER_ENV = "IAP_PROJECT_NUMBER"
IAP_BACKEND_SERVICE_ID_ENV = "IAP_BACKEND_SERVICE_ID"
IAP_ADMINS_ENV = "IAP_ADMINS"
IAP_DEFAULT_PERMISSION_ENV = "IAP_DEFAULT_PERMISSION"
IAP_PORT_FORWARD_USER_ENV = "IAP_PORT_FORWARD_USER"
IAP_IN_CLUSTER_USER_ENV = "IAP_IN_CLUSTER_USER"
IAP_IN_CLUSTER_CIDRS_ENV = "IAP_IN_CLUSTER_CIDRS"
IAP_UNVERIFIED_PATHS_ENV = "IAP_UNVERIFIED_PATHS"
IAP_KEYS_URL_ENV = "IAP_KEYS_URL"

# The KEK passphrase document: infra/kek.py writes it into Secret Manager, the entry point
# reads it from the mounted file: {"version": N, "passphrase": "...", "previous": [...]}.
KEK_VERSION_KEY = "version"
KEK_PASSPHRASE_KEY = "passphrase"  # noqa: S105 - a key's name
KEK_PREVIOUS_KEY = "previous"

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
# Google Front Ends and health checkers of the external Application Load Balancer.
# https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
LOAD_BALANCER_RANGES = ("130.211.0.0/22", "35.191.0.0/16")
