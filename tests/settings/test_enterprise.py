"""An enterprise organization's settings: shared VPC (the peering the stack never owns, the
host's firewall), VPC Service Controls (the restricted VIP, a private build pool), workforce
identity on IAP, Cloud Armor, Data Access audit logs; each bad value named with its rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, CreatedGke, Settings
from settings.advice import advice
from settings.errors import ConfigError
from settings.existing_cluster import GoogleApisRoute
from settings.load import parse_settings

PERIMETER = yaml.safe_load((REPO_ROOT / "tests/configs/perimeter.yaml").read_text())
GKE = yaml.safe_load((REPO_ROOT / "tests/configs/gke.yaml").read_text())


def _parse(data: dict[str, Any]) -> Settings:
    return parse_settings(yaml.safe_dump(data), env="ent", source="config/ent.yaml")


def _edited(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return data


def test_the_perimeter_fixture_is_what_it_says() -> None:
    s = _parse(PERIMETER)
    existing = s.existing_cluster
    assert existing is not None
    assert existing.google_apis is GoogleApisRoute.RESTRICTED_CREATE
    assert existing.google_apis.restricted
    assert existing.google_apis.creates_zones
    assert existing.manage_host_firewall
    assert s.registry.build_pool_region == "europe-west3"
    assert s.audit_logs.data_access
    assert s.ingress.cloud_armor is not None
    assert s.ingress.cloud_armor.rule_count == 3


def test_private_services_create_is_refused_on_a_network_the_stack_did_not_create() -> None:
    data = _edited(
        PERIMETER, "existing_cluster.private_services", {"create": True, "cidr": "10.200.0.0/16"}
    )
    with pytest.raises(ConfigError) as caught:
        _parse(data)
    message = str(caught.value)
    assert "private_services.create: true is refused" in message
    # The network owner's two commands, in the host project, with the range's address.
    assert (
        "gcloud compute addresses create google-managed-services-shared-vpc --global "
        "--purpose=VPC_PEERING --addresses=10.200.0.0 --prefix-length=16 --network=shared-vpc "
        "--project=acme-net-host"
    ) in message
    assert (
        "gcloud services vpc-peerings connect --service=servicenetworking.googleapis.com" in message
    )


@pytest.mark.parametrize(
    ("route", "restricted", "creates"),
    [
        ("private", False, False),
        ("private-create", False, True),
        ("restricted", True, False),
        ("restricted-create", True, True),
        ("public", False, False),
    ],
)
def test_each_google_apis_route(route: str, restricted: bool, creates: bool) -> None:
    s = _parse(_edited(PERIMETER, "existing_cluster.google_apis", route))
    assert s.existing_cluster is not None
    assert s.existing_cluster.google_apis.restricted is restricted
    assert s.existing_cluster.google_apis.creates_zones is creates


def test_a_created_vpc_inside_a_perimeter() -> None:
    target = _parse(_edited(GKE, "network.google_apis", "restricted")).target
    assert isinstance(target, CreatedGke)
    assert target.google_apis is GoogleApisRoute.RESTRICTED_CREATE
    default = _parse(GKE).target
    assert isinstance(default, CreatedGke)
    assert default.google_apis is GoogleApisRoute.PRIVATE_CREATE
    with pytest.raises(ConfigError, match=r"network\.google_apis"):
        _parse(_edited(GKE, "network.google_apis", "restricted-create"))


@pytest.mark.parametrize(
    ("pool", "says"),
    [
        ("perimeter-pool", "must be projects/<project>/locations/<region>/workerPools/<name>"),
        (
            "projects/acme-build/locations/us-east1/workerPools/perimeter-pool",
            "registry.build_pool is in us-east1, not the region europe-west3",
        ),
    ],
)
def test_a_build_pool_is_a_pool_path_in_the_region(pool: str, says: str) -> None:
    with pytest.raises(ConfigError, match=r"registry\.build_pool") as caught:
        _parse(_edited(PERIMETER, "registry.build_pool", pool))
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("armor", "says"),
    [
        ({}, "needs allowed_cidrs, throttle_per_minute or waf_rules"),
        ({"allowed_cidrs": ["203.0.113.1/24"]}, "is not a CIDR block"),
        ({"waf_rules": ["sqli"]}, "a preconfigured WAF rule set"),
        ({"throttle_per_minute": 0}, "must be more than 0, got 0"),
    ],
)
def test_cloud_armor_rules(armor: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=r"ingress\.cloud_armor") as caught:
        _parse(_edited(PERIMETER, "ingress.cloud_armor", armor))
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("pool", "workforcePools/acme-entra", "locations/global/workforcePools/<pool id>"),
        ("client_id", "", "workforce OAuth client's ID"),
        ("client_secret", "a secret with spaces", "letters, digits, hyphens"),
    ],
)
def test_workforce_identity_fields(field: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError, match=rf"ingress\.workforce_identity\.{field}") as caught:
        _parse(_edited(PERIMETER, f"ingress.workforce_identity.{field}", value))
    assert says in str(caught.value)


def test_workforce_admins_listed_as_principals_are_warned_about() -> None:
    principal = (
        "principal://iam.googleapis.com/locations/global/workforcePools/acme-entra/subject/x"
    )
    notes = advice(_parse(_edited(PERIMETER, "auth.admins", [principal])))
    assert any("takes a workforce user's email claim first" in n for n in notes)
    assert not any("email claim first" in n for n in advice(_parse(PERIMETER)))


def test_restricted_with_auth_on_a_vpc_with_its_own_zones_needs_gstatic_on_the_private_vip() -> (
    None
):
    notes = advice(_parse(_edited(PERIMETER, "existing_cluster.google_apis", "restricted")))
    (note,) = [n for n in notes if "gstatic.com" in n]
    assert "restricted.googleapis.com does not serve gstatic.com" in note
