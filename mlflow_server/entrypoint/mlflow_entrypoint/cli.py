"""`mlflow-entrypoint`: the server image's entry point (this distribution's console script).

It assembles the PostgreSQL backend URI from the pod's environment and a mounted password file
(mlflow_entrypoint.backend), and reads the KEK passphrase that MLflow encrypts users' stored
secrets with (AI gateway API keys) from a second mounted file (mlflow_entrypoint.kek), so that
neither ever appears in a manifest, in argv (visible in `ps` and in the pod spec) or in a log
line, then either

* `mlflow-entrypoint db upgrade`: creates or migrates the schema in-process, holding a
  PostgreSQL advisory lock so that replicas (or a rollout's old and new pods) that start
  together run one migration after the other instead of racing; under the same lock it
  applies the project's tuning (PROJECT_INDEXES, PROJECT_SETTINGS), migrates the auth mode's
  database when there is one, and re-wraps every stored secret that is still under an older
  passphrase (a rotation, or MLflow's built-in default one) with the current passphrase, as
  `mlflow crypto rotate-kek` does (mlflow_entrypoint.migration); or
* `mlflow-entrypoint server [mlflow server options...]`: execs `mlflow server` with the URI in
  MLFLOW_BACKEND_STORE_URI (which the CLI reads as --backend-store-uri) and the passphrase in
  MLFLOW_CRYPTO_KEK_PASSPHRASE / MLFLOW_CRYPTO_KEK_VERSION, in the server's environment only;
* `mlflow-entrypoint gc [mlflow gc options...]`: runs `mlflow gc` in this process with the URI
  in its environment, and with proxied artifacts (`mlflow-artifacts:` URIs) resolved against
  MLFLOW_ARTIFACTS_DESTINATION, as the server resolves them, so that the bucket's objects go
  with the rows (mlflow_entrypoint.garbage_collection); or
* `mlflow-entrypoint rewrite-artifact-uris [options...]`: execs the image's second program,
  `python -m mlflow_entrypoint.rewrite_artifact_uris`, with the URI in the same variable: the
  operator's tool for moving stored artifact locations to a new bucket (`kubectl exec` into
  the server container, which has the proxy and the password file).

Environment (the names are mlflow_entrypoint.contract's):
  DB_USER, DB_NAME, DB_HOST, DB_PORT  the connection (DB_HOST is the Auth Proxy, 127.0.0.1)
  DB_PASSWORD_FILE                    a file holding the password (one trailing newline is
                                      stripped, as `echo` and most secret stores add one);
                                      unset: IAM database authentication, no password
  DB_OWNER_ROLE                       optional: the role that owns MLflow's tables; every
                                      session acts as it, and `db upgrade` hands the tables
                                      over to it (mlflow_entrypoint.ownership)
  DB_IAM_USER                         optional, with a password: the IAM user made its member
  DB_BUILTIN_USER                     optional, IAM login: an earlier password login whose
                                      objects the bootstrap gives to DB_OWNER_ROLE
  KEK_PASSPHRASE_FILE                 a file holding the passphrase as infra/kek.py writes it:
                                      {"version": N, "passphrase": "...", "previous": [...]}
  AUTH_DB_NAME                        optional: MLflow's users and permissions database in the
                                      same instance. `db upgrade` creates and migrates it;
                                      `server` gets its URI in IAP_AUTH_DATABASE_URI
  SERVER_APP_NAME                     optional: `mlflow server --app-name` (iap-auth)
  POD_IP                              optional: the pod's address, which `server` adds to
                                      MLFLOW_SERVER_ALLOWED_HOSTS as `ip` and `ip:port`
                                      (mlflow_entrypoint.pod_address)
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn

from mlflow_entrypoint import rewrite_artifact_uris
from mlflow_entrypoint.backend import backend_uri, owner_role
from mlflow_entrypoint.contract import (
    AUTH_DB_NAME_ENV,
    DB_BUILTIN_USER_ENV,
    DB_COMMAND,
    DB_IAM_USER_ENV,
    DB_PASSWORD_FILE_ENV,
    DB_UPGRADE_COMMAND,
    GC_COMMAND,
    IAP_AUTH_DATABASE_URI_ENV,
    MLFLOW_BACKEND_STORE_URI_ENV,
    PROGRAM,
    REWRITE_ARTIFACT_URIS_COMMAND,
    SERVER_APP_NAME_ENV,
    SERVER_COMMAND,
)
from mlflow_entrypoint.errors import ConfigError
from mlflow_entrypoint.garbage_collection import run_gc
from mlflow_entrypoint.kek import kek_file
from mlflow_entrypoint.migration import AuthDatabase, upgrade
from mlflow_entrypoint.ownership import Ownership
from mlflow_entrypoint.pod_address import with_pod_address

COMMANDS = (DB_COMMAND, SERVER_COMMAND, GC_COMMAND, REWRITE_ARTIFACT_URIS_COMMAND)
USAGE = (
    f"usage: {PROGRAM} {DB_COMMAND} {DB_UPGRADE_COMMAND} | "
    f"{PROGRAM} {SERVER_COMMAND} [mlflow server options] | "
    f"{PROGRAM} {GC_COMMAND} [mlflow gc options] | "
    f"{PROGRAM} {REWRITE_ARTIFACT_URIS_COMMAND} --map OLD=NEW [--apply]"
)


def exec_server(args: Sequence[str], env: Mapping[str, str]) -> NoReturn:
    """Replace this process with `mlflow server` (PID 1 stays the server: signals reach it)."""
    argv = [sys.executable, "-m", "mlflow", "server", *args]
    os.execve(sys.executable, argv, dict(env))  # noqa: S606 - no shell: argv is passed as is


def exec_rewrite_tool(args: Sequence[str], env: Mapping[str, str]) -> NoReturn:
    """Replace this process with the artifact-URI rewrite tool (its exit code is ours).

    -P: the working directory does not go on sys.path, so nothing in it can shadow a module.
    """
    argv = [sys.executable, "-P", "-m", rewrite_artifact_uris.__name__, *args]
    os.execve(sys.executable, argv, dict(env))  # noqa: S606 - no shell: argv is passed as is


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if (
        not args
        or (args[0] == DB_COMMAND and args[1:] != [DB_UPGRADE_COMMAND])
        or args[0] not in COMMANDS
    ):
        print(USAGE, file=sys.stderr)
        return 2
    env = dict(os.environ)
    auth_db = env.get(AUTH_DB_NAME_ENV) or None
    try:
        env[MLFLOW_BACKEND_STORE_URI_ENV] = backend_uri(env)
        if auth_db is not None:
            env[IAP_AUTH_DATABASE_URI_ENV] = backend_uri(env, database=auth_db)
        if args[0] == GC_COMMAND:  # stored secrets stay as they are: no passphrase needed
            return run_gc(args[1:], env)
        if args[0] == REWRITE_ARTIFACT_URIS_COMMAND:  # nor here: it rewrites locations only
            exec_rewrite_tool(args[1:], env)
        kek = kek_file(env)
        if args[0] == SERVER_COMMAND:
            env = with_pod_address(env)
    except ConfigError as exc:
        print(f"{PROGRAM}: {exc}", file=sys.stderr)
        return 2
    if args[0] == DB_COMMAND:
        auth = (
            AuthDatabase(
                name=auth_db,
                uri=env[IAP_AUTH_DATABASE_URI_ENV],
                login_uri=backend_uri(env, database=auth_db, as_owner=False),
            )
            if auth_db is not None
            else None
        )
        owner = owner_role(env)
        password_login = bool(env.get(DB_PASSWORD_FILE_ENV))
        ownership = (
            Ownership(
                owner=owner,
                members=tuple(m for m in [env.get(DB_IAM_USER_ENV)] if m and password_login),
                can_hand_over=password_login,
                builtin_login=None if password_login else env.get(DB_BUILTIN_USER_ENV) or None,
            )
            if owner is not None
            else None
        )
        try:
            upgrade(
                env[MLFLOW_BACKEND_STORE_URI_ENV],
                kek,
                auth,
                login_uri=backend_uri(env, as_owner=False),
                ownership=ownership,
            )
        except ConfigError as exc:
            print(f"{PROGRAM}: {exc}", file=sys.stderr)
            return 2
        return 0
    server_args = args[1:]
    if env.get(SERVER_APP_NAME_ENV) and "--app-name" not in server_args:
        server_args = ["--app-name", env[SERVER_APP_NAME_ENV], *server_args]
    exec_server(server_args, {**env, **kek.server_env()})


if __name__ == "__main__":
    sys.exit(main())
