"""`mlflow-entrypoint gc`: `mlflow gc` in this process, with proxied artifacts resolved.

The gc CronJob (k8s/gc.py) runs it; argv stays `mlflow-entrypoint gc ...`, so the backend URI
is never in it. Deleted runs' artifacts go with their rows: `mlflow-artifacts:` URIs are
resolved against MLFLOW_ARTIFACTS_DESTINATION, as the server resolves them. Stored secrets stay
as they are, so gc needs no KEK passphrase.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from mlflow_entrypoint.backend import redact
from mlflow_entrypoint.contract import (
    MLFLOW_ARTIFACTS_DESTINATION_ENV,
    MLFLOW_BACKEND_STORE_URI_ENV,
    PROGRAM,
)

# `mlflow gc` options the entry point sets itself: refused on its command line.
GC_OWNED_OPTIONS = ("--backend-store-uri", "--tracking-uri", "--artifacts-destination")


def resolve_proxied_artifacts(destination: str) -> None:
    """Resolve `mlflow-artifacts:/<path>` to `<destination>/<path>` in this process.

    MLflow's own `mlflow-artifacts` repository sends every request to a tracking server over
    HTTP and refuses a database tracking URI, so `mlflow gc` with the backend store alone fails
    on the first proxied run ("the tracking URI must be a valid http or https URI"); with
    `--artifacts-destination` it still resolves run artifacts through that repository (the
    option only sets the store's default root). The server maps the path onto its
    --artifacts-destination (mlflow/server/handlers.py, _get_artifact_repo_mlflow_artifacts):
    this does the same, directly, with the pod's Google credentials.
    """
    from mlflow.store.artifact import artifact_repository_registry as registry
    from mlflow.utils.uri import validate_path_is_safe

    root = destination.rstrip("/")

    def repository(artifact_uri: str, tracking_uri: Any = None, registry_uri: Any = None) -> Any:
        path = urlparse(artifact_uri).path.lstrip("/")
        target = f"{root}/{validate_path_is_safe(path)}" if path else root
        return registry.get_artifact_repository(target, tracking_uri, registry_uri)

    registry._artifact_repository_registry.register("mlflow-artifacts", repository)


def run_gc(args: Sequence[str], env: Mapping[str, str]) -> int:
    """`mlflow gc` in this process (argv stays `mlflow-entrypoint gc ...`: no URI in it)."""
    import click

    owned = [a.split("=", 1)[0] for a in args if a.split("=", 1)[0] in GC_OWNED_OPTIONS]
    if owned:
        print(f"{PROGRAM}: {owned[0]} is set by the entry point", file=sys.stderr)
        return 2
    destination = env.get(MLFLOW_ARTIFACTS_DESTINATION_ENV)
    if not destination:
        print(
            f"{PROGRAM}: missing environment variable(s): {MLFLOW_ARTIFACTS_DESTINATION_ENV}",
            file=sys.stderr,
        )
        return 2
    uri = env[MLFLOW_BACKEND_STORE_URI_ENV]
    # Before MLflow's CLI is imported: its --tracking-uri default is read at import time.
    os.environ.update({MLFLOW_BACKEND_STORE_URI_ENV: uri, "MLFLOW_TRACKING_URI": uri})
    resolve_proxied_artifacts(destination)
    from mlflow.cli import cli

    try:
        cli.main(args=["gc", *args], prog_name="mlflow gc", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except Exception as exc:  # one line, no traceback: a driver's message may quote the URI
        message = redact(f"{type(exc).__name__}: {exc}", env)
        print(f"{PROGRAM}: mlflow gc failed: {message}", file=sys.stderr)
        return 1
    return 0
