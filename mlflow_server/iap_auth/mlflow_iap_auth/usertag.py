"""`mlflow.user` names the caller who wrote it, never someone else.

identity.attribute_run sets a run's and a logged model's `mlflow.user` to the verified caller
when they are created. MLflow lets anyone who may edit the run change its tags afterwards, so
without this an owner could make a run look like another person's (the UI's "User" column and
"Created by"). A Flask before_request hook, after the auth app's (so a caller who may not edit
the run is refused by MLflow first), refuses with 403, for every caller class, admins included:

* setting `mlflow.user` to anything but the caller: runs/set-tag, runs/log-batch's tags,
  logged-models/<id>/tags (PATCH), in both API families (/api and /ajax-api);
* deleting `mlflow.user` (runs/delete-tag, DELETE logged-models/<id>/tags/mlflow.user), unless
  the caller is an MLflow admin: a run without it names nobody, which an admin may choose.

MLflow's handlers for these routes (mlflow/server/handlers.py, MLflow 3.17: _set_tag,
_log_batch, _set_logged_model_tags, _delete_tag, _delete_logged_model_tag) are the only ones
that write a run's or a logged model's tags after creation; runs/update changes the name,
status and end time only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, request

from mlflow_iap_auth.callers import PRINCIPAL_HEADER
from mlflow_iap_auth.identity import USER_TAG

_FAMILIES = ("/api/2.0/mlflow", "/ajax-api/2.0/mlflow")
SET_TAG_PATHS = frozenset(f"{f}/runs/set-tag" for f in _FAMILIES)
LOG_BATCH_PATHS = frozenset(f"{f}/runs/log-batch" for f in _FAMILIES)
DELETE_TAG_PATHS = frozenset(f"{f}/runs/delete-tag" for f in _FAMILIES)
LOGGED_MODEL_TAGS = re.compile(r"/(?:api|ajax-api)/2\.0/mlflow/logged-models/[^/]+/tags")
LOGGED_MODEL_TAG = re.compile(r"/(?:api|ajax-api)/2\.0/mlflow/logged-models/[^/]+/tags/(.+)")


def _refuse(message: str) -> Response:
    body = json.dumps({"error_code": "PERMISSION_DENIED", "message": message})
    return Response(body, status=403, mimetype="application/json")


def _tags(body: Any) -> list[Any]:
    tags = body.get("tags") if isinstance(body, dict) else None
    return [t for t in tags if isinstance(t, dict)] if isinstance(tags, list) else []


def _names_another(tags: list[Any], name: str) -> bool:
    return any(t.get("key") == USER_TAG and t.get("value") != name for t in tags)


def _is_admin(name: str) -> bool:
    from mlflow.server.auth import store

    return bool(store.get_user(name).is_admin)


def refuse_foreign_user_tag() -> Response | None:
    name = request.headers.get(PRINCIPAL_HEADER) or None
    if name is None:
        return None
    path, method = request.path, request.method
    body: Any = None
    if method in ("POST", "PATCH"):
        body = request.get_json(force=True, silent=True)
    written: list[Any] = []  # the tags this request sets
    deleted = None  # the tag key this request deletes
    if method == "POST" and path in SET_TAG_PATHS and isinstance(body, dict):
        written = [body]
    elif (method == "POST" and path in LOG_BATCH_PATHS) or (
        method == "PATCH" and LOGGED_MODEL_TAGS.fullmatch(path)
    ):
        written = _tags(body)
    elif method == "POST" and path in DELETE_TAG_PATHS and isinstance(body, dict):
        deleted = body.get("key")
    elif method == "DELETE" and (m := LOGGED_MODEL_TAG.fullmatch(path)):
        deleted = m[1]
    if _names_another(written, name):
        return _refuse(f"{USER_TAG} names the caller ({name}); it cannot be set to anyone else")
    if deleted == USER_TAG and not _is_admin(name):
        return _refuse(f"only an MLflow admin may delete {USER_TAG}")
    return None
