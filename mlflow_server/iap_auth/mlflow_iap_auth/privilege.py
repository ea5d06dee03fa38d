"""The port-forward identity's cap: whatever MLflow would allow it, at most
auth.port_forward_permission (READ unless the config says EDIT or MANAGE).

MLflow 3.17's auth app (mlflow/server/auth/__init__.py) computes every permission it checks,
for experiments, runs, models, prompts, scorers, gateway resources, traces, review queues, from
two inputs only, then folds them with max and first-grant-wins (requirements.py:
fold_grants_for_key, governing_permission_and_action, floor_positive_permission):

* the caller's grants, `store.list_grants(user_id, workspace, types)` (roles and direct grants
  in one query; a workspace MANAGE grant makes the caller a workspace admin);
* `auth_config.default_permission`, for what nobody granted (and the floor of any grant).

Capping both inputs caps every result: min(max(a, b), cap) = max(min(a, cap), min(b, cap)),
and DENY stays DENY. So can_read / can_update / can_delete / can_manage all see
min(real, cap) for the port-forward user, and for no one else. Three things do not go through
a permission, and are capped where MLflow decides them:

* the admin flag (`store.get_user(name).is_admin`): never for the port-forward user (the
  config refuses it in IAP_ADMINS; here the flag is cleared as well);
* creating experiments, registered models, prompts, gateway resources and MCP servers:
  MLflow allows any authenticated user when workspaces are off (`_can_create_in_workspace`),
  then grants the creator MANAGE. The cap needs USE (EDIT or MANAGE) to create;
* the few routes MLflow opens to any authenticated user that write (OPEN_WRITES): the demo
  data generator, job submission and the assistant, which also need the cap to create.

The default is capped per request: MLflow reads `auth_config.default_permission` without
saying for whom, so the view below asks callers.current (set by the middleware) whether this
request is the port-forward user's.
"""

from __future__ import annotations

import copy
from typing import Any

from mlflow_iap_auth.callers import PORT_FORWARD, current

RANK = {"NO_PERMISSIONS": 0, "READ": 1, "USE": 2, "EDIT": 3, "MANAGE": 4}


def capped(permission: str, cap: str) -> str:
    """min(permission, cap); DENY (and anything unranked) is left as it is."""
    if permission not in RANK or RANK[permission] <= RANK[cap]:
        return permission
    return cap


def can_create(cap: str) -> bool:
    # MLflow's create gate is the workspace grant's can_use (permissions.py: USE and up).
    return RANK[cap] >= RANK["USE"]


def is_port_forward() -> bool:
    decision = current.get()
    return decision is not None and decision.via == PORT_FORWARD


class CappedGrants:
    """The auth app's user store, with the port-forward user's grants and admin flag capped."""

    def __init__(self, store: Any, user: str, cap: str) -> None:
        self._store, self._user, self._cap = store, user, cap
        self._user_id: Any = None

    def _port_forward_id(self) -> Any:
        # Every permission check asks this. Made once: the user is created here when missing
        # (as its first port-forward request would), so that no request pays a user lookup
        # (bench/server_perf.py: a has_user query per check cost 0.76x of auth off).
        if self._user_id is None:
            from mlflow_iap_auth.identity import ensure_user

            ensure_user(self._user)
            self._user_id = self._store.get_user(self._user).id
        return self._user_id

    def list_grants(self, user_id: Any, workspace: Any, resource_types: Any) -> Any:
        grants = self._store.list_grants(user_id, workspace, resource_types)
        if user_id is None or user_id != self._port_forward_id():
            return grants
        return [g._replace(permission=capped(g.permission, self._cap)) for g in grants]

    def _workspace_admin(self, user_id: Any) -> bool:
        """Whether a workspace-admin grant (MANAGE on the workspace) may count for user_id."""
        return user_id is None or user_id != self._port_forward_id() or self._cap == "MANAGE"

    def is_workspace_admin(self, user_id: Any, workspace: Any) -> bool:
        return self._workspace_admin(user_id) and self._store.is_workspace_admin(user_id, workspace)

    def list_workspace_admin_workspaces(self, user_id: Any) -> Any:
        if not self._workspace_admin(user_id):
            return set()
        return self._store.list_workspace_admin_workspaces(user_id)

    def is_workspace_admin_of_any_of_users_workspaces(self, admin_id: Any, target_id: Any) -> bool:
        return self._workspace_admin(admin_id) and bool(
            self._store.is_workspace_admin_of_any_of_users_workspaces(admin_id, target_id)
        )

    def get_user(self, username: str) -> Any:
        user = self._store.get_user(username)
        if username == self._user and user.is_admin:
            user = copy.copy(user)
            user.is_admin = False
        return user

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def capped_config(config: Any, cap: str) -> Any:
    """MLflow's AuthConfig whose default_permission is capped for port-forward requests."""
    base = type(config)
    index = base._fields.index("default_permission")

    class PortForwardCappedConfig(base):  # type: ignore[misc, valid-type]
        __slots__ = ()

        @property
        def default_permission(self) -> str:
            real: str = tuple.__getitem__(self, index)
            return capped(real, cap) if is_port_forward() else real

    return PortForwardCappedConfig(*config)


def _open_write(validator: Any, cap: str) -> Any:
    def checked(*args: Any, **kwargs: Any) -> Any:
        if is_port_forward() and not can_create(cap):
            return False
        return validator(*args, **kwargs)

    return checked


def _open_write_async(factory: Any, cap: str, writes: Any) -> Any:
    """Wrap a factory of MLflow's async FastAPI validators (username, request) -> bool;
    `writes(path, method)` says which of its requests write."""

    def make(path: str, *args: Any, **kwargs: Any) -> Any:
        validator = factory(path, *args, **kwargs)

        async def checked(username: str, request: Any) -> bool:
            if is_port_forward() and writes(path, request.method) and not can_create(cap):
                return False
            return bool(await validator(username, request))

        return checked

    return make


def _job_submission(path: str, method: str) -> bool:
    # POST .../jobs submits; .../jobs/search and .../jobs/<id> read, .../jobs/cancel/<id> is
    # the job's owner's (MLflow checks it).
    return method == "POST" and path.rstrip("/").endswith("/jobs")


def install(auth: Any, *, user: str, cap: str) -> None:
    """Cap the port-forward user in MLflow's auth module (before its app serves requests)."""
    auth.store = CappedGrants(auth.store, user, cap)
    auth.auth_config = capped_config(auth.auth_config, cap)

    real_can_create = auth._can_create_in_workspace

    def can_create_in_workspace(username: str) -> bool:
        if username == user and not can_create(cap):
            return False
        return bool(real_can_create(username))

    auth._can_create_in_workspace = can_create_in_workspace
    # OPEN_WRITES: validators that let any authenticated user write (MLflow 3.17).
    demo = (auth.DEMO_GENERATE, "POST")
    auth.BEFORE_REQUEST_VALIDATORS[demo] = _open_write(auth.BEFORE_REQUEST_VALIDATORS[demo], cap)
    # Job submission (POST /ajax-api/3.0/jobs).
    auth._get_job_route_validator = _open_write_async(
        auth._get_job_route_validator, cap, _job_submission
    )
    # The assistant (/ajax-api/3.0/mlflow/assistant): every request of it acts for the caller.
    real_assistant = auth._get_require_authentication_validator

    def assistant_validator() -> Any:
        validator = real_assistant()

        async def checked(username: str, request: Any) -> bool:
            if is_port_forward() and not can_create(cap):
                return False
            return bool(await validator(username, request))

        return checked

    auth._get_require_authentication_validator = assistant_validator
