"""The local profile (a cluster outside Google Cloud) in the Terraform JSON: the federation (pool,
provider, impersonation grant) by default, a sensitive service-account key only on request."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from settings import REPO_ROOT, Settings


@pytest.fixture(scope="module")
def local_tf(tf_synth: Callable[[Settings], dict[str, Any]], local_settings: Settings) -> Any:
    return tf_synth(local_settings)


@pytest.fixture(scope="module")
def keyed_tf(tf_synth: Callable[[Settings], dict[str, Any]], keyed_settings: Settings) -> Any:
    return tf_synth(keyed_settings)


def test_federation_trusts_the_clusters_issuer_and_keys_for_one_service_account(
    local_tf: Any, local_settings: Settings
) -> None:
    names, local = local_settings.names, local_settings.local
    assert local is not None
    resources = local_tf["resource"]
    (pool,) = resources["google_iam_workload_identity_pool"].values()
    (provider,) = resources["google_iam_workload_identity_pool_provider"].values()
    assert pool["workload_identity_pool_id"] == names.federation_pool
    assert provider["workload_identity_pool_provider_id"] == names.federation_provider
    assert provider["oidc"]["issuer_uri"] == local.oidc_issuer
    assert json.loads(provider["oidc"]["jwks_json"]) == json.loads(
        (REPO_ROOT / "tests/configs/local.jwks.json").read_text()
    )
    assert "allowed_audiences" not in provider["oidc"]  # default: the provider's own name
    assert provider["attribute_mapping"]["google.subject"] == "assertion.sub"
    assert provider["attribute_condition"] == f'assertion.sub == "{names.federation_subject}"'
    (grant,) = resources["google_service_account_iam_member"].values()
    assert grant["role"] == "roles/iam.workloadIdentityUser"
    assert grant["member"].startswith("principal://iam.googleapis.com/${")
    assert grant["member"].endswith(f"/subject/{names.federation_subject}")
    assert "google_service_account_key" not in resources
    services = {r["service"] for r in resources["google_project_service"].values()}
    assert "sts.googleapis.com" in services


def test_project_number_is_checked_at_plan_time(local_tf: Any) -> None:
    (project,) = local_tf["data"]["google_project"].values()
    (check,) = project["lifecycle"]["postcondition"]
    assert check["condition"] == '${self.number == "123123123123"}'
    assert "gcloud projects describe acme-ml-laptop" in check["error_message"]


def test_key_opt_in_creates_a_sensitive_key_and_no_federation(keyed_tf: Any) -> None:
    resources = keyed_tf["resource"]
    assert "google_iam_workload_identity_pool" not in resources
    assert len(resources["google_service_account_key"]) == 1
    assert keyed_tf["output"]["workload_sa_key"]["sensitive"] is True
