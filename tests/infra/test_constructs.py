"""Constructs refuse unsafe or impossible options with a message naming the option."""

from __future__ import annotations

from typing import Any

import pytest

from infra.identity import check_project_role
from tests.conftest import fixture_settings


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from cdktf import TerraformStack, Testing

    # An explicit outdir: Testing.app() alone leaves a cdktf.outdir.* folder in TMPDIR.
    return TerraformStack(Testing.app(outdir=str(tmp_path_factory.mktemp("cdktf"))), "errors")


@pytest.mark.parametrize(
    "role",
    [
        "roles/owner",
        "roles/editor",
        "roles/viewer",
        "roles/storage.admin",
        "roles/cloudsql.admin",
        "roles/iam.serviceAccountAdmin",
    ],
)
def test_project_role_guard_refuses_basic_and_admin(role: str) -> None:
    with pytest.raises(ValueError, match="refused"):
        check_project_role(role)


def test_project_role_guard_allows_narrow_roles() -> None:
    assert check_project_role("roles/cloudsql.client") == "roles/cloudsql.client"


def _database(stack: Any, **overrides: Any) -> Any:
    from infra.database import Database
    from infra.database_auth import credentials_for
    from infra.secrets import secret_store_for

    settings = fixture_settings("gke")

    options: dict[str, Any] = {
        "project_id": "p-123456",
        "region": "europe-west1",
        "instance_name": "x-pg",
        "database_version": "POSTGRES_17",
        "tier": "db-custom-1-3840",
        "credentials": credentials_for(settings, secret_store_for(settings)),
        "private_network": "projects/p/global/networks/n",
    }
    options.update(overrides)
    return Database(stack, f"db-{len(stack.node.children)}", **options)


def test_database_needs_a_way_in(stack: Any) -> None:
    with pytest.raises(ValueError, match="private_network"):
        _database(stack, private_network=None, public_ip=False)


def test_database_refuses_other_engines(stack: Any) -> None:
    with pytest.raises(ValueError, match="database_version 'MYSQL_8_0'"):
        _database(stack, database_version="MYSQL_8_0")


def test_database_iam_user_needs_a_service_account(stack: Any) -> None:
    db = _database(stack)
    with pytest.raises(ValueError, match="not a service account"):
        db.add_iam_service_account_user("someone@example.com")


def test_cluster_refuses_tiny_machines(stack: Any) -> None:
    from infra.cluster import GkeCluster

    with pytest.raises(ValueError, match="machine_type 'e2-micro' is too small"):
        GkeCluster(
            stack,
            "gke",
            name="c",
            node_pool_name="p",
            location="europe-west1-b",
            project_id="p-123456",
            network_id="n",
            subnet_id="s",
            pods_range_name="pods",
            services_range_name="services",
            node_service_account="n@p-123456.iam.gserviceaccount.com",
            machine_type="e2-micro",
        )


def test_iap_refuses_public_members(stack: Any) -> None:
    from infra.edge import Edge

    with pytest.raises(ValueError, match="allUsers"):
        Edge(
            stack,
            "edge",
            static_ip_name="ip",
            ssl_policy_name="tls",
            host="h.example.com",
            iap_members=["allUsers"],
        )


def test_apis_refuse_short_names(stack: Any) -> None:
    from infra.apis import RequiredApis

    with pytest.raises(ValueError, match=r"'sqladmin' must end with \.googleapis\.com"):
        RequiredApis(stack, "apis", services=["sqladmin"])
