"""`make plan` on a shared VPC: what Terraform cannot read is checked with gcloud and the
deployer's own permissions, each problem with the command that fixes it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from ops import shared_vpc, teardown
from settings import Settings

HOST = "acme-net-host"
ALL_APIS = "\n".join(
    [
        "compute.googleapis.com",
        "container.googleapis.com",
        "iap.googleapis.com",
        "servicenetworking.googleapis.com",
        "dns.googleapis.com",
    ]
)
NETWORK = f"https://www.googleapis.com/compute/v1/projects/{HOST}/global/networks/shared-vpc"
LB_RULE: dict[str, Any] = {
    "name": "allow-lb",
    "network": NETWORK,
    "direction": "INGRESS",
    "sourceRanges": ["130.211.0.0/22", "35.191.0.0/16"],
    "allowed": [{"IPProtocol": "tcp", "ports": ["80", "443", "5000-5010"]}],
}


class Gcloud:
    """Answers the checks' gcloud calls; `apis` and `hosts` per project."""

    def __init__(
        self,
        *,
        apis: dict[str, str] | None = None,
        hosts: dict[str, str] | None = None,
        rules: list[dict[str, Any]] | None = None,
    ) -> None:
        self.apis, self.hosts, self.rules = apis or {}, hosts or {}, rules or []
        self.calls: list[list[str]] = []

    def __call__(self, args: Sequence[str]) -> str:
        self.calls.append(list(args))
        project = next((a.split("=", 1)[1] for a in args if a.startswith("--project=")), "")
        if args[:2] == ["services", "list"]:
            return self.apis.get(project, ALL_APIS)
        if args[:3] == ["compute", "shared-vpc", "get-host-project"]:
            return self.hosts.get(args[3], HOST) + "\n"
        if args[:3] == ["compute", "firewall-rules", "list"]:
            return json.dumps(self.rules)
        if args[:3] == ["config", "get-value", "account"]:
            return "deployer@acme.example\n"
        raise AssertionError(f"unexpected gcloud {args}")


def _all_held(project: str, permissions: list[str]) -> list[str]:
    return permissions


@pytest.fixture(scope="module")
def perimeter(perimeter_settings: Settings) -> Settings:
    return perimeter_settings


def test_nothing_to_check_off_a_shared_vpc(
    gke_settings: Settings, autopilot_settings: Settings
) -> None:
    gcloud = Gcloud()
    assert shared_vpc.problems(gke_settings, gcloud=gcloud, test=_all_held) == []
    assert shared_vpc.problems(autopilot_settings, gcloud=gcloud, test=_all_held) == []
    assert gcloud.calls == []  # a VPC of the cluster's own project: nothing asked


def test_all_in_place_is_quiet(perimeter: Settings) -> None:
    assert shared_vpc.problems(perimeter, gcloud=Gcloud(), test=_all_held) == []


def test_a_project_not_attached_to_the_host_names_the_shared_vpc_admins_command(
    perimeter: Settings,
) -> None:
    gcloud = Gcloud(hosts={"acme-ml-svc": ""})
    (problem,) = shared_vpc.problems(perimeter, gcloud=gcloud, test=_all_held)
    assert "project acme-ml-svc is not a service project of the shared VPC's host" in problem
    assert (
        f"gcloud compute shared-vpc associated-projects add acme-ml-svc --host-project={HOST}"
        in problem
    )


def test_apis_off_in_the_host_and_the_cluster_project(perimeter: Settings) -> None:
    gcloud = Gcloud(
        apis={HOST: "dns.googleapis.com", "acme-gke-platform": "compute.googleapis.com"}
    )
    found = shared_vpc.problems(perimeter, gcloud=gcloud, test=_all_held)
    assert f"gcloud services enable servicenetworking.googleapis.com --project={HOST}" in " ".join(
        found
    )
    assert "gcloud services enable iap.googleapis.com --project=acme-gke-platform" in " ".join(
        found
    )
    assert (
        "gcloud services enable container.googleapis.com --project=acme-gke-platform"
        in " ".join(found)
    )


def test_missing_permissions_in_the_host_name_the_roles_to_grant(perimeter: Settings) -> None:
    asked: list[str] = []

    def none_for_dns(project: str, permissions: list[str]) -> list[str]:
        assert project == HOST
        asked.extend(permissions)
        return [p for p in permissions if not p.startswith("dns.")]

    (problem,) = shared_vpc.problems(perimeter, gcloud=Gcloud(), test=none_for_dns)
    # restricted-create and manage_host_firewall: zones, routes, the firewall rule.
    assert {"compute.routes.create", "compute.firewalls.create", "dns.managedZones.create"} <= set(
        asked
    )
    assert (
        "lacks dns.managedZones.create, dns.changes.create, dns.networks.bindPrivateDNSZone"
        in problem
    )
    assert (
        f"gcloud projects add-iam-policy-binding {HOST} --member=user:deployer@acme.example "
        "--role=roles/dns.admin"
    ) in problem


def test_the_health_check_firewall_is_checked_when_the_stack_does_not_manage_it(
    perimeter: Settings,
) -> None:
    existing = perimeter.existing_cluster
    assert existing is not None
    unmanaged = perimeter.model_copy(
        update={"existing_cluster": existing.model_copy(update={"manage_host_firewall": False})}
    )
    assert shared_vpc.firewall_warning(unmanaged, gcloud=Gcloud(rules=[LB_RULE])) is None
    assert shared_vpc.firewall_warning(perimeter, gcloud=Gcloud()) is None  # managed: not read
    for broken in (
        {**LB_RULE, "sourceRanges": ["130.211.0.0/22"]},  # one range short
        {**LB_RULE, "allowed": [{"IPProtocol": "tcp", "ports": ["80"]}]},  # not the port
        {**LB_RULE, "disabled": True},
        {**LB_RULE, "network": NETWORK.replace("shared-vpc", "other")},
        {**LB_RULE, "destinationRanges": ["10.0.0.0/24"]},  # not the pods
    ):
        problem = shared_vpc.firewall_warning(unmanaged, gcloud=Gcloud(rules=[broken]))
        assert problem is not None
        assert "backends would stay unhealthy (502)" in problem
        assert (
            f"gcloud compute firewall-rules create mlp-perimeter-lb-health-checks --project={HOST} "
            "--network=shared-vpc --direction=INGRESS --action=ALLOW --rules=tcp:5000 "
            "--source-ranges=130.211.0.0/22,35.191.0.0/16 --destination-ranges=10.128.0.0/14"
        ) in problem
    everything = {**LB_RULE, "allowed": [{"IPProtocol": "all"}], "sourceRanges": ["0.0.0.0/0"]}
    assert shared_vpc.firewall_warning(unmanaged, gcloud=Gcloud(rules=[everything])) is None


# --- make destroy: the load balancer's leftovers in the cluster's project -----------------------


def test_teardown_looks_in_the_clusters_project(perimeter: Settings) -> None:
    calls: list[list[str]] = []

    def gcloud(args: Sequence[str]) -> str:
        calls.append(list(args))
        return "k8s2-fs-leftover\n" if args[1] == "forwarding-rules" and args[2] == "list" else ""

    assert teardown.clean_up(perimeter, gcloud=gcloud) == 1
    assert calls
    assert all("--project=acme-gke-platform" in c for c in calls)
    assert not [c for c in calls if c[1] == "firewall-rules"]  # the host's rules are not ours
