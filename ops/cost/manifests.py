"""What the manifests (dist/, dist/<env>/) add to the bill: the pods' requests (Autopilot bills
them), the forwarding rules the GKE Ingress controller creates, the metrics scraped."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from settings.workload import quantity_value

GIB = Decimal(2) ** 30
RESOURCES = ("cpu", "memory", "ephemeral-storage")


def load_manifests(folder: Path) -> list[dict]:
    """Every object of the folder's *.yaml files (not its subfolders: dist/<env>/)."""
    found: list[dict] = []
    for path in sorted(folder.glob("*.yaml")):
        found += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return found


def _requests(container: dict) -> dict[str, Decimal]:
    asked = (container.get("resources") or {}).get("requests") or {}
    return {r: quantity_value(str(asked[r])) if r in asked else Decimal(0) for r in RESOURCES}


def pod_requests(pod_spec: dict) -> dict[str, Decimal]:
    """The pod's effective request (Kubernetes' rule, KEP-753): the larger of its containers plus
    its sidecars (init containers with restartPolicy Always) and of each other init container
    plus the sidecars started before it. Autopilot bills this, not the limits.
    https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers
    """
    sidecars = {r: Decimal(0) for r in RESOURCES}
    peak = {r: Decimal(0) for r in RESOURCES}
    for init in pod_spec.get("initContainers") or []:
        asked = _requests(init)
        if init.get("restartPolicy") == "Always":
            sidecars = {r: sidecars[r] + asked[r] for r in RESOURCES}
        else:
            peak = {r: max(peak[r], asked[r] + sidecars[r]) for r in RESOURCES}
    running = dict(sidecars)
    for container in pod_spec.get("containers") or []:
        asked = _requests(container)
        running = {r: running[r] + asked[r] for r in RESOURCES}
    return {r: max(peak[r], running[r]) for r in RESOURCES}


@dataclass(frozen=True)
class Workload:
    kind: str
    name: str
    replicas: tuple[int, int]  # fewest..most (a HorizontalPodAutoscaler's range)
    requests: dict[str, Decimal]

    def describe(self) -> str:
        r = self.requests
        low, high = self.replicas
        count = f"{low}" if low == high else f"{low}..{high}"
        return (
            f"{self.name} x {count} ({r['cpu'].normalize():f} vCPU, "
            f"{(r['memory'] / GIB).quantize(Decimal('0.01')).normalize():f} GiB, "
            f"{(r['ephemeral-storage'] / GIB).quantize(Decimal('0.01')).normalize():f} GiB "
            "ephemeral each)"
        )


def running_workloads(manifests: list[dict]) -> list[Workload]:
    """The Deployments and StatefulSets: pods that run all month. Jobs and CronJobs run for
    minutes and are left out of the estimate."""
    scalers = {
        d["spec"]["scaleTargetRef"]["name"]: d["spec"]
        for d in manifests
        if d.get("kind") == "HorizontalPodAutoscaler"
    }
    found = []
    for d in manifests:
        if d.get("kind") not in ("Deployment", "StatefulSet"):
            continue
        name = d["metadata"]["name"]
        spec = d["spec"]
        replicas = int(spec.get("replicas", 1))
        if name in scalers:
            hpa = scalers[name]
            replicas_range = (int(hpa.get("minReplicas", 1)), int(hpa["maxReplicas"]))
        else:
            replicas_range = (replicas, replicas)
        found.append(
            Workload(d["kind"], name, replicas_range, pod_requests(spec["template"]["spec"]))
        )
    return found


def short_lived(manifests: list[dict]) -> list[str]:
    return [
        f"{d['kind']} {d['metadata']['name']}"
        for d in manifests
        if d.get("kind") in ("Job", "CronJob")
    ]


def forwarding_rules(manifests: list[dict]) -> list[str]:
    """The forwarding rules GKE's Ingress controller creates for each external Ingress: one
    for HTTPS when it has a certificate, one for HTTP unless HTTP is disallowed.
    https://cloud.google.com/kubernetes-engine/docs/how-to/load-balance-ingress
    (kubernetes.io/ingress.allow-http), .../ingress-configuration (FrontendConfig's HTTP-to-HTTPS
    redirect is served by the HTTP forwarding rule)."""
    rules = []
    for d in manifests:
        if d.get("kind") != "Ingress":
            continue
        notes = d["metadata"].get("annotations") or {}
        kind = (
            notes.get("kubernetes.io/ingress.class") or d["spec"].get("ingressClassName") or "gce"
        )
        if kind != "gce":
            continue
        name = d["metadata"]["name"]
        if notes.get("kubernetes.io/ingress.allow-http", "true") != "false":
            rules.append(f"{name} HTTP")
        certificate = (
            d["spec"].get("tls")
            or "networking.gke.io/managed-certificates" in notes
            or "ingress.gcp.kubernetes.io/pre-shared-cert" in notes
        )
        if certificate:
            rules.append(f"{name} HTTPS")
    return rules


def load_balancer_services(manifests: list[dict]) -> list[str]:
    return [
        d["metadata"]["name"]
        for d in manifests
        if d.get("kind") == "Service" and (d.get("spec") or {}).get("type") == "LoadBalancer"
    ]


def scrape_endpoints(manifests: list[dict]) -> list[tuple[str, Decimal]]:
    """(PodMonitoring name, scrape interval in seconds) of each endpoint."""
    found = []
    for d in manifests:
        if d.get("kind") != "PodMonitoring":
            continue
        for endpoint in d["spec"].get("endpoints") or []:
            interval = str(endpoint.get("interval", "60s"))
            found.append((d["metadata"]["name"], _seconds(interval)))
    return found


def _seconds(text: str) -> Decimal:
    units = {"s": 1, "m": 60, "h": 3600}
    return Decimal(text[:-1]) * units[text[-1]]
