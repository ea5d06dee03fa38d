"""database.connectivity (psc), database.auth (iam), the current tiers and their storage, the
data cache: the modes they choose and the errors, in the project's words."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, ConfigError, Settings, load_settings, parse_settings
from settings.database import last_usable_address, psc_endpoint_address
from settings.modes import DatabaseAuth, DatabaseConnectivity

CONFIGS = REPO_ROOT / "tests" / "configs"
GKE = yaml.safe_load((CONFIGS / "gke.yaml").read_text())
PSC = yaml.safe_load((CONFIGS / "psc.yaml").read_text())
SHARED = yaml.safe_load((CONFIGS / "shared.yaml").read_text())
LOCAL = yaml.safe_load((CONFIGS / "local.yaml").read_text())


def _parse(data: dict[str, Any]) -> Settings:
    return parse_settings(yaml.safe_dump(data), env="t", source="t.yaml")


def _with(base: dict[str, Any], **database: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    data.setdefault("database", {}).update(database)
    return data


def _refused(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        _parse(data)
    return str(caught.value)


def test_without_the_keys_gke_gets_peering_and_iam_and_local_keeps_its_password() -> None:
    """No connectivity key: a fork keeps private services access. No auth key: IAM on GKE
    (make apply's bootstrap takes over what a password deployment's login owns, so a fork that
    deployed with the password keeps its data: tests/e2e/test_iam_login.py); the local
    profile, whose pods come through workload identity federation, keeps the password."""
    dev = load_settings("dev")
    assert dev.modes.database_connectivity is DatabaseConnectivity.PRIVATE_SERVICES_ACCESS
    assert dev.modes.database_auth is DatabaseAuth.IAM
    assert load_settings("local").modes.database_auth is DatabaseAuth.PASSWORD


def test_the_local_profile_refuses_iam_by_name_and_keeps_an_explicit_password() -> None:
    assert "database.auth iam needs a GKE platform" in _refused(_with(LOCAL, auth="iam"))
    assert _parse(_with(LOCAL, auth="password")).modes.database_auth is DatabaseAuth.PASSWORD
    no_key = copy.deepcopy(LOCAL)
    no_key["database"].pop("auth", None)
    assert _parse(no_key).modes.database_auth is DatabaseAuth.PASSWORD


def test_psc_fixture_chooses_psc_and_iam() -> None:
    s = _parse(PSC)
    assert s.modes.database_connectivity is DatabaseConnectivity.PSC
    assert s.modes.database_auth is DatabaseAuth.IAM
    # The created subnet's last usable address (Google keeps the second-to-last and last).
    assert psc_endpoint_address(s.database, s.target) == "10.70.15.253"
    assert s.names.db_iam_user == "mlp-t-server@acme-ml-psc.iam"
    assert s.names.db_iam_user + ".gserviceaccount.com" == s.names.workload_sa_email


@pytest.mark.parametrize(
    ("cidr", "address"),
    [("10.10.0.0/20", "10.10.15.253"), ("192.168.4.0/24", "192.168.4.253")],
)
def test_last_usable_address(cidr: str, address: str) -> None:
    assert last_usable_address(cidr) == address


def test_an_explicit_address_must_be_in_the_subnet() -> None:
    message = _refused(_with(PSC, psc_endpoint_address="10.99.0.5"))
    assert "psc_endpoint_address 10.99.0.5 is not in network.subnet_cidr 10.70.0.0/20" in message
    assert _parse(_with(PSC, psc_endpoint_address="10.70.0.200")).database.psc_endpoint_address


def test_psc_on_an_existing_cluster_needs_the_subnet_and_the_address() -> None:
    message = _refused(_with(SHARED, connectivity="psc"))
    assert "psc_subnetwork" in message
    assert "psc_endpoint_address" in message
    s = _parse(
        _with(
            SHARED, connectivity="psc", psc_subnetwork="gke-nodes", psc_endpoint_address="10.2.0.9"
        )
    )
    assert psc_endpoint_address(s.database, s.target) == "10.2.0.9"


def test_psc_settings_without_psc_are_refused() -> None:
    assert "psc_subnetwork is for connectivity psc only" in _refused(_with(GKE, psc_subnetwork="x"))


@pytest.mark.parametrize(
    ("database", "expected"),
    [
        ({"connectivity": "psc"}, "connectivity psc needs a GKE platform"),
        ({"auth": "iam"}, "database.auth iam needs a GKE platform"),
    ],
)
def test_the_local_profile_keeps_public_ip_and_password(
    database: dict[str, str], expected: str
) -> None:
    assert expected in _refused(_with(LOCAL, **database))


@pytest.mark.parametrize(
    ("edition", "tier", "disk"),
    [
        ("ENTERPRISE", "db-custom-N4-2-8192", "HYPERDISK_BALANCED"),
        ("ENTERPRISE", "db-custom-2-7680", "PD_SSD"),
        ("ENTERPRISE_PLUS", "db-c4a-highmem-4", "HYPERDISK_BALANCED"),
        ("ENTERPRISE_PLUS", "db-perf-optimized-N-2", "PD_SSD"),
    ],
)
def test_current_tiers_and_their_storage(edition: str, tier: str, disk: str) -> None:
    s = _parse(_with(GKE, edition=edition, tier=tier, disk_size_gb=20))
    assert s.database.disk_type == disk


@pytest.mark.parametrize(
    ("database", "expected"),
    [
        ({"tier": "db-c4a-highmem-4"}, "db-c4a-highmem-* need ENTERPRISE_PLUS"),
        (
            {"edition": "ENTERPRISE_PLUS", "tier": "db-custom-N4-2-8192"},
            "db-custom-N4-*) need ENTERPRISE",
        ),
        ({"tier": "db-n4-standard-2"}, "db-custom-N4-<vCPUs>-<MiB>"),
        (
            {"tier": "db-custom-N4-2-8192", "disk_size_gb": 10},
            "stores on Hyperdisk Balanced, at least 20 GB",
        ),
        ({"data_cache": True}, "data_cache true needs edition ENTERPRISE_PLUS"),
        ({"log_min_duration_statement_ms": -5}, "must be at least -1"),
    ],
)
def test_bad_database_settings_say_why(database: dict[str, Any], expected: str) -> None:
    message = _refused(_with(GKE, **database))
    assert message.startswith("t.yaml: database")
    assert expected in message
