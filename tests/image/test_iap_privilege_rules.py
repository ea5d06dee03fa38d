"""mlflow_server/iap_auth privilege.py: the port-forward cap's rules, without a server
(test_iap_privilege.py runs them against MLflow's real auth app)."""

from __future__ import annotations

import pytest
from mlflow_iap_auth.callers import Decision, current
from mlflow_iap_auth.privilege import capped, capped_config


@pytest.mark.parametrize(
    ("real", "cap", "seen"),
    [
        ("MANAGE", "READ", "READ"),
        ("EDIT", "READ", "READ"),
        ("USE", "READ", "READ"),
        ("READ", "READ", "READ"),
        ("MANAGE", "EDIT", "EDIT"),
        ("USE", "EDIT", "USE"),
        ("MANAGE", "MANAGE", "MANAGE"),
        ("DENY", "MANAGE", "DENY"),
        ("DENY", "READ", "DENY"),
        ("NO_PERMISSIONS", "READ", "NO_PERMISSIONS"),
    ],
)
def test_the_cap_is_a_minimum_that_keeps_deny(real: str, cap: str, seen: str) -> None:
    assert capped(real, cap) == seen


def test_only_port_forward_requests_see_a_capped_default() -> None:
    from mlflow.server.auth.config import AuthConfig

    config = capped_config(
        AuthConfig(
            default_permission="EDIT",
            database_uri="sqlite://",
            admin_username=None,
            admin_password=None,
            authorization_function="x:y",
            grant_default_workspace_access=False,
            workspace_cache_max_size=1,
            workspace_cache_ttl_seconds=1,
            auth_cache_max_size=1,
            auth_cache_ttl_seconds=1,
        ),
        "READ",
    )
    assert config.default_permission == "EDIT"  # no request
    for via, seen in [("port-forward", "READ"), ("iap", "EDIT"), ("in-cluster", "EDIT")]:
        token = current.set(Decision("someone", via))
        try:
            assert config.default_permission == seen
            assert config._replace(database_uri="x").default_permission == seen
        finally:
            current.reset(token)
