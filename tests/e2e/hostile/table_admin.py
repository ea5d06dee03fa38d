"""Admin-only endpoints: nobody but an MLflow admin (auth.admins) manages users, roles and
grants (users/list is not: MLflow lists users to anyone signed in). Bob from every peer, port-forward from loopback and the in-cluster caller from the
pod range all get 403; Bob may not even lift his own denial on Alice's experiment.
"""

from __future__ import annotations

from tests.e2e.hostile.case import PEERS, Case, refused

CLS = "admin"
DENIED = refused(403)
API, API3 = "/api/2.0/mlflow", "/api/3.0/mlflow"
AJAX, AJAX3 = "/ajax-api/2.0/mlflow", "/ajax-api/3.0/mlflow"

CALLS: list[tuple[str, str, str, str | None]] = [
    (
        "users-create",
        "POST",
        f"{API}/users/create",
        '{"username": "mallory-$uid", "password": "pw-$uid-Aa1!"}',  # pragma: allowlist secret
    ),
    (
        "ajax-users-create",
        "POST",
        f"{AJAX}/users/create",
        '{"username": "mallory2-$uid", "password": "pw-$uid-Aa1!"}',  # pragma: allowlist secret
    ),
    (
        "users-update-admin-self",
        "PATCH",
        f"{API}/users/update-admin",
        '{"username": "$bob", "is_admin": true}',
    ),
    (
        "ajax-users-update-admin",
        "PATCH",
        f"{AJAX}/users/update-admin",
        '{"username": "$bob", "is_admin": true}',
    ),
    (
        "users-update-password-other",
        "PATCH",
        f"{API}/users/update-password",
        '{"username": "$alice", "password": "pw-$uid-Aa1!"}',  # pragma: allowlist secret
    ),
    ("users-delete-other", "DELETE", f"{API}/users/delete", '{"username": "$alice"}'),
    ("users-get-other", "GET", f"{API}/users/get?username=$alice", None),
    ("users-permissions-list-other", "GET", f"{API3}/users/permissions/list?username=$alice", None),
    (
        "users-permission-get-other",
        "GET",
        f"{API3}/users/permissions/get?username=$alice&resource_type=experiment&resource_id=$exp",
        None,
    ),
    (
        "experiment-grant-self-manage",
        "POST",
        f"{API3}/users/permissions/grant",
        '{"username": "$bob", "resource_type": "experiment", "resource_id": "$exp", "permission": "MANAGE"}',
    ),
    (
        "experiment-lift-own-denial",
        "POST",
        f"{API3}/users/permissions/revoke",
        '{"username": "$bob", "resource_type": "experiment", "resource_id": "$exp"}',
    ),
    (
        "experiment-revoke-owner",
        "POST",
        f"{API3}/users/permissions/revoke",
        '{"username": "$alice", "resource_type": "experiment", "resource_id": "$exp"}',
    ),
    (
        "experiment-grant-self-wildcard",
        "POST",
        f"{API3}/users/permissions/grant",
        '{"username": "$bob", "resource_type": "experiment", "resource_id": "*", "permission": "MANAGE"}',
    ),
    (
        "model-grant-self",
        "POST",
        f"{API3}/users/permissions/grant",
        '{"username": "$bob", "resource_type": "registered_model", "resource_id": "$model", "permission": "MANAGE"}',
    ),
    (
        "model-lift-own-denial",
        "POST",
        f"{API3}/users/permissions/revoke",
        '{"username": "$bob", "resource_type": "registered_model", "resource_id": "$model"}',
    ),
    (
        "prompt-lift-own-denial",
        "POST",
        f"{API3}/users/permissions/revoke",
        '{"username": "$bob", "resource_type": "registered_model", "resource_id": "$prompt"}',
    ),
    (
        "ajax-prompt-grant-self",
        "POST",
        f"{AJAX3}/users/permissions/grant",
        '{"username": "$bob", "resource_type": "registered_model", "resource_id": "$prompt", "permission": "MANAGE"}',
    ),
    (
        "role-permission-add",
        "POST",
        f"{API3}/roles/permissions/add",
        '{"role_id": 1, "resource_type": "experiment", "resource_pattern": "*", "permission": "MANAGE"}',
    ),
    (
        "roles-create",
        "POST",
        f"{API3}/roles/create",
        '{"name": "pwn-$uid", "workspace": "default"}',
    ),
    ("roles-list", "GET", f"{API3}/roles/list", None),
    ("roles-assign-self", "POST", f"{API3}/roles/assign", '{"username": "$bob", "role_id": 1}'),
]


def cases() -> list[Case]:
    out: list[Case] = []
    for peer in PEERS:
        for name, method, target, body in CALLS:
            out.append(Case(CLS, peer, name, method, target, DENIED, body=body))
    # Without an assertion: port-forward (READ, no admin) and the in-cluster caller.
    for peer in ("loopback", "pod"):
        for name, method, target, body in CALLS[:6] + CALLS[10:13]:
            out.append(
                Case(CLS, peer, f"no-assertion-{name}", method, target, DENIED, who=None, body=body)
            )
    return out


CASES = cases()
