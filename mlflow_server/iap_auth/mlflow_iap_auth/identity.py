"""The caller the middleware decided, as MLflow's auth app sees it.

* `authenticate` is the auth app's `authorization_function`: it returns the principal in
  callers.PRINCIPAL_HEADER (set only by the middleware) and creates that MLflow user on first
  sight. Users get a random password that is never stored or shown: MLflow's store requires
  one, and no request is ever authenticated by password here.
* Admins come from the config (IAP_ADMINS) and are authoritative: a listed user is made an
  admin, any other user loses the flag, when this process first sees them.
* `attribute_run` makes the verified user the run's user (`user_id` and the `mlflow.user` tag)
  of every run created, whatever the client claims (MLflow's client sends the OS login);
  usertag.py keeps it so afterwards.
"""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Any

from flask import Response, request
from werkzeug.datastructures import Authorization

from mlflow_iap_auth.callers import PRINCIPAL_HEADER

_log = logging.getLogger(__name__)
_known: set[str] = set()
_known_lock = threading.Lock()
_admins: frozenset[str] = frozenset()
RUN_CREATE_PATHS = ("/api/2.0/mlflow/runs/create", "/ajax-api/2.0/mlflow/runs/create")
# The UI's prompt lab creates a run with the `user_id` the request names (default "unknown").
PROMPTLAB_RUN_PATHS = ("/ajax-api/2.0/mlflow/runs/create-promptlab-run",)
LOGGED_MODEL_CREATE_PATHS = ("/api/2.0/mlflow/logged-models", "/ajax-api/2.0/mlflow/logged-models")
USER_TAG = "mlflow.user"


def configure(admins: frozenset[str]) -> None:
    global _admins
    _admins = admins


def _principal() -> str | None:
    return request.headers.get(PRINCIPAL_HEADER) or None


def ensure_user(name: str) -> None:
    """Create `name` in MLflow's user store if missing; set its admin flag from the config."""
    if name in _known:
        return
    from mlflow.exceptions import MlflowException
    from mlflow.protos.databricks_pb2 import RESOURCE_ALREADY_EXISTS, ErrorCode
    from mlflow.server.auth import store

    with _known_lock:
        if name in _known:
            return
        admin = name in _admins
        if not store.has_user(name, use_primary=True):
            try:
                store.create_user(name, secrets.token_urlsafe(32), is_admin=admin)
                _log.info("created MLflow user %s (admin: %s)", name, admin)
            except MlflowException as exc:
                if exc.error_code != ErrorCode.Name(RESOURCE_ALREADY_EXISTS):
                    raise
        elif store.get_user(name).is_admin != admin:
            store.update_user(name, is_admin=admin)
            _log.info("MLflow user %s: admin set to %s (IAP_ADMINS)", name, admin)
        _known.add(name)


def authenticate() -> Authorization | Response:
    name = _principal()
    if name is None:
        # Only the health check path passes the middleware without an identity, and MLflow
        # does not authenticate it: reaching here means the middleware is not in front.
        return Response("IAP: no verified identity", status=403, mimetype="text/plain")
    ensure_user(name)
    return Authorization("basic", {"username": name, "password": ""})


def attribute_run() -> None:
    """Flask before_request hook, after the auth app's: the verified user owns new runs and
    logged models (MLflow 3's models: the UI's "Created by" is their mlflow.user tag)."""
    is_run = request.path in RUN_CREATE_PATHS
    is_promptlab = request.path in PROMPTLAB_RUN_PATHS
    if request.method != "POST" or not (
        is_run or is_promptlab or request.path in LOGGED_MODEL_CREATE_PATHS
    ):
        return
    name = _principal()
    body: Any = request.get_json(force=True, silent=True)
    if name is None or not isinstance(body, dict):
        return
    if is_promptlab:
        body["user_id"] = name
        return
    # Werkzeug caches the parsed body, so MLflow's handler reads this same dict.
    if is_run:
        body["user_id"] = name
    tags = [t for t in body.get("tags") or [] if isinstance(t, dict) and t.get("key") != USER_TAG]
    body["tags"] = [*tags, {"key": USER_TAG, "value": name}]
