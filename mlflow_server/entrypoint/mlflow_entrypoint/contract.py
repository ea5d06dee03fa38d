"""The server image's interface: every name the deployment and the image's programs agree on.

The manifests (k8s/), the Secret Manager secret (infra/kek.py) and the settings model write
these names; `mlflow-entrypoint` and the IAP plugin (mlflow_server/iap_auth) read them. One
definition here, imported on both sides, so that a rename cannot leave one side behind: the
settings package imports this module at synth time, where MLflow is not installed, hence no
import at all. Plain `str` and `int` constants, because the values go into cdk8s/jsii calls as
they are.
"""

# -- the program -----------------------------------------------------------------------------

# The image's ENTRYPOINT (Dockerfile) and the console script of this distribution; the
# manifests' `command`. Also the logger name of its log lines.
PROGRAM = "mlflow-entrypoint"
# `mlflow-entrypoint db upgrade`: the Deployment's init container (k8s/server.py) runs it.
DB_COMMAND = "db"
# The one `db` subcommand.
DB_UPGRADE_COMMAND = "upgrade"
# `mlflow-entrypoint server [mlflow server options]`: the server container; the image's CMD.
SERVER_COMMAND = "server"
# `mlflow-entrypoint gc [mlflow gc options]`: the gc CronJob (k8s/gc.py).
GC_COMMAND = "gc"
# `mlflow-entrypoint rewrite-artifact-uris --map OLD=NEW [--apply]`: an operator, through
# `kubectl exec` (docs/seed.md).
REWRITE_ARTIFACT_URIS_COMMAND = "rewrite-artifact-uris"

# -- the environment the deployment sets and the entry point reads -----------------------------

# The database host: the Cloud SQL Auth Proxy sidecar's address (k8s/config.py writes it).
DB_HOST_ENV = "DB_HOST"
# The proxy's port (k8s/config.py writes it).
DB_PORT_ENV = "DB_PORT"
# MLflow's tracking database in the instance (k8s/config.py writes it).
DB_NAME_ENV = "DB_NAME"
# The database user MLflow connects as (k8s/config.py writes it).
DB_USER_ENV = "DB_USER"
# The path of the mounted password file (k8s/config.py writes it, the Secret's volume holds it);
# the entry point reads the file, so the password is never in a manifest or in argv.
DB_PASSWORD_FILE_ENV = "DB_PASSWORD_FILE"  # noqa: S105 - a variable's name  # pragma: allowlist secret
# Unset: IAM database authentication (k8s/database_auth/iam.py): the Auth Proxy logs in as the
# pod's service account (--auto-iam-authn) and the URI carries no password.
# Optional: the NOLOGIN role that owns MLflow's tables (k8s/database_auth writes it). Every
# session the entry point's programs open acts as it (the URI's `options=-c role=...`), so that
# what a migration creates belongs to it whichever login ran it. With a password login,
# `db upgrade` creates it, makes the login and DB_IAM_USER its members and gives it what the
# login owns (mlflow_entrypoint.ownership: the handover to IAM database authentication).
DB_OWNER_ROLE_ENV = "DB_OWNER_ROLE"
# Optional, with a password login: the IAM database user that becomes a member of DB_OWNER_ROLE.
DB_IAM_USER_ENV = "DB_IAM_USER"
# Optional, with the IAM login: the built-in login of an earlier password deployment, whose
# objects `db upgrade` gives to DB_OWNER_ROLE while the bootstrap lends it to the IAM login
# (mlflow_entrypoint.bootstrap).
DB_BUILTIN_USER_ENV = "DB_BUILTIN_USER"
# The path of the mounted KEK passphrase document (k8s/config.py writes it, infra/kek.py the
# document); the entry point reads it for `db upgrade` and `server`.
KEK_PASSPHRASE_FILE_ENV = "KEK_PASSPHRASE_FILE"  # noqa: S105 - a variable's name
# Optional: the auth mode's users and permissions database in the same instance (k8s/auth.py
# writes it); `db upgrade` creates and migrates it, `server` passes its URI to the IAP plugin.
AUTH_DB_NAME_ENV = "AUTH_DB_NAME"
# Optional: `mlflow server --app-name` (k8s/auth.py writes IAP_APP_NAME into it).
SERVER_APP_NAME_ENV = "SERVER_APP_NAME"
# Where proxied artifacts live (k8s/config.py writes it). `mlflow server` reads it as
# --artifacts-destination; `gc` resolves `mlflow-artifacts:` URIs against it; the rewrite tool
# checks its mappings against it.
MLFLOW_ARTIFACTS_DESTINATION_ENV = "MLFLOW_ARTIFACTS_DESTINATION"

# MLflow's port (`mlflow server --port`'s variable; k8s/config.py writes the container port).
MLFLOW_PORT_ENV = "MLFLOW_PORT"
# MLflow's Host header allowlist (`--allowed-hosts`; k8s/config.py writes the exact names). The
# entry point appends the pod's own address to it (POD_IP), which no manifest can know.
MLFLOW_SERVER_ALLOWED_HOSTS_ENV = "MLFLOW_SERVER_ALLOWED_HOSTS"
# MLflow's CORS allowlist (`--cors-allowed-origins`; k8s/config.py writes the exact origins).
# The IAP plugin refuses any request whose Origin is not exactly one of them.
MLFLOW_SERVER_CORS_ALLOWED_ORIGINS_ENV = "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS"
# The pod's IP address (the server container's env, from the downward API's status.podIP, which
# k8s/server.py writes): Managed Prometheus scrapes http://<pod IP>:<port>/metrics, so the
# entry point adds `ip` and `ip:port` to MLFLOW_SERVER_ALLOWED_HOSTS. Optional (unset: nothing
# is added).
POD_IP_ENV = "POD_IP"

# -- the environment the entry point sets for the programs it starts ---------------------------

# The backend store URI the entry point assembles: `mlflow server` reads it as
# --backend-store-uri, `mlflow gc` and the rewrite tool read it. The deployment never sets it.
MLFLOW_BACKEND_STORE_URI_ENV = "MLFLOW_BACKEND_STORE_URI"
# The auth database's URI, built from the DB_* settings and AUTH_DB_NAME by the entry point;
# the IAP plugin reads it. The deployment never sets it.
IAP_AUTH_DATABASE_URI_ENV = "IAP_AUTH_DATABASE_URI"
# MLflow's KEK passphrase and version (mlflow/utils/crypto.py), from the KEK document, for the
# server process only. The deployment never sets them (the settings refuse them in extra_env).
MLFLOW_CRYPTO_KEK_PASSPHRASE_ENV = "MLFLOW_CRYPTO_KEK_PASSPHRASE"  # noqa: S105  # pragma: allowlist secret
MLFLOW_CRYPTO_KEK_VERSION_ENV = "MLFLOW_CRYPTO_KEK_VERSION"

# -- the IAP plugin's environment (k8s/auth.py's ConfigMap writes it; mlflow_iap_auth reads it) -

# The project number in IAP's audience (/projects/N/global/backendServices/ID).
IAP_PROJECT_NUMBER_ENV = "IAP_PROJECT_NUMBER"
# Optional: the backend service id that completes the audience, pinned for good (no lookup).
IAP_BACKEND_SERVICE_ID_ENV = "IAP_BACKEND_SERVICE_ID"
# Without IAP_BACKEND_SERVICE_ID, the plugin looks its backend service up (mlflow_iap_auth.
# backend_services): the cluster's project id, where the Ingress builds the load balancer ...
IAP_PROJECT_ID_ENV = "IAP_PROJECT_ID"
# ... the Service the Ingress routes to, NAMESPACE/NAME, as the backend service's description
# names it ...
IAP_SERVICE_ENV = "IAP_SERVICE"
# ... and the Service port's name, as the Ingress names it.
IAP_SERVICE_PORT_ENV = "IAP_SERVICE_PORT"
# Optional: the Service port's number, set by the Gateway API edge, whose controller names the
# backend service gkegw1-<hash>-NAMESPACE-NAME-NUMBER-<hash> (no description to read).
IAP_SERVICE_PORT_NUMBER_ENV = "IAP_SERVICE_PORT_NUMBER"
# Optional: the Compute Engine API's root (default https://compute.googleapis.com/compute/v1).
# The deployment leaves it unset (the pod's token goes there); the e2e tests point it at their
# stand-in.
IAP_COMPUTE_URL_ENV = "IAP_COMPUTE_URL"
# Optional: MLflow's permission for users without a grant (default READ).
IAP_DEFAULT_PERMISSION_ENV = "IAP_DEFAULT_PERMISSION"
# The comma-separated MLflow admins (IAP identities).
IAP_ADMINS_ENV = "IAP_ADMINS"
# Optional: the comma-separated CIDRs of in-cluster callers (the pod range).
IAP_IN_CLUSTER_CIDRS_ENV = "IAP_IN_CLUSTER_CIDRS"
# Optional: the MLflow user that in-cluster callers without an IAP header read /metrics as.
IAP_IN_CLUSTER_USER_ENV = "IAP_IN_CLUSTER_USER"
# The MLflow user of `kubectl port-forward` (loopback) callers.
IAP_PORT_FORWARD_USER_ENV = "IAP_PORT_FORWARD_USER"
# Optional: the most the port-forward user may do, READ, EDIT or MANAGE (default READ).
IAP_PORT_FORWARD_PERMISSION_ENV = "IAP_PORT_FORWARD_PERMISSION"
# Optional: where IAP's public keys come from (default Google's key set). The deployment leaves
# it unset (a team's value would choose whose signatures count); the e2e tests point it at
# their stand-in.
IAP_KEYS_URL_ENV = "IAP_KEYS_URL"
# Optional: comma-separated paths served without a verified identity (k8s/auth.py writes
# HEALTH_PATH; the plugin's default is HEALTH_PATH too).
IAP_UNVERIFIED_PATHS_ENV = "IAP_UNVERIFIED_PATHS"

# -- the IAP plugin's bounds on work per request (k8s/auth.py writes them from settings/limits.py,
# per server process; mlflow_iap_auth.limits reads them) -----------------------------------------

# The largest non-artifact request body, in bytes (413 beyond it).
LIMITS_BODY_MAX_BYTES_ENV = "LIMITS_BODY_MAX_BYTES"
# The non-artifact body bytes one process holds at once (503 beyond, 429 beyond a caller's half).
LIMITS_BODY_BUDGET_BYTES_ENV = "LIMITS_BODY_BUDGET_BYTES"
# The largest artifact file one upload carries, in bytes (413 beyond it).
LIMITS_TRANSFER_MAX_BYTES_ENV = "LIMITS_TRANSFER_MAX_BYTES"
# The artifact bytes one process spools in /tmp at once (503 beyond, 429 beyond a caller's half).
LIMITS_TRANSFER_BUDGET_BYTES_ENV = "LIMITS_TRANSFER_BUDGET_BYTES"
# Optional: how long a request waits for room before that 503/429 (default 10 s).
LIMITS_WAIT_SECONDS_ENV = "LIMITS_WAIT_SECONDS"

# -- values ----------------------------------------------------------------------------------

# The IAP plugin's `mlflow.app` entry point (mlflow_server/iap_auth/pyproject.toml): the value
# of SERVER_APP_NAME that turns IAP identities on.
IAP_APP_NAME = "iap-auth"
# MLflow's health endpoint: the probes' and the load balancer's health check path (k8s/), and
# the IAP plugin's default unverified path (health checks carry no IAP header).
HEALTH_PATH = "/health"
# MLflow's Prometheus endpoint (--expose-prometheus): what Managed Prometheus scrapes
# (k8s/monitoring.py), and the one path in-cluster callers without an IAP assertion may GET.
METRICS_PATH = "/metrics"
# The image's numeric user and group (the Dockerfile's USER): the pods' runAsUser, runAsGroup
# and fsGroup (k8s/meta.py), so that the mounted secret files are readable by the server.
IMAGE_UID = 10001
IMAGE_GID = 10001

# -- the KEK passphrase document (infra/kek.py writes it; the entry point reads it) ------------

# The current KEK's version, which MLflow folds into its key derivation.
KEK_VERSION_KEY = "version"
# The current KEK passphrase.
KEK_PASSPHRASE_KEY = "passphrase"  # noqa: S105 - a key's name
# The older KEKs ({version, passphrase} objects) that stored secrets may still be under.
KEK_PREVIOUS_KEY = "previous"
