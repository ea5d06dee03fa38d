"""`make plan` and `make deploy` on a shared VPC or a cluster in another project: check first
what Terraform cannot read, and name the exact fix.

    .venv/bin/python -m ops.shared_vpc

Terraform's data sources read the host's network and range (infra/cluster_lookup.py), but no
data source says whether a project is attached to a host, which APIs the host has on, whether
the deployer holds a permission there, or whether the host's firewall admits the load balancer.
Each of these fails a deploy late, or leaves it unhealthy (502) with nothing in the plan:

* project_id (where Cloud SQL gets its private IP in the host's network) and the cluster's
  project must be service projects of the host
  (https://cloud.google.com/vpc/docs/shared-vpc; Cloud SQL, "Configure private IP": with a
  Shared VPC network the instance's project must be a service project of the host);
* the host must have the Service Networking API on ("If you use a Shared VPC network, you must
  also enable this API in the host project", same page), and Cloud DNS when the stack creates
  the private zones there;
* the deployer (Application Default Credentials, which Terraform uses) needs, in the host, the
  permissions of what the stack reads or creates there: testIamPermissions answers exactly that;
* the host's firewall must let 130.211.0.0/22 and 35.191.0.0/16 reach the pods' port
  (https://cloud.google.com/load-balancing/docs/firewall-rules), which the service project's
  Ingress controller usually may not create (kubernetes/ingress-gce#1462), unless
  existing_cluster.manage_host_firewall lets the stack create it (infra/shared_vpc.py); a
  warning, not an error: only VPC firewall rules are read, and a firewall policy may admit
  the ranges instead;
* a cluster in another project needs the compute, container and IAP APIs there: its load
  balancer, static IP, SSL policy and IAP grants live there.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from ops.cli import run
from settings import ExistingGke, Settings, load_settings
from settings.contract import LOAD_BALANCER_RANGES

Runner = Callable[[Sequence[str]], str]
Tester = Callable[[str, list[str]], list[str]]  # project, permissions -> those held

# Which role grants each permission the stack needs in the host (the smallest predefined one).
ROLES = {
    "compute.networks.get": "roles/compute.networkViewer",
    "compute.globalAddresses.get": "roles/compute.networkViewer",
    "dns.managedZones.create": "roles/dns.admin",
    "dns.changes.create": "roles/dns.admin",
    "dns.networks.bindPrivateDNSZone": "roles/dns.admin",
    "compute.routes.create": "roles/compute.networkAdmin",
    "compute.firewalls.create": "roles/compute.securityAdmin",
}


def _gcloud(args: Sequence[str]) -> str:
    return subprocess.run(
        ["gcloud", *args], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def _test_permissions(project: str, permissions: list[str]) -> list[str]:
    """projects.testIamPermissions as the Application Default Credentials (Terraform's)."""
    token = _gcloud(["auth", "application-default", "print-access-token"]).strip()
    request = urllib.request.Request(
        f"https://cloudresourcemanager.googleapis.com/v1/projects/{project}:testIamPermissions",
        data=json.dumps({"permissions": permissions}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as resp:  # noqa: S310 - a fixed https URL
        return list(json.loads(resp.read()).get("permissions", []))


def needed_permissions(settings: Settings) -> list[str]:
    target = settings.target
    assert isinstance(target, ExistingGke)
    wanted = ["compute.networks.get", "compute.globalAddresses.get"]
    if target.google_apis.creates_zones:
        wanted += ["dns.managedZones.create", "dns.changes.create"]
        wanted += ["dns.networks.bindPrivateDNSZone"]
        if target.google_apis.restricted:
            wanted.append("compute.routes.create")
    if target.existing.manage_host_firewall:
        wanted.append("compute.firewalls.create")
    return wanted


def _ipv4(ranges: Sequence[str]) -> list[ipaddress.IPv4Network]:
    """The IPv4 ranges of a rule (an IPv6 range never covers the load balancer's)."""
    return [n for n in map(ipaddress.ip_network, ranges) if isinstance(n, ipaddress.IPv4Network)]


def _admits(rule: dict[str, Any], network: str, port: int, pods_cidr: str) -> bool:
    """Whether an enabled INGRESS allow rule on `network` lets both ranges reach the port."""
    if rule.get("disabled") or rule.get("direction", "INGRESS") != "INGRESS":
        return False
    if not str(rule.get("network", "")).endswith(f"/networks/{network}"):
        return False
    sources = _ipv4(rule.get("sourceRanges", []))
    covered = all(
        any(ipaddress.IPv4Network(lb).subnet_of(s) for s in sources) for lb in LOAD_BALANCER_RANGES
    )
    pods = ipaddress.IPv4Network(pods_cidr)
    dests = _ipv4(rule.get("destinationRanges", []))
    if not covered or (rule.get("destinationRanges") and not any(pods.subnet_of(d) for d in dests)):
        return False
    for allowed in rule.get("allowed", []):
        if allowed.get("IPProtocol") not in ("tcp", "all"):
            continue
        ports = allowed.get("ports") or []
        for spec in ports or ["1-65535"]:
            low, _, high = spec.partition("-")
            if int(low) <= port <= int(high or low):
                return True
    return False


def firewall_command(settings: Settings) -> str:
    target = settings.target
    assert isinstance(target, ExistingGke)
    return (
        f"gcloud compute firewall-rules create {settings.names.host_firewall} "
        f"--project={target.network_project} --network={target.existing.network_name} "
        f"--direction=INGRESS --action=ALLOW --rules=tcp:{settings.server.port} "
        f"--source-ranges={','.join(LOAD_BALANCER_RANGES)} "
        f"--destination-ranges={target.existing.pods_cidr}"
    )


def problems(
    settings: Settings, *, gcloud: Runner = _gcloud, test: Tester = _test_permissions
) -> list[str]:
    """What is missing, each with its fix; empty when all is there (or nothing applies)."""
    target = settings.target
    if not isinstance(target, ExistingGke):
        return []
    found: list[str] = []
    host, cluster_project = target.network_project, target.project

    def enabled(project: str) -> set[str]:
        listed = ["services", "list", "--enabled", f"--project={project}"]
        out = gcloud([*listed, "--format=value(config.name)"])
        return {line.strip() for line in out.splitlines() if line.strip()}

    if cluster_project != settings.project_id:
        on = enabled(cluster_project)
        for api in ("compute.googleapis.com", "container.googleapis.com", "iap.googleapis.com"):
            if api not in on:
                found.append(
                    f"the cluster's project {cluster_project} has {api} off (its load balancer, "
                    f"static IP and IAP live there): gcloud services enable {api} "
                    f"--project={cluster_project}"
                )
    if host == cluster_project:
        return found
    for project in dict.fromkeys((settings.project_id, cluster_project)):
        host_of = ["compute", "shared-vpc", "get-host-project", project]
        attached = gcloud([*host_of, "--format=value(name)"]).strip()
        if attached != host:
            found.append(
                f"project {project} is not a service project of the shared VPC's host {host} "
                f"(attached to: {attached or 'none'}): a Shared VPC Admin runs gcloud compute "
                f"shared-vpc associated-projects add {project} --host-project={host}"
            )
    host_apis = ["servicenetworking.googleapis.com"]
    if target.google_apis.creates_zones:
        host_apis.append("dns.googleapis.com")
    on = enabled(host)
    found += [
        f"the host project {host} has {api} off: gcloud services enable {api} --project={host}"
        for api in host_apis
        if api not in on
    ]
    wanted = needed_permissions(settings)
    held = set(test(host, wanted))
    missing = [p for p in wanted if p not in held]
    if missing:
        account = gcloud(["config", "get-value", "account"]).strip() or "YOU@example.com"
        kind = "serviceAccount" if account.endswith("gserviceaccount.com") else "user"
        roles = sorted({ROLES[p] for p in missing})
        found.append(
            f"the deployer lacks {', '.join(missing)} in the host project {host}: "
            + " && ".join(
                f"gcloud projects add-iam-policy-binding {host} --member={kind}:{account} "
                f"--role={role}"
                for role in roles
            )
        )
    return found


def firewall_warning(settings: Settings, *, gcloud: Runner = _gcloud) -> str | None:
    """The health-check firewall rule, when the stack does not manage it: a warning, not an
    error, because only the network's VPC firewall rules are read; a rule in a hierarchical or
    network firewall policy may admit the ranges too."""
    target = settings.target
    if not isinstance(target, ExistingGke) or target.existing.manage_host_firewall:
        return None
    host = target.network_project
    if host == target.project:
        return None  # the cluster's own VPC: its Ingress controller creates the rule itself
    rules = json.loads(
        gcloud(["compute", "firewall-rules", "list", f"--project={host}", "--format=json"]) or "[]"
    )
    net, port = target.existing.network_name, settings.server.port
    if any(_admits(r, net, port, target.existing.pods_cidr) for r in rules):
        return None
    return (
        f"no VPC firewall rule in {host} lets the load balancer's health checks "
        f"({', '.join(LOAD_BALANCER_RANGES)}) reach the pods on tcp:{port}, so the backends "
        "would stay unhealthy (502) unless a firewall policy admits them: set "
        "existing_cluster.manage_host_firewall: true, or have the host's network admin run "
        f"{firewall_command(settings)}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    settings = load_settings()
    try:
        found = problems(settings)
        warning = firewall_warning(settings)
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        print(f"error: the shared VPC checks could not run: {str(detail).strip()}", file=sys.stderr)
        raise SystemExit(2) from None
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    if found:
        raise SystemExit(2)


if __name__ == "__main__":
    run(main)
