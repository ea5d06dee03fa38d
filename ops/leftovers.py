"""What each edge leaves behind on Google Cloud when its Kubernetes objects go, found by name.

`make destroy` deletes the edge's objects first and waits for their finalizers, but a timeout or
a cluster deleted first leaves the controller's resources in place, and they hold the static IP
and the VPC. Each edge names its controller's resources its own way; `LEFTOVERS` maps the
deployment's edge (settings/modes.py) to the kinds ops/teardown.py looks for and deletes, in
the order they can be deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from settings import Settings
from settings.modes import Edge


@dataclass(frozen=True)
class Kind:
    """One kind of Compute Engine resource: its gcloud group, how to find ours, its scope."""

    group: str
    name: str  # a regular expression on the resource's name
    scope: str  # "global" or "zone"


def ingress_kinds(settings: Settings) -> list[Kind]:
    """The GKE Ingress controller's resources, by its own naming (kubernetes/ingress-gce,
    pkg/utils/namer): `k8s2-<kind>-<uid8>-<namespace>-<ingress>-...` for the frontend,
    `k8s1-<uid8>-<namespace>-<service>-<port>-...` for backend services, health checks and NEGs.
    On a VPC this project created, the controller's firewall rules on it go too; on a VPC the
    team owns nothing outside the names of this deployment is touched."""
    names = settings.names
    ns, service, ingress = names.namespace, names.service, names.service
    uid = "[a-z0-9]{8}"

    def frontend(prefix: str) -> str:
        return f"^k8s2-{prefix}-{uid}-{ns}-{ingress}-"

    backend = f"^k8s1-{uid}-{ns}-{service}-{settings.server.port}-"
    found = [
        Kind("forwarding-rules", frontend("f[rs]"), "global"),
        Kind("target-https-proxies", frontend("ts"), "global"),
        Kind("target-http-proxies", frontend("tp"), "global"),
        Kind("url-maps", frontend("(um|rm)"), "global"),
        Kind("backend-services", backend, "global"),
        Kind("health-checks", backend, "global"),
        Kind("network-endpoint-groups", backend, "zone"),
    ]
    if settings.target.owns_network:  # the VPC is this project's, and is deleted next
        found.append(Kind("firewall-rules", "^(k8s-fw-l7--|k8s2-)", "global"))
    return found


def _fitted(budget: int, *fields: str) -> list[str]:
    """Each field as a pattern: itself when all fit in `budget` characters, else any non-empty
    prefix of it (GKE's Gateway controller shortens long names its own, undocumented way).
    The fields are DNS labels (letters, digits, hyphens): nothing to escape."""
    if sum(len(f) for f in fields) <= budget:
        return list(fields)
    out = []
    for field in fields:
        pattern = ""
        for c in reversed(field[1:]):
            pattern = f"(?:{c}{pattern})?"
        out.append(field[0] + pattern)
    return out


def gateway_kinds(settings: Settings) -> list[Kind]:
    """GKE's Gateway controller's resources: `gkegw1-<hash4>-<namespace>-<gateway>-<hash12>` for
    the frontend (forwarding rules, target proxies, URL maps) and
    `gkegw1-<hash4>-<namespace>-<service>-<port>-<hash12>` for backend services and health
    checks (63 characters at most); the NEGs are the NEG controller's, named as for the Ingress
    (`k8s1-...`). The certificate map, certificate and DNS authorization are Terraform's and go
    with `terraform destroy`. On a VPC this project created, the controller's firewall rule
    (`gkegw1-<hash4>-l7-<network>-global`) goes too."""
    names, port = settings.names, settings.server.port
    ns, gateway, service = names.namespace, names.service, names.service
    ns_gw = _fitted(63 - 25, ns, gateway)
    frontend = f"^gkegw1-[a-z0-9]{{4}}-{ns_gw[0]}-{ns_gw[1]}-[a-z0-9]{{12}}$"
    ns_svc = _fitted(63 - 26 - len(str(port)), ns, service)
    backend = f"^gkegw1-[a-z0-9]{{4}}-{ns_svc[0]}-{ns_svc[1]}-{port}-[a-z0-9]{{12}}$"
    neg = f"^k8s1-[a-z0-9]{{8}}-{ns}-{service}-{port}-"
    found = [
        Kind("forwarding-rules", frontend, "global"),
        Kind("target-https-proxies", frontend, "global"),
        Kind("target-http-proxies", frontend, "global"),
        Kind("url-maps", frontend, "global"),
        Kind("backend-services", backend, "global"),
        Kind("health-checks", backend, "global"),
        Kind("network-endpoint-groups", neg, "zone"),
    ]
    if settings.target.owns_network:
        found.append(Kind("firewall-rules", f"^gkegw1-[a-z0-9]{{4}}-l7-{names.network}-", "global"))
    return found


def no_kinds(settings: Settings) -> list[Kind]:
    """A LoadBalancer Service outside Google Cloud: no Google load balancer at all."""
    return []


LEFTOVERS: dict[Edge, Callable[[Settings], list[Kind]]] = {
    Edge.INGRESS: ingress_kinds,
    Edge.GATEWAY: gateway_kinds,
    Edge.LOAD_BALANCER: no_kinds,
}


def kinds(settings: Settings) -> list[Kind]:
    """The leftovers of the environment's edge, in the order they can be deleted."""
    return LEFTOVERS[settings.modes.edge](settings)
