"""The database's modes in the manifests: the Auth Proxy's flags, the NetworkPolicy's way to
the instance, and what the pods log in with (no password file in IAM mode)."""

from __future__ import annotations

from typing import Any

from settings import Settings, contract
from tests.support.charts import Synth, config, containers, every, one, pod_spec


def _proxy(objects: dict[str, Any]) -> dict[str, Any]:
    (proxy,) = [c for c in containers(pod_spec(objects)).values() if "proxy" in c["name"]]
    return proxy


def _to_the_instance(objects: dict[str, Any]) -> list[dict[str, Any]]:
    rules = [
        rule
        for policy in every(objects)
        if policy["kind"] == "NetworkPolicy"
        for rule in policy["spec"].get("egress", [])
        if any(p.get("port") == contract.CLOUD_SQL_PORT for p in rule.get("ports", []))
    ]
    assert rules
    return rules


def test_psc_proxy_dials_the_dns_name(k8s_synth: Synth, psc_settings: Settings) -> None:
    args = _proxy(k8s_synth(psc_settings))["args"]
    assert "--psc" in args
    assert "--private-ip" not in args


def test_psc_egress_is_the_endpoint_alone(k8s_synth: Synth, psc_settings: Settings) -> None:
    for rule in _to_the_instance(k8s_synth(psc_settings)):
        assert rule["to"] == [{"ipBlock": {"cidr": "10.70.15.253/32"}}]


def test_private_services_access_is_unchanged(k8s_synth: Synth, gke_settings: Settings) -> None:
    objects = k8s_synth(gke_settings)
    assert "--private-ip" in _proxy(objects)["args"]
    for rule in _to_the_instance(objects):
        assert rule["to"] == [{"ipBlock": {"cidr": gke_settings.network.private_services_cidr}}]


def test_iam_login_is_the_service_account_without_a_password(
    k8s_synth: Synth, psc_settings: Settings
) -> None:
    objects = k8s_synth(psc_settings)
    names = psc_settings.names
    assert "--auto-iam-authn" in _proxy(objects)["args"]
    data = config(objects)
    assert data[contract.DB_USER_ENV] == names.db_iam_user
    assert data[contract.DB_OWNER_ROLE_ENV] == names.db_owner_role
    assert contract.DB_PASSWORD_FILE_ENV not in data
    assert contract.DB_IAM_USER_ENV not in data
    # The bootstrap's take-over of an earlier password deployment's objects (ops/db_bootstrap.py).
    assert data[contract.DB_BUILTIN_USER_ENV] == names.db_user
    provider = one(objects, "SecretProviderClass")
    assert names.db_password_secret not in str(provider["spec"])
    assert contract.PASSWORD_FILE not in str(provider["spec"])


def test_password_mode_prepares_the_handover(k8s_synth: Synth, gke_settings: Settings) -> None:
    objects = k8s_synth(gke_settings)
    names = gke_settings.names
    data = config(objects)
    assert data[contract.DB_USER_ENV] == names.db_user
    assert data[contract.DB_OWNER_ROLE_ENV] == names.db_owner_role
    assert data[contract.DB_IAM_USER_ENV] == names.db_iam_user
    assert "--auto-iam-authn" not in _proxy(objects)["args"]
